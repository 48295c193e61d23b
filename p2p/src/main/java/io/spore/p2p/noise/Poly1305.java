package io.spore.p2p.noise;

/**
 * Poly1305 (RFC 8439 section 2.5) with three 44/44/42-bit limbs and 64x64->128-bit products
 * (the "donna-64" layout). Used when the JVM has no Poly1305 intrinsic (CPUs without AVX-512):
 * there the JDK's generic field arithmetic took half of a Noise stream's CPU time.
 */
final class Poly1305 {
    private static final long M44 = 0xFFF_FFFF_FFFFL, M42 = 0x3FF_FFFF_FFFFL;
    private long r0, r1, r2, s1, s2, h0, h1, h2, pad0, pad1;
    private final byte[] block = new byte[16];
    private int blockLen;

    void init(byte[] key, int off) {
        long t0 = le64(key, off), t1 = le64(key, off + 8);
        r0 = t0 & 0xFFC0FFFFFFFL;
        r1 = ((t0 >>> 44) | (t1 << 20)) & 0xFFFFFC0FFFFL;
        r2 = (t1 >>> 24) & 0x00FFFFFFC0FL;
        s1 = r1 * (5 << 2);
        s2 = r2 * (5 << 2);
        pad0 = le64(key, off + 16);
        pad1 = le64(key, off + 24);
        h0 = h1 = h2 = 0;
        blockLen = 0;
    }

    void update(byte[] m, int off, int len) {
        if (blockLen > 0) {
            int take = Math.min(16 - blockLen, len);
            System.arraycopy(m, off, block, blockLen, take);
            blockLen += take;
            off += take;
            len -= take;
            if (blockLen < 16) return;
            blocks(block, 0, 16, 1L << 40);
            blockLen = 0;
        }
        int full = len & ~15;
        if (full > 0) blocks(m, off, full, 1L << 40);
        if (len > full) {
            System.arraycopy(m, off + full, block, 0, len - full);
            blockLen = len - full;
        }
    }

    /** Zero bytes up to the next 16-byte boundary, as the AEAD construction pads. */
    void padTo16() {
        if (blockLen == 0) return;
        java.util.Arrays.fill(block, blockLen, 16, (byte) 0);
        blocks(block, 0, 16, 1L << 40);
        blockLen = 0;
    }

    private void blocks(byte[] m, int off, int len, long hibit) {
        long h0 = this.h0, h1 = this.h1, h2 = this.h2;
        final long r0 = this.r0, r1 = this.r1, r2 = this.r2, s1 = this.s1, s2 = this.s2;
        for (int end = off + len; off < end; off += 16) {
            long t0 = le64(m, off), t1 = le64(m, off + 8);
            h0 += t0 & M44;
            h1 += ((t0 >>> 44) | (t1 << 20)) & M44;
            h2 += ((t1 >>> 24) & M42) | hibit;
            // d0 = h0*r0 + h1*s2 + h2*s1, and so on, as 128-bit (hi, lo) sums.
            long lo0 = h0 * r0, hi0 = Math.multiplyHigh(h0, r0);
            long p = h1 * s2; hi0 += Math.multiplyHigh(h1, s2); lo0 += p; if (Long.compareUnsigned(lo0, p) < 0) hi0++;
            p = h2 * s1; hi0 += Math.multiplyHigh(h2, s1); lo0 += p; if (Long.compareUnsigned(lo0, p) < 0) hi0++;
            long lo1 = h0 * r1, hi1 = Math.multiplyHigh(h0, r1);
            p = h1 * r0; hi1 += Math.multiplyHigh(h1, r0); lo1 += p; if (Long.compareUnsigned(lo1, p) < 0) hi1++;
            p = h2 * s2; hi1 += Math.multiplyHigh(h2, s2); lo1 += p; if (Long.compareUnsigned(lo1, p) < 0) hi1++;
            long lo2 = h0 * r2, hi2 = Math.multiplyHigh(h0, r2);
            p = h1 * r1; hi2 += Math.multiplyHigh(h1, r1); lo2 += p; if (Long.compareUnsigned(lo2, p) < 0) hi2++;
            p = h2 * r0; hi2 += Math.multiplyHigh(h2, r0); lo2 += p; if (Long.compareUnsigned(lo2, p) < 0) hi2++;
            long c = (lo0 >>> 44) | (hi0 << 20);
            h0 = lo0 & M44;
            lo1 += c; if (Long.compareUnsigned(lo1, c) < 0) hi1++;
            c = (lo1 >>> 44) | (hi1 << 20);
            h1 = lo1 & M44;
            lo2 += c; if (Long.compareUnsigned(lo2, c) < 0) hi2++;
            c = (lo2 >>> 42) | (hi2 << 22);
            h2 = lo2 & M42;
            h0 += c * 5;
            c = h0 >>> 44;
            h0 &= M44;
            h1 += c;
        }
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
    }

    /** Writes the 16-byte tag. */
    void finish(byte[] out, int off) {
        if (blockLen > 0) {
            block[blockLen] = 1;
            java.util.Arrays.fill(block, blockLen + 1, 16, (byte) 0);
            blocks(block, 0, 16, 0);
            blockLen = 0;
        }
        long h0 = this.h0, h1 = this.h1, h2 = this.h2, c;
        c = h1 >>> 44; h1 &= M44; h2 += c;
        c = h2 >>> 42; h2 &= M42; h0 += c * 5;
        c = h0 >>> 44; h0 &= M44; h1 += c;
        c = h1 >>> 44; h1 &= M44; h2 += c;
        c = h2 >>> 42; h2 &= M42; h0 += c * 5;
        c = h0 >>> 44; h0 &= M44; h1 += c;
        long g0 = h0 + 5; c = g0 >>> 44; g0 &= M44;
        long g1 = h1 + c; c = g1 >>> 44; g1 &= M44;
        long g2 = h2 + c - (1L << 42);
        c = (g2 >>> 63) - 1; // all ones when h >= p (use g), zero otherwise
        g0 &= c; g1 &= c; g2 &= c;
        c = ~c;
        h0 = (h0 & c) | g0;
        h1 = (h1 & c) | g1;
        h2 = (h2 & c) | g2;
        long t0 = pad0, t1 = pad1;
        h0 += t0 & M44; c = h0 >>> 44; h0 &= M44;
        h1 += (((t0 >>> 44) | (t1 << 20)) & M44) + c; c = h1 >>> 44; h1 &= M44;
        h2 += ((t1 >>> 24) & M42) + c; h2 &= M42;
        h0 = h0 | (h1 << 44);
        h1 = (h1 >>> 20) | (h2 << 24);
        le64(h0, out, off);
        le64(h1, out, off + 8);
    }

    private static final java.lang.invoke.VarHandle LE64 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static long le64(byte[] b, int off) { return (long) LE64.get(b, off); }

    static void le64(long v, byte[] b, int off) { LE64.set(b, off, v); }
}
