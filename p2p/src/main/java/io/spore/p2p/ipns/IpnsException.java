package io.spore.p2p.ipns;

/** A record that must not be used: malformed, forged, expired, or for another name. One-line message. */
public final class IpnsException extends Exception {
    public IpnsException(String message) {
        super(message);
    }
}
