package io.spore.p2p.bitswap;

import java.io.IOException;

/** A peer broke the Bitswap protocol: the stream is closed and the peer's message ignored. */
public class BitswapException extends IOException {
    public BitswapException(String message) {
        super(message);
    }
}
