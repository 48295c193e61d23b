package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class NoiseHandshakeTest {
    static final class Outcome implements NoiseHandshakeHandler.Listener {
        NoiseHandshakeHandler.Session session;
        Throwable failure;

        @Override public void secured(ChannelHandlerContext ctx, NoiseHandshakeHandler.Session s) { session = s; }

        @Override public void failed(ChannelHandlerContext ctx, Throwable cause) { failure = cause; }
    }

    static void shuttle(EmbeddedChannel from, EmbeddedChannel to, int piece) {
        ByteBuf b;
        while ((b = from.readOutbound()) != null) {
            while (b.isReadable()) to.writeInbound(b.readRetainedSlice(Math.min(piece, b.readableBytes())));
            b.release();
        }
    }

    record Pair(EmbeddedChannel i, EmbeddedChannel r, Outcome io, Outcome ro) {}

    static Pair handshake(KeyPair ik, KeyPair rk, PeerId expected, List<String> iMux, List<String> rMux, int piece) {
        Outcome io = new Outcome(), ro = new Outcome();
        EmbeddedChannel i = new EmbeddedChannel(new NoiseHandshakeHandler(true, new NoiseHandshakeHandler.StaticKey(ik), iMux, expected, io));
        EmbeddedChannel r = new EmbeddedChannel(new NoiseHandshakeHandler(false, new NoiseHandshakeHandler.StaticKey(rk), rMux, null, ro));
        for (int n = 0; n < 4; n++) {
            shuttle(i, r, piece);
            shuttle(r, i, piece);
        }
        return new Pair(i, r, io, ro);
    }

    @Test void handshakeOverOneByteFragmentsAuthenticatesBothSides() {
        KeyPair ik = KeyPair.generate(), rk = KeyPair.generate();
        Pair p = handshake(ik, rk, rk.peerId(), List.of("/yamux/1.0.0"), List.of("/yamux/1.0.0", "/mplex/6.7.0"), 1);
        assertNull(p.io.failure);
        assertNull(p.ro.failure);
        assertEquals(rk.peerId(), p.io.session.remotePeer());
        assertEquals(ik.peerId(), p.ro.session.remotePeer());
        assertEquals(List.of("/yamux/1.0.0", "/mplex/6.7.0"), p.io.session.remoteMuxers());
        assertEquals(List.of("/yamux/1.0.0"), p.ro.session.remoteMuxers());
        assertEquals(2, p.i.pipeline().names().stream().filter(n -> n.startsWith("Noise")).count(), p.i.pipeline().names().toString());

        // Transport messages: 200 KiB crosses several frames, delivered in odd-sized pieces.
        byte[] data = new byte[200 * 1024];
        new Random(1).nextBytes(data);
        p.i.writeOutbound(Unpooled.wrappedBuffer(data));
        shuttle(p.i, p.r, 777);
        ByteBuf got = Unpooled.buffer();
        ByteBuf b;
        while ((b = p.r.readInbound()) != null) {
            got.writeBytes(b);
            b.release();
        }
        assertArrayEquals(data, io.netty.buffer.ByteBufUtil.getBytes(got));
        got.release();
    }

    @Test void noMuxerListsMeansFallbackToMultistream() {
        KeyPair ik = KeyPair.generate(), rk = KeyPair.generate();
        Pair p = handshake(ik, rk, null, List.of(), List.of(), 4096);
        assertEquals(List.of(), p.io.session.remoteMuxers());
        assertEquals(List.of(), p.ro.session.remoteMuxers());
    }

    @Test void dialingTheWrongPeerFails() {
        Pair p = handshake(KeyPair.generate(), KeyPair.generate(), KeyPair.generate().peerId(), List.of(), List.of(), 4096);
        assertNotNull(p.io.failure);
        assertTrue(p.io.failure.getMessage().contains("check the /p2p/ part"), p.io.failure.getMessage());
        assertFalse(p.i.isOpen());
    }

    @Test void aTamperedTransportMessageClosesTheChannel() {
        Pair p = handshake(KeyPair.generate(), KeyPair.generate(), null, List.of(), List.of(), 4096);
        p.i.writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
        ByteBuf sealed = p.i.readOutbound();
        sealed.setByte(50, sealed.getByte(50) ^ 1);
        assertThrows(Exception.class, () -> p.r.writeInbound(sealed));
        p.r.runPendingTasks();
        assertNull(p.r.readInbound());
    }

    @Test void aTamperedHandshakeMessageFails() {
        Outcome io = new Outcome(), ro = new Outcome();
        EmbeddedChannel i = new EmbeddedChannel(new NoiseHandshakeHandler(true, new NoiseHandshakeHandler.StaticKey(KeyPair.generate()), List.of(), null, io));
        EmbeddedChannel r = new EmbeddedChannel(new NoiseHandshakeHandler(false, new NoiseHandshakeHandler.StaticKey(KeyPair.generate()), List.of(), null, ro));
        shuttle(i, r, 4096);
        ByteBuf m2 = r.readOutbound();
        m2.setByte(60, m2.getByte(60) ^ 1); // inside the encrypted static key
        i.writeInbound(m2);
        assertNotNull(io.failure);
        assertFalse(i.isOpen());
    }

    @Test void hkdfMatchesTheNoiseDefinition() throws Exception {
        // HKDF(ck, ikm) = (HMAC(HMAC(ck, ikm), 0x01), HMAC(HMAC(ck, ikm), out1 || 0x02)), cross-checked with BouncyCastle's HKDF.
        byte[] ck = new byte[32], ikm = new byte[32];
        new Random(3).nextBytes(ck);
        new Random(4).nextBytes(ikm);
        byte[][] ours = NoiseHandshake.hkdf(ck, ikm);
        var gen = new org.bouncycastle.crypto.generators.HKDFBytesGenerator(new org.bouncycastle.crypto.digests.SHA256Digest());
        gen.init(new org.bouncycastle.crypto.params.HKDFParameters(ikm, ck, new byte[0]));
        byte[] bc = new byte[64];
        gen.generateBytes(bc, 0, 64);
        assertArrayEquals(java.util.Arrays.copyOf(bc, 32), ours[0]);
        assertArrayEquals(java.util.Arrays.copyOfRange(bc, 32, 64), ours[1]);
    }
}
