package io.spore.p2p.noise;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Noise CipherState for ChaChaPoly: a key and a counter nonce. Bulk encryption uses the JDK's
 * ChaCha20-Poly1305, measured about 14x faster than BouncyCastle's on JDK 25 with AVX-512
 * (reference/limits.md); one Cipher instance per direction is reused for every message. Where the
 * JVM has no Poly1305 intrinsic (no AVX-512: the JDK then spends half its AEAD time in generic
 * field arithmetic), the same AEAD (RFC 8439 section 2.8) is built from the JDK's ChaCha20, which
 * is intrinsic on AVX2, and {@link Poly1305}. {@code -Dspore.noise.aead=jdk|split} overrides the choice.
 */
final class CipherState {
    static final int TAG = 16;
    static final boolean SPLIT = chooseSplit();
    private static final byte[] ZEROS = new byte[64];
    private final Cipher cipher;
    private final Poly1305 poly;
    private final byte[] block0;
    private final byte[] tag;
    private final SecretKeySpec key;
    private final int mode;
    private final byte[] nonce = new byte[12];
    private long n;

    CipherState(byte[] key, boolean encrypt) {
        try {
            this.cipher = Cipher.getInstance(SPLIT ? "ChaCha20" : "ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20-Poly1305: run Spore on JDK 25", e);
        }
        this.poly = SPLIT ? new Poly1305() : null;
        this.block0 = SPLIT ? new byte[64] : null;
        this.tag = SPLIT ? new byte[16] : null;
        this.key = new SecretKeySpec(key, "ChaCha20");
        this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    static boolean chooseSplit() {
        String forced = System.getProperty("spore.noise.aead", "");
        if (forced.equals("jdk")) return false;
        if (forced.equals("split")) return true;
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return !Boolean.parseBoolean(bean.getVMOption("UsePoly1305Intrinsics").getValue());
        } catch (RuntimeException | LinkageError unknownVm) {
            return false;
        }
    }

    private void init(byte[] ad) throws GeneralSecurityException {
        if (n == -1L) throw new GeneralSecurityException("Noise nonce exhausted");
        long v = n++;
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (v >>> (8 * i));
        if (SPLIT) {
            // Block 0 of the key stream is the one-time Poly1305 key; encryption goes on from block 1.
            cipher.init(Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.ChaCha20ParameterSpec(nonce, 0));
            cipher.update(ZEROS, 0, 64, block0, 0);
            poly.init(block0, 0);
            if (ad != null) {
                poly.update(ad, 0, ad.length);
                poly.padTo16();
            }
            return;
        }
        cipher.init(mode, key, new IvParameterSpec(nonce));
        if (ad != null) cipher.updateAAD(ad);
    }

    /** Poly1305 over the ciphertext, its padding and both lengths (RFC 8439 section 2.8). */
    private void macCiphertext(byte[] ad, byte[] ct, int off, int len) {
        poly.update(ct, off, len);
        poly.padTo16();
        Poly1305.le64(ad == null ? 0 : ad.length, tag, 0);
        Poly1305.le64(len, tag, 8);
        poly.update(tag, 0, 16);
        poly.finish(tag, 0);
    }

    /** Moves the nonce on (the handshake's cipher states start at a given counter). */
    void skip(long count) { n += count; }

    /** Encrypts {@code len} bytes into {@code out}; returns len + 16. */
    int encrypt(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) {
        try {
            init(ad);
            if (!SPLIT) return cipher.doFinal(in, off, len, out, outOff);
            int n = cipher.doFinal(in, off, len, out, outOff);
            macCiphertext(ad, out, outOff, n);
            System.arraycopy(tag, 0, out, outOff + n, TAG);
            return n + TAG;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
    }

    /** Decrypts and authenticates; returns the plaintext length or throws NoiseException. */
    int decrypt(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) throws NoiseException {
        if (len < TAG) throw new NoiseException("Noise message shorter than its authentication tag");
        try {
            init(ad);
            if (!SPLIT) return cipher.doFinal(in, off, len, out, outOff);
            int ctLen = len - TAG;
            macCiphertext(ad, in, off, ctLen);
            if (!MessageDigest.isEqual(java.util.Arrays.copyOfRange(in, off + ctLen, off + len), tag)) {
                throw new AEADBadTagException("tag mismatch");
            }
            return cipher.doFinal(in, off, ctLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new NoiseException("Noise message failed authentication (corrupted or forged)");
        } catch (GeneralSecurityException e) {
            throw new NoiseException("Noise decryption failed: " + e.getMessage());
        }
    }
}
