package io.spore.p2p.fetch;

import java.util.concurrent.TimeUnit;

/**
 * What the fetcher has seen of the path to one peer: its round trip and the rate at which its
 * blocks arrive. Their product, the bandwidth-delay product, is how many bytes must be asked for
 * at once to keep that link busy. While reads wait, the fetcher holds a peer's background wants to
 * twice that (and to {@link Fetcher#YIELD_BYTES} at least): a fixed cap either starves a long link
 * (512 KiB per 200 ms round trip is a fifth of 100 Mbit/s) or lets a short one queue far ahead of a
 * read. Twice, not once: the rate is measured under the cap, so a cap of one product would never
 * let the rate grow past what it already allows.
 *
 * <p>Not thread-safe: the fetcher calls it under its lock. Times are {@link System#nanoTime()}.
 */
final class LinkEstimate {
    /**
     * A rate sample spans at least this, and at least two round trips. Blocks reach the fetcher in
     * bursts (the blocks of one message arrive at once; a busy CPU decodes late and then catches
     * up), and over 100 ms spans at 10 Mbit/s the samples ran up to three times the link's rate.
     */
    static final long MIN_INTERVAL = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * The round trip is the shortest want-to-block time ever seen: queueing at the peer and in the
     * network only lengthens that time. Never forgotten: a busy link's queue (a router's buffer of a
     * second at 10 Mbit/s) may never drain, and a round trip measured through it would raise the
     * cap, which fills the queue further. Too short an estimate only gives back the fixed floor.
     */
    private long rtt = Long.MAX_VALUE;
    /**
     * Bytes per nanosecond: each sample weighs half. While the cap is what limits the rate, a sample
     * is about twice the estimate, which so grows by half each interval, and a boot's prefetch
     * reaches a 100 Mbit/s, 200 ms link's speed in about four intervals.
     */
    private double rate;
    /** Start of the current rate interval, or -1 while nothing is asked of the peer. */
    private long mark = -1;
    private long bytes;

    /** A want went to the peer. */
    void sent(long now) {
        if (mark < 0) {
            mark = now;
            bytes = 0;
        }
    }

    /**
     * A block of {@code n} bytes arrived that was asked for at {@code sentAt}; {@code idle}: nothing
     * else is asked of the peer now, so the time until the next want is not the link's.
     */
    void received(long now, long sentAt, long n, boolean idle) {
        rtt = Math.min(rtt, Math.max(0, now - sentAt));
        if (mark >= 0) {
            bytes += n;
            long dt = now - mark;
            if (dt >= Math.max(MIN_INTERVAL, 2 * rtt)) {
                double sample = bytes / (double) dt;
                rate = rate == 0 ? sample : (rate + sample) / 2;
                mark = now;
                bytes = 0;
            }
        }
        if (idle) mark = -1;
    }

    /** The round trip in nanoseconds, or -1 before any block arrived. */
    long rttNanos() {
        return rtt == Long.MAX_VALUE ? -1 : rtt;
    }

    double bytesPerSecond() {
        return rate * 1e9;
    }

    /** Bytes the link holds in one round trip at the measured rate; 0 until both are known. */
    long bandwidthDelay() {
        long r = rttNanos();
        return r < 0 ? 0 : (long) (rate * r);
    }

    /** Background bytes a peer may have outstanding while reads wait. */
    long yieldCap(long floor) {
        return Math.max(floor, 2 * bandwidthDelay());
    }
}
