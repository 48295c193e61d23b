package io.spore.p2p.bitswap;

import java.nio.ByteBuffer;

/**
 * Splits a stream into uvarint-length-prefixed frames and decodes each into a
 * {@link BitswapMessage} on the calling (event loop) thread. {@link Bitswap} itself splits on the
 * event loop and decodes (hashes) elsewhere; this is the one-step form.
 */
final class BitswapFrameDecoder extends BitswapFrameSplitter {
    @Override
    Object frame(byte[] frame) throws BitswapException {
        return BitswapCodec.decode(ByteBuffer.wrap(frame));
    }
}
