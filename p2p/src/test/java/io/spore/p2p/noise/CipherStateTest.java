package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class CipherStateTest {
    @Test void poly1305MatchesRfc8439Vector() {
        byte[] key = HexFormat.of().parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes();
        Poly1305 p = new Poly1305();
        p.init(key, 0);
        p.update(msg, 0, 5);
        p.update(msg, 5, msg.length - 5);
        byte[] tag = new byte[16];
        p.finish(tag, 0);
        assertEquals("a8061dc1305136c6c22b8baf0c0127a9", HexFormat.of().formatHex(tag));
    }

    @Test void poly1305HandlesTheEdgeCasesOfTheFinalReduction() {
        // RFC 8439 appendix A.3 test vectors 3 (r = 0 style) and a value that reaches 2^130-5 exactly.
        byte[] key = new byte[32];
        Arrays.fill(key, 0, 16, (byte) 0xff);
        byte[] msg = new byte[16];
        Arrays.fill(msg, (byte) 0xff);
        key[0] = 2;
        Arrays.fill(key, 1, 16, (byte) 0);
        Poly1305 p = new Poly1305();
        p.init(key, 0);
        p.update(msg, 0, 16);
        byte[] tag = new byte[16];
        p.finish(tag, 0);
        assertEquals("03000000000000000000000000000000", HexFormat.of().formatHex(tag));
    }

    @ParameterizedTest
    @EnumSource(CipherState.Aead.class)
    void sealAndOpenMatchTheJdkAead(CipherState.Aead aead) throws Exception {
        Random r = new Random(5);
        for (int round = 0; round < 200; round++) {
            byte[] key = new byte[32];
            r.nextBytes(key);
            byte[] ad = round % 3 == 0 ? null : new byte[r.nextInt(70)];
            if (ad != null) r.nextBytes(ad);
            byte[] plain = new byte[round < 100 ? round : r.nextInt(65519)];
            r.nextBytes(plain);
            CipherState enc = new CipherState(key, true, aead), dec = new CipherState(key, false, aead);
            enc.skip(round);
            dec.skip(round);
            byte[] sealed = new byte[plain.length + 16];
            assertEquals(sealed.length, enc.encrypt(ad, plain, 0, plain.length, sealed, 0));

            Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
            byte[] nonce = new byte[12];
            for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) ((long) round >>> (8 * i));
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            if (ad != null) jdk.updateAAD(ad);
            assertArrayEquals(jdk.doFinal(plain), sealed, "round " + round + " (" + aead + ")");

            byte[] opened = new byte[plain.length];
            assertEquals(plain.length, dec.decrypt(ad, sealed, 0, sealed.length, opened, 0));
            assertArrayEquals(plain, opened);
            sealed[r.nextInt(sealed.length)] ^= 1;
            CipherState dec2 = new CipherState(key, false, aead);
            dec2.skip(round);
            assertThrows(NoiseException.class, () -> dec2.decrypt(ad, sealed, 0, sealed.length, new byte[plain.length], 0));
        }
    }

    /** The transport path: plaintext in pieces of every buffer kind, sealed and opened in place. */
    @ParameterizedTest
    @EnumSource(CipherState.Aead.class)
    void transportPathMatchesTheJdkAeadWhateverTheBuffers(CipherState.Aead aead) throws Exception {
        Random r = new Random(7);
        ByteBufAllocator pool = PooledByteBufAllocator.DEFAULT;
        byte[] key = new byte[32];
        r.nextBytes(key);
        CipherState enc = new CipherState(key, true, aead), dec = new CipherState(key, false, aead);
        for (int round = 0; round < 60; round++) {
            byte[] plain = new byte[round == 0 ? 0 : r.nextInt(NoiseEncoder.MAX_PLAINTEXT + 1)];
            r.nextBytes(plain);
            enc.beginSeal();
            ByteBuf sealed = round % 2 == 0 ? pool.directBuffer(plain.length + 16) : Unpooled.buffer(plain.length + 16);
            for (int at = 0; at < plain.length; ) {
                int take = Math.min(plain.length - at, 1 + r.nextInt(20000));
                ByteBuf part = switch (r.nextInt(3)) {
                    case 0 -> pool.directBuffer(take).writeBytes(plain, at, take);
                    case 1 -> Unpooled.wrappedBuffer(plain, at, take);
                    default -> {
                        CompositeByteBuf c = Unpooled.compositeBuffer();
                        int half = take / 2;
                        c.addComponent(true, pool.directBuffer(half).writeBytes(plain, at, half));
                        c.addComponent(true, Unpooled.wrappedBuffer(plain, at + half, take - half));
                        yield c;
                    }
                };
                enc.sealPart(part, part.readerIndex(), take, sealed);
                part.release();
                at += take;
            }
            enc.endSeal(sealed);
            byte[] nonce = new byte[12];
            nonce[4] = (byte) round;
            Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            byte[] expected = jdk.doFinal(plain);
            byte[] got = new byte[sealed.readableBytes()];
            sealed.getBytes(sealed.readerIndex(), got);
            assertArrayEquals(expected, got, "round " + round + " (" + aead + ")");

            ByteBuf opened = round % 3 == 0 ? Unpooled.buffer() : pool.directBuffer(plain.length);
            assertEquals(plain.length, dec.open(sealed, sealed.readerIndex(), sealed.readableBytes(), opened));
            byte[] back = new byte[opened.readableBytes()];
            opened.readBytes(back);
            assertArrayEquals(plain, back);
            opened.release();
            sealed.release();
        }
        ByteBuf forged = Unpooled.wrappedBuffer(new byte[40]);
        assertThrows(NoiseException.class, () -> dec.open(forged, 0, 40, Unpooled.buffer()));
    }
}
