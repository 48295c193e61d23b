package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Encoder to decoder with the wire cut at random places: the bytes come out as they went in, or not at all. */
class NoiseTransportTest {
    static final byte[] KEY = new byte[32];

    @ParameterizedTest
    @EnumSource(CipherState.Aead.class)
    void bytesSurviveAnyCutOfTheWire(CipherState.Aead aead) {
        Random r = new Random(11);
        byte[] wire = seal(aead, r, 400_000);
        byte[] plain = lastPlain;
        EmbeddedChannel dec = new EmbeddedChannel(new NoiseDecoder(new CipherState(KEY, false, aead)));
        for (int at = 0; at < wire.length; ) {
            int take = Math.min(wire.length - at, r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(90_000));
            ByteBuf b = r.nextBoolean() ? PooledByteBufAllocator.DEFAULT.directBuffer(take) : Unpooled.buffer(take);
            dec.writeInbound(b.writeBytes(wire, at, take));
            at += take;
        }
        assertArrayEquals(plain, drain(dec));
        assertFalse(dec.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(CipherState.Aead.class)
    void aForgedFrameIsRefusedAndNothingAfterItGoesOn(CipherState.Aead aead) {
        Random r = new Random(12);
        byte[] wire = seal(aead, r, 200_000);
        wire[70_000] ^= 4; // inside the second frame
        EmbeddedChannel dec = new EmbeddedChannel(new NoiseDecoder(new CipherState(KEY, false, aead)));
        DecoderException e = assertThrows(DecoderException.class, () -> dec.writeInbound(Unpooled.wrappedBuffer(wire)));
        assertInstanceOf(NoiseException.class, e.getCause());
        assertEquals(NoiseEncoder.MAX_PLAINTEXT, drain(dec).length, "only the first frame, which was intact");
        dec.writeInbound(Unpooled.wrappedBuffer(wire)); // after a failure everything is dropped
        assertEquals(0, drain(dec).length);
        dec.finishAndReleaseAll();
    }

    private byte[] lastPlain;

    /** Random writes of random buffer kinds through the encoder, flushed now and then; returns the wire bytes. */
    private byte[] seal(CipherState.Aead aead, Random r, int total) {
        EmbeddedChannel enc = new EmbeddedChannel(new NoiseEncoder(new CipherState(KEY, true, aead)));
        byte[] plain = new byte[total];
        r.nextBytes(plain);
        for (int at = 0; at < total; ) {
            int take = Math.min(total - at, 1 + r.nextInt(100_000));
            ByteBuf b = r.nextBoolean() ? PooledByteBufAllocator.DEFAULT.directBuffer(take) : Unpooled.buffer(take);
            enc.write(b.writeBytes(plain, at, take));
            if (r.nextInt(3) == 0) enc.flush();
            at += take;
        }
        enc.flush();
        lastPlain = plain;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            out.writeBytes(a);
        }
        enc.finishAndReleaseAll();
        return out.toByteArray();
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            out.writeBytes(a);
        }
        return out.toByteArray();
    }
}
