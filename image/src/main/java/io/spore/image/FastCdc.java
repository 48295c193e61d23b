package io.spore.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** FastCDC with normalized chunking over a gear hash, exactly as FORMAT.md section 3.1 defines it. */
final class FastCdc {
    static final int MIN = 16 * 1024;
    static final int AVG = 64 * 1024;
    static final int MAX = 256 * 1024;
    static final long MASK_S = 0xFFFFC00000000000L;
    static final long MASK_L = 0xFFFC000000000000L;
    static final long[] GEAR = gear();

    private FastCdc() {}

    private static long[] gear() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] seed = "spore-gear-v".getBytes(StandardCharsets.US_ASCII);
            long[] g = new long[256];
            for (int b = 0; b < 256; b++) {
                md.update(seed);
                md.update((byte) b);
                byte[] d = md.digest();
                long v = 0;
                for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xFF);
                g[b] = v;
            }
            return g;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Length of the chunk that starts at {@code off}, given {@code n} bytes are left in the stream from there. */
    static int cut(byte[] data, int off, int n) {
        if (n <= MIN) return n;
        int end = Math.min(n, MAX);
        int normal = Math.min(AVG, end);
        long h = 0;
        long[] gear = GEAR;
        int i = MIN;
        for (; i < normal; i++) {
            h = (h << 1) + gear[data[off + i] & 0xFF];
            if ((h & MASK_S) == 0) return i + 1;
        }
        for (; i < end; i++) {
            h = (h << 1) + gear[data[off + i] & 0xFF];
            if ((h & MASK_L) == 0) return i + 1;
        }
        return end;
    }
}
