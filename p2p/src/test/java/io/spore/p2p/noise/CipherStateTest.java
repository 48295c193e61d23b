package io.spore.p2p.noise;

import org.junit.jupiter.api.Test;

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

    @Test void sealAndOpenMatchTheJdkAead() throws Exception {
        Random r = new Random(5);
        for (int round = 0; round < 200; round++) {
            byte[] key = new byte[32];
            r.nextBytes(key);
            byte[] ad = round % 3 == 0 ? null : new byte[r.nextInt(70)];
            if (ad != null) r.nextBytes(ad);
            byte[] plain = new byte[round < 100 ? round : r.nextInt(65519)];
            r.nextBytes(plain);
            CipherState enc = new CipherState(key, true), dec = new CipherState(key, false);
            enc.skip(round);
            dec.skip(round);
            byte[] sealed = new byte[plain.length + 16];
            assertEquals(sealed.length, enc.encrypt(ad, plain, 0, plain.length, sealed, 0));

            Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
            byte[] nonce = new byte[12];
            for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) ((long) round >>> (8 * i));
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            if (ad != null) jdk.updateAAD(ad);
            assertArrayEquals(jdk.doFinal(plain), sealed, "round " + round + " (split=" + CipherState.SPLIT + ")");

            byte[] opened = new byte[plain.length];
            assertEquals(plain.length, dec.decrypt(ad, sealed, 0, sealed.length, opened, 0));
            assertArrayEquals(plain, opened);
            sealed[r.nextInt(sealed.length)] ^= 1;
            CipherState dec2 = new CipherState(key, false);
            dec2.skip(round);
            assertThrows(NoiseException.class, () -> dec2.decrypt(ad, sealed, 0, sealed.length, new byte[plain.length], 0));
        }
    }
}
