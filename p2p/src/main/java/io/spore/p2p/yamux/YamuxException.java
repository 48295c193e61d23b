package io.spore.p2p.yamux;

/** The peer broke the Yamux protocol; its connection is closed with GoAway(protocol error). */
public final class YamuxException extends Exception {
    public YamuxException(String message) {
        super(message);
    }
}
