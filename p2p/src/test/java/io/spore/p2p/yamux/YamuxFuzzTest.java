package io.spore.p2p.yamux;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** Hostile frames into a Yamux session: it answers or closes the connection, never throws or grows without bound. */
class YamuxFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void frames(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel();
        YamuxSession.install(ch, false, YamuxConfig.defaults().withMaxInboundStreams(16), s -> {});
        ch.writeInbound(Unpooled.wrappedBuffer(data));
        ch.runPendingTasks();
        ch.finishAndReleaseAll();
    }
}
