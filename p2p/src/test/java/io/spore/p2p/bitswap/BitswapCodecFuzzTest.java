package io.spore.p2p.bitswap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import java.nio.ByteBuffer;

/**
 * Bytes from a peer, straight into the message reader: the only failures allowed are
 * {@link BitswapException} (and Netty's wrapping of it), never a crash or a runaway allocation.
 * Fuzz for real with {@code tests/fuzz/run} (JAZZER_FUZZ=1).
 */
class BitswapCodecFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        try {
            BitswapMessage m = BitswapCodec.decode(ByteBuffer.wrap(input));
            for (BitswapMessage.Block b : m.blocks()) {
                if (!b.cid().matches(b.data())) throw new AssertionError("decoded block does not match its CID");
            }
            BitswapCodec.encode(m);
        } catch (BitswapException expected) {
            // refused, as it should be
        }
    }

    @FuzzTest(maxDuration = "30s")
    void frames(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new BitswapFrameDecoder());
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
        } catch (DecoderException expected) {
            // refused
        } finally {
            while (ch.readInbound() != null) { /* drain */ }
            try {
                // Closing makes the decoder look at what is left once more: a refusal there too.
                ch.finishAndReleaseAll();
            } catch (DecoderException expected) {
                // refused at end of input
            }
        }
    }
}
