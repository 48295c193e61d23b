package io.spore.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class YamuxSessionTest {
    final List<Channel> accepted = new ArrayList<>();
    final ByteBuf received = Unpooled.buffer();
    final List<Object> events = new ArrayList<>();

    EmbeddedChannel server(YamuxConfig cfg) {
        EmbeddedChannel ch = new EmbeddedChannel();
        YamuxSession.install(ch, false, cfg, s -> {
            accepted.add(s);
            s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    received.writeBytes((ByteBuf) msg);
                    ((ByteBuf) msg).release();
                }

                @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    events.add(evt);
                }
            });
        });
        return ch;
    }

    static ByteBuf frame(int type, int flags, int id, long length, byte[] data) {
        ByteBuf b = Unpooled.buffer();
        YamuxFrame.writeHeader(b, type, flags, id, length);
        if (data != null) b.writeBytes(data);
        return b;
    }

    /** Feeds {@code b} one byte at a time. */
    static void feed(EmbeddedChannel ch, ByteBuf b) {
        while (b.isReadable()) ch.writeInbound(b.readRetainedSlice(1));
        b.release();
    }

    static List<YamuxFrame> written(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        List<YamuxFrame> out = new ArrayList<>();
        while (all.readableBytes() >= 12) {
            int type = all.getUnsignedByte(all.readerIndex() + 1);
            int flags = all.getUnsignedShort(all.readerIndex() + 2);
            int id = all.getInt(all.readerIndex() + 4);
            long len = all.getUnsignedInt(all.readerIndex() + 8);
            all.skipBytes(12);
            ByteBuf data = null;
            if (type == YamuxFrame.DATA) data = all.readBytes((int) len);
            out.add(new YamuxFrame(type, flags, id, len, data));
        }
        return out;
    }

    @Test void inboundStreamGetsDataFinAndAnAck() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0, null));
        feed(ch, frame(YamuxFrame.DATA, 0, 1, 5, "hello".getBytes()));
        feed(ch, frame(YamuxFrame.DATA, YamuxFrame.FIN, 1, 0, new byte[0]));
        ch.runPendingTasks();
        assertEquals(1, accepted.size());
        assertEquals("hello", received.toString(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(events.contains(ChannelInputShutdownEvent.INSTANCE));
        List<YamuxFrame> out = written(ch);
        assertEquals(YamuxFrame.WINDOW_UPDATE, out.getFirst().type());
        assertTrue(out.getFirst().has(YamuxFrame.ACK));

        // Our side writes and finishes: a Data frame then FIN, and the stream closes cleanly.
        Channel s = accepted.getFirst();
        s.writeAndFlush(Unpooled.wrappedBuffer("bye".getBytes()));
        ((DuplexChannel) s).shutdownOutput();
        ch.runPendingTasks();
        out = written(ch);
        assertEquals("bye", out.getFirst().data().toString(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(out.stream().anyMatch(f -> f.has(YamuxFrame.FIN)));
        assertTrue(out.stream().noneMatch(f -> f.has(YamuxFrame.RST)));
        assertFalse(s.isOpen());
    }

    /** The decoder hands data on in pieces as the wire's buffers come: the flags still act once, in order. */
    @Test void aDataFrameCutAnywhereArrivesWholeWithItsFlagsInOrder() {
        java.util.Random r = new java.util.Random(3);
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        byte[] data = new byte[200_000];
        r.nextBytes(data);
        ByteBuf wire = frame(YamuxFrame.DATA, YamuxFrame.SYN | YamuxFrame.FIN, 1, data.length, data);
        wire.writeBytes(frame(YamuxFrame.PING, YamuxFrame.SYN, 0, 7, null));
        while (wire.isReadable()) {
            int take = Math.min(wire.readableBytes(), r.nextBoolean() ? 1 + r.nextInt(20) : 1 + r.nextInt(60_000));
            ch.writeInbound(wire.readRetainedSlice(take));
            assertTrue(events.isEmpty() || !wire.isReadable() || wire.readableBytes() <= 12, "FIN only after the last byte");
        }
        wire.release();
        ch.runPendingTasks();
        assertEquals(1, accepted.size());
        byte[] got = new byte[received.readableBytes()];
        received.readBytes(got);
        assertArrayEquals(data, got);
        assertEquals(List.of(ChannelInputShutdownEvent.INSTANCE, io.netty.channel.socket.ChannelInputShutdownReadComplete.INSTANCE), events);
        List<YamuxFrame> out = written(ch);
        assertEquals(1, out.stream().filter(f -> f.has(YamuxFrame.ACK) && f.type() == YamuxFrame.WINDOW_UPDATE).count());
        assertTrue(out.stream().anyMatch(f -> f.type() == YamuxFrame.PING && f.length() == 7), "the frame after the data is read too");
    }

    @Test void aFrameOverTheWindowIsRefusedEvenInPieces() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        ByteBuf wire = frame(YamuxFrame.DATA, YamuxFrame.SYN, 1, YamuxConfig.INITIAL_WINDOW + 1, new byte[YamuxConfig.INITIAL_WINDOW + 1]);
        while (wire.isReadable() && ch.isActive()) ch.writeInbound(wire.readRetainedSlice(Math.min(wire.readableBytes(), 50_000)));
        wire.release();
        ch.runPendingTasks();
        assertTrue(written(ch).stream().anyMatch(f -> f.type() == YamuxFrame.GO_AWAY && f.length() == YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
        assertFalse(ch.isActive());
        assertEquals(0, received.readableBytes(), "refused at its first piece, as if it had come whole");
    }

    @Test void pingsAreAnswered() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.PING, YamuxFrame.SYN, 0, 0xCAFEL, null));
        YamuxFrame f = written(ch).getFirst();
        assertEquals(YamuxFrame.PING, f.type());
        assertTrue(f.has(YamuxFrame.ACK));
        assertEquals(0xCAFEL, f.length());
    }

    @Test void writesWaitForTheWindowAndResumeOnUpdate() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0, null));
        written(ch);
        Channel s = accepted.getFirst();
        s.writeAndFlush(Unpooled.wrappedBuffer(new byte[YamuxConfig.INITIAL_WINDOW + 1000]));
        ch.runPendingTasks();
        long sent = written(ch).stream().filter(f -> f.type() == YamuxFrame.DATA).mapToLong(YamuxFrame::length).sum();
        assertEquals(YamuxConfig.INITIAL_WINDOW, sent);
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, 0, 1, 1000, null));
        ch.runPendingTasks();
        sent = written(ch).stream().filter(f -> f.type() == YamuxFrame.DATA).mapToLong(YamuxFrame::length).sum();
        assertEquals(1000, sent);
    }

    @Test void dataBeyondTheWindowIsAProtocolError() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0, null));
        ch.writeInbound(frame(YamuxFrame.DATA, 0, 1, YamuxConfig.INITIAL_WINDOW + 1, new byte[YamuxConfig.INITIAL_WINDOW + 1]));
        List<YamuxFrame> out = written(ch);
        assertTrue(out.stream().anyMatch(f -> f.type() == YamuxFrame.GO_AWAY && f.length() == YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
        assertFalse(ch.isOpen());
        assertFalse(accepted.getFirst().isOpen());
    }

    @Test void framesLongerThanTheMaximumWindowCloseWithoutBuffering() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        ch.writeInbound(frame(YamuxFrame.DATA, YamuxFrame.SYN, 1, 0xFFFF_FFF0L, new byte[10]));
        assertFalse(ch.isOpen());
    }

    @Test void streamsBeyondTheLimitAreReset() {
        EmbeddedChannel ch = server(YamuxConfig.defaults().withMaxInboundStreams(2));
        for (int id = 1; id <= 5; id += 2) feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, id, 0, null));
        List<YamuxFrame> out = written(ch);
        assertEquals(2, accepted.size());
        assertTrue(out.stream().anyMatch(f -> f.streamId() == 5 && f.has(YamuxFrame.RST)));
        assertTrue(ch.isOpen());
        // Closing one makes room again.
        accepted.getFirst().close();
        ch.runPendingTasks();
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 7, 0, null));
        assertEquals(3, accepted.size());
    }

    @Test void protocolViolationsCloseTheSession() {
        for (ByteBuf bad : List.of(
                frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 2, 0, null), // our parity
                frame(7, 0, 0, 0, null), // unknown type
                frame(YamuxFrame.PING, YamuxFrame.SYN, 3, 0, null))) { // ping on a stream
            EmbeddedChannel ch = server(YamuxConfig.defaults());
            feed(ch, bad);
            assertFalse(ch.isOpen());
        }
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0, null));
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0, null)); // twice
        assertFalse(ch.isOpen());
        ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0xFFFF_FFFFL, null)); // window overflow
        assertFalse(ch.isOpen());
    }

    @Test void aSlowReaderHoldsBackWindowUpdates() {
        EmbeddedChannel ch = server(YamuxConfig.defaults());
        feed(ch, frame(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0, null));
        written(ch);
        Channel s = accepted.getFirst();
        s.config().setAutoRead(false);
        ch.writeInbound(frame(YamuxFrame.DATA, 0, 1, 1, new byte[1])); // answers the read already asked for
        ch.writeInbound(frame(YamuxFrame.DATA, 0, 1, 200_000, new byte[200_000]));
        ch.runPendingTasks();
        assertTrue(written(ch).stream().noneMatch(f -> f.type() == YamuxFrame.WINDOW_UPDATE), "no credit while unread");
        s.read();
        ch.runPendingTasks();
        List<YamuxFrame> out = written(ch);
        assertTrue(out.stream().anyMatch(f -> f.type() == YamuxFrame.WINDOW_UPDATE && f.length() >= 200_000), out.toString());
    }

    @Test void goAwayStopsNewOutboundStreams() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        YamuxSession session = YamuxSession.install(ch, true, YamuxConfig.defaults(), s -> {});
        feed(ch, frame(YamuxFrame.GO_AWAY, 0, 0, 0, null));
        var f = session.openStream(s -> {});
        ch.runPendingTasks();
        assertFalse(f.isSuccess());
        assertTrue(f.cause().getMessage().contains("going away"));
    }
}
