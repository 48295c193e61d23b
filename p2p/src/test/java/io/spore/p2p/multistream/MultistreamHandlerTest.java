package io.spore.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class MultistreamHandlerTest {
    /** Records the outcome of a negotiation. */
    static final class Outcome implements MultistreamHandler.Listener {
        String protocol;
        Throwable failure;

        @Override public void negotiated(ChannelHandlerContext ctx, String p) { protocol = p; }

        @Override public void failed(ChannelHandlerContext ctx, Throwable cause) { failure = cause; }
    }

    /** Moves everything one channel wrote into the other, one byte per read. */
    static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        ByteBuf b;
        while ((b = from.readOutbound()) != null) {
            while (b.isReadable()) to.writeInbound(b.readRetainedSlice(1));
            b.release();
        }
    }

    static ByteBuf msgs(String... m) {
        ByteBuf b = Unpooled.buffer();
        for (String s : m) MultistreamCodec.write(s, b);
        return b;
    }

    @Test void initiatorAndResponderAgreeOverByteFragmentsAndStepAside() {
        Outcome io = new Outcome(), ro = new Outcome();
        MultistreamHandler ih = MultistreamHandler.initiator(List.of("/a/1", "/b/1"), io);
        MultistreamHandler rh = MultistreamHandler.responder(Set.of("/b/1")::contains, ro);
        EmbeddedChannel i = new EmbeddedChannel(ih), r = new EmbeddedChannel(rh);
        for (int n = 0; n < 5; n++) {
            shuttle(i, r);
            shuttle(r, i);
        }
        assertEquals("/b/1", io.protocol);
        assertEquals("/b/1", ro.protocol);
        assertNull(i.pipeline().context(ih));
        assertNull(r.pipeline().context(rh));
        assertFalse(i.finish());
        assertFalse(r.finish());
    }

    @Test void bytesAfterTheAgreementReachTheNextHandler() {
        Outcome o = new Outcome();
        EmbeddedChannel r = new EmbeddedChannel(MultistreamHandler.responder("/x"::equals, o));
        r.readOutbound(); // header
        ByteBuf in = msgs(MultistreamCodec.HEADER, "/x");
        in.writeBytes("payload".getBytes(StandardCharsets.UTF_8));
        r.writeInbound(in);
        assertEquals("/x", o.protocol);
        ByteBuf rest = r.readInbound();
        assertEquals("payload", rest.toString(StandardCharsets.UTF_8));
        rest.release();
        ByteBuf echo = r.readOutbound();
        assertEquals("/x", MultistreamCodec.read(echo));
        echo.release();
    }

    @Test void unsupportedProtocolsGetNaAndLsIsAnsweredNa() {
        Outcome o = new Outcome();
        EmbeddedChannel r = new EmbeddedChannel(MultistreamHandler.responder("/x"::equals, o));
        ((ByteBuf) r.readOutbound()).release();
        r.writeInbound(msgs(MultistreamCodec.HEADER, "/y", "ls"));
        List<String> answers = new ArrayList<>();
        ByteBuf b;
        while ((b = r.readOutbound()) != null) {
            String s;
            while ((s = MultistreamCodec.read(b)) != null) answers.add(s);
            b.release();
        }
        assertEquals(List.of("na", "na"), answers);
        assertNull(o.protocol);
        assertTrue(r.isOpen());
    }

    @Test void initiatorFailsWhenNothingIsAccepted() {
        Outcome o = new Outcome();
        EmbeddedChannel i = new EmbeddedChannel(MultistreamHandler.initiator(List.of("/a"), o));
        ((ByteBuf) i.readOutbound()).release();
        i.writeInbound(msgs(MultistreamCodec.HEADER, "na"));
        assertInstanceOf(MultistreamException.class, o.failure);
        assertTrue(o.failure.getMessage().contains("/a"));
        assertFalse(i.isOpen());
    }

    @Test void oversizedAndMalformedMessagesCloseTheChannel() {
        for (ByteBuf bad : List.of(
                Unpooled.wrappedBuffer(new byte[]{(byte) 0x81, 0x08}), // 1025 bytes announced
                Unpooled.wrappedBuffer(new byte[]{3, 'a', 'b', 'c'}), // no newline
                Unpooled.wrappedBuffer(new byte[]{0}), // empty
                msgs("/not-multistream"))) {
            Outcome o = new Outcome();
            EmbeddedChannel r = new EmbeddedChannel(MultistreamHandler.responder(p -> true, o));
            r.writeInbound(bad);
            assertNotNull(o.failure);
            assertFalse(r.isOpen());
            r.finishAndReleaseAll();
        }
    }

    @Test void aPeerMayNotProposeForever() {
        Outcome o = new Outcome();
        EmbeddedChannel r = new EmbeddedChannel(MultistreamHandler.responder(p -> false, o));
        ByteBuf b = msgs(MultistreamCodec.HEADER);
        for (int n = 0; n < MultistreamHandler.MAX_ATTEMPTS + 1; n++) MultistreamCodec.write("/p" + n, b);
        r.writeInbound(b);
        assertFalse(r.isOpen());
        r.finishAndReleaseAll();
    }

    @Test void codecRoundTripsAndRefusesLongMessages() {
        ByteBuf b = Unpooled.buffer();
        MultistreamCodec.write("/ipfs/id/1.0.0", b);
        assertEquals(16, b.readableBytes());
        assertEquals(15, b.getByte(0));
        ByteBuf half = b.copy(0, 5);
        assertNull(MultistreamCodec.read(half));
        assertEquals(0, half.readerIndex());
        assertEquals("/ipfs/id/1.0.0", MultistreamCodec.read(b));
        assertThrows(IllegalArgumentException.class, () -> MultistreamCodec.write("x".repeat(1024), Unpooled.buffer()));
    }
}
