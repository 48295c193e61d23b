package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Noise CipherState for ChaChaPoly: a key and a counter nonce, one instance per direction. Three
 * implementations of the same AEAD, chosen by measurement (CipherJmh; reference/limits.md):
 * <ul>
 * <li>{@code openssl}: the system's libcrypto.so.3 through FFM ({@link OpenSslAead}), working on
 *     Netty's buffers in place; the fastest wherever it loads (AVX2 and AVX-512 alike), and the default;</li>
 * <li>{@code jdk}: the JDK's ChaCha20-Poly1305, fast only where the JVM has a Poly1305 intrinsic (AVX-512);</li>
 * <li>{@code split}: the JDK's ChaCha20 (intrinsic on AVX2) and {@link Poly1305} (RFC 8439 section
 *     2.8), for JVMs without OpenSSL and without the Poly1305 intrinsic.</li>
 * </ul>
 * {@code -Dspore.noise.aead=openssl|jdk|split} overrides the choice.
 */
final class CipherState {
    static final int TAG = 16;

    enum Aead { OPENSSL, JDK, SPLIT }

    static final Aead DEFAULT = choose();
    private static final byte[] ZEROS = new byte[64];
    final Aead aead;
    private final OpenSslAead native_;
    private final Cipher cipher;
    private final Poly1305 poly;
    private final byte[] block0;
    private final byte[] tag;
    private final SecretKeySpec key;
    private final int mode;
    private final byte[] nonce = new byte[12];
    private long n;
    /** Plaintext gathered by {@link #sealPart} for the Java implementations. */
    private byte[] gather;
    private int gathered;

    CipherState(byte[] key, boolean encrypt) {
        this(key, encrypt, DEFAULT);
    }

    CipherState(byte[] key, boolean encrypt, Aead aead) {
        this.aead = aead;
        this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        if (aead == Aead.OPENSSL) {
            this.native_ = new OpenSslAead(key, encrypt);
            this.cipher = null;
            this.poly = null;
            this.block0 = this.tag = null;
            this.key = null;
            return;
        }
        this.native_ = null;
        boolean split = aead == Aead.SPLIT;
        try {
            this.cipher = Cipher.getInstance(split ? "ChaCha20" : "ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20-Poly1305: run Spore on JDK 25", e);
        }
        this.poly = split ? new Poly1305() : null;
        this.block0 = split ? new byte[64] : null;
        this.tag = split ? new byte[16] : null;
        this.key = new SecretKeySpec(key, "ChaCha20");
    }

    static Aead choose() {
        String forced = System.getProperty("spore.noise.aead", "");
        switch (forced) {
            case "openssl" -> { return Aead.OPENSSL; }
            case "jdk" -> { return Aead.JDK; }
            case "split" -> { return Aead.SPLIT; }
            case "" -> { }
            default -> throw new IllegalArgumentException("-Dspore.noise.aead=" + forced + " is unknown: use openssl, jdk or split");
        }
        if (OpenSslAead.available()) return Aead.OPENSSL;
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(bean.getVMOption("UsePoly1305Intrinsics").getValue()) ? Aead.JDK : Aead.SPLIT;
        } catch (RuntimeException | LinkageError unknownVm) {
            return Aead.JDK;
        }
    }

    /** True when the transport path should hand this cipher direct (off-heap) buffers. */
    boolean prefersDirect() { return aead == Aead.OPENSSL; }

    private long nextNonce() throws GeneralSecurityException {
        if (n == -1L) throw new GeneralSecurityException("Noise nonce exhausted");
        return n++;
    }

    private void init(byte[] ad) throws GeneralSecurityException {
        long v = nextNonce();
        if (native_ != null) {
            native_.begin(v);
            if (ad != null) native_.aad(MemorySegment.ofArray(ad));
            return;
        }
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (v >>> (8 * i));
        if (poly != null) {
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
            if (native_ != null) {
                native_.update(OpenSslAead.of(in, off, len), OpenSslAead.of(out, outOff, len));
                native_.sealTag(OpenSslAead.of(out, outOff + len, TAG));
                return len + TAG;
            }
            if (poly == null) return cipher.doFinal(in, off, len, out, outOff);
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
            int ctLen = len - TAG;
            if (native_ != null) {
                native_.update(OpenSslAead.of(in, off, ctLen), OpenSslAead.of(out, outOff, ctLen));
                if (!native_.openTag(OpenSslAead.of(in, off + ctLen, TAG))) throw new AEADBadTagException("tag mismatch");
                return ctLen;
            }
            if (poly == null) return cipher.doFinal(in, off, len, out, outOff);
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

    // ---- the transport path: Netty buffers, no copies with OpenSSL ----

    /** Starts sealing one transport message; {@link #sealPart} its plaintext, then {@link #endSeal}. */
    void beginSeal() {
        try {
            if (native_ != null) {
                native_.begin(nextNonce());
            } else {
                if (gather == null) gather = new byte[NoiseEncoder.MAX_PLAINTEXT];
                gathered = 0;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Seals {@code len} bytes of {@code src} at {@code index}, writing the ciphertext to {@code out}. */
    void sealPart(ByteBuf src, int index, int len, ByteBuf out) {
        if (native_ == null) {
            src.getBytes(index, gather, gathered, len);
            gathered += len;
            return;
        }
        out.ensureWritable(len);
        int wi = out.writerIndex();
        MemorySegment dst = segment(out, wi, len);
        MemorySegment s = segment(src, index, len);
        if (s != null && dst != null) {
            native_.update(s, dst);
        } else {
            byte[] tmp = new byte[len];
            src.getBytes(index, tmp);
            native_.update(MemorySegment.ofArray(tmp), MemorySegment.ofArray(tmp));
            out.setBytes(wi, tmp);
        }
        out.writerIndex(wi + len);
    }

    /** Finishes the message begun by {@link #beginSeal}: appends the tag (and, for the Java ciphers, the ciphertext). */
    void endSeal(ByteBuf out) {
        if (native_ == null) {
            byte[] sealed = new byte[gathered + TAG];
            int len = encrypt(null, gather, 0, gathered, sealed, 0);
            out.writeBytes(sealed, 0, len);
            return;
        }
        out.ensureWritable(TAG);
        int wi = out.writerIndex();
        MemorySegment dst = segment(out, wi, TAG);
        if (dst != null) {
            native_.sealTag(dst);
        } else {
            byte[] t = new byte[TAG];
            native_.sealTag(MemorySegment.ofArray(t));
            out.setBytes(wi, t);
        }
        out.writerIndex(wi + TAG);
    }

    /**
     * Opens the transport message of {@code len} bytes (tag included) at {@code index} in
     * {@code in}, appending the plaintext to {@code out}; returns its length.
     */
    int open(ByteBuf in, int index, int len, ByteBuf out) throws NoiseException {
        if (len < TAG) throw new NoiseException("Noise message shorter than its authentication tag");
        int ctLen = len - TAG;
        out.ensureWritable(ctLen);
        int wi = out.writerIndex();
        MemorySegment src = native_ == null ? null : segment(in, index, len);
        MemorySegment dst = native_ == null ? null : segment(out, wi, ctLen);
        if (src == null || dst == null) {
            byte[] sealed = new byte[len];
            in.getBytes(index, sealed);
            byte[] plain = new byte[ctLen];
            int n = decrypt(null, sealed, 0, len, plain, 0);
            out.writeBytes(plain, 0, n);
            return n;
        }
        try {
            native_.begin(nextNonce());
        } catch (GeneralSecurityException e) {
            throw new NoiseException("Noise decryption failed: " + e.getMessage());
        }
        native_.update(src.asSlice(0, ctLen), dst);
        if (!native_.openTag(src.asSlice(ctLen, TAG))) {
            throw new NoiseException("Noise message failed authentication (corrupted or forged)");
        }
        out.writerIndex(wi + ctLen);
        return ctLen;
    }

    /** Starts opening one transport message whose parts arrive one by one: {@link #openPart}, then {@link #endOpen}. */
    void beginOpen() throws NoiseException {
        try {
            if (native_ != null) {
                native_.begin(nextNonce());
            } else {
                if (gather == null) gather = new byte[65535];
                gathered = 0;
            }
        } catch (GeneralSecurityException e) {
            throw new NoiseException("Noise decryption failed: " + e.getMessage());
        }
    }

    /**
     * Decrypts the next {@code len} bytes of ciphertext from {@code src} into {@code out} (OpenSSL:
     * as they come, unauthenticated until {@link #endOpen}; the Java ciphers gather them instead).
     */
    void openPart(ByteBuf src, int index, int len, ByteBuf out) {
        if (native_ == null) {
            src.getBytes(index, gather, gathered, len);
            gathered += len;
            return;
        }
        sealPart(src, index, len, out); // the same stream operation in the decrypting direction
    }

    /** Checks the message's 16-byte tag; the Java ciphers decrypt into {@code out} here. */
    void endOpen(byte[] tag, ByteBuf out) throws NoiseException {
        if (native_ == null) {
            System.arraycopy(tag, 0, gather, gathered, TAG);
            byte[] plain = new byte[gathered];
            int n = decrypt(null, gather, 0, gathered + TAG, plain, 0);
            out.writeBytes(plain, 0, n);
            return;
        }
        if (!native_.openTag(MemorySegment.ofArray(tag))) {
            throw new NoiseException("Noise message failed authentication (corrupted or forged)");
        }
    }

    /** The memory of {@code b}'s bytes [index, index + len) as one segment, or null if it is in pieces. */
    static MemorySegment segment(ByteBuf b, int index, int len) {
        if (b.hasMemoryAddress()) return MemorySegment.ofAddress(b.memoryAddress() + index).reinterpret(len);
        if (b.hasArray()) return MemorySegment.ofArray(b.array()).asSlice(b.arrayOffset() + index, len);
        if (b.nioBufferCount() != 1) return null;
        ByteBuffer bb = b.nioBuffer(index, len);
        return MemorySegment.ofBuffer(bb);
    }
}
