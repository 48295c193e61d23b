package io.spore.p2p.multistream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/** Hostile bytes into the multistream codec and the responder: refused cleanly, never a crash or a hang. */
class MultistreamFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void codec(byte[] data) {
        var in = Unpooled.wrappedBuffer(data);
        try {
            while (MultistreamCodec.read(in) != null) {
                // keep reading
            }
        } catch (TooLongFrameException | CorruptedFrameException expected) {
            // refused
        }
    }

    @FuzzTest(maxDuration = "10s")
    void responder(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(MultistreamHandler.responder("/x"::equals, new MultistreamHandler.Listener() {
            @Override public void negotiated(ChannelHandlerContext ctx, String protocol) {}
        }));
        ch.writeInbound(Unpooled.wrappedBuffer(data));
        ch.finishAndReleaseAll();
    }
}
