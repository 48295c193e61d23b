package io.spore.p2p.multistream;

/** Negotiation failed: the peer supports none of the protocols offered, or broke the protocol. */
public final class MultistreamException extends Exception {
    public MultistreamException(String message) {
        super(message);
    }
}
