package io.spore.fuse;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, log-linear buckets (8 per power of two, so within 12.5%): cheap
 * enough to record on every FUSE read without a lock.
 */
final class Histogram {
    private static final int LINEAR = 16, SUB = 8;
    private final AtomicLongArray counts = new AtomicLongArray(LINEAR + 60 * SUB);

    void record(long micros) {
        counts.incrementAndGet(bucket(Math.max(0, micros)));
    }

    long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) n += counts.get(i);
        return n;
    }

    /** The value at quantile {@code q} (0..1), as the middle of its bucket; 0 when empty. */
    long quantile(double q) {
        long total = count();
        if (total == 0) return 0;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) return middle(i);
        }
        return middle(counts.length() - 1);
    }

    static int bucket(long v) {
        if (v < LINEAR) return (int) v;
        int e = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (e - 3)) & (SUB - 1);
        return LINEAR + (e - 4) * SUB + sub;
    }

    static long middle(int bucket) {
        if (bucket < LINEAR) return bucket;
        int e = (bucket - LINEAR) / SUB + 4, sub = (bucket - LINEAR) % SUB;
        long low = (1L << e) + ((long) sub << (e - 3));
        return low + (1L << (e - 4));
    }
}
