package io.spore.p2p.fetch;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkEstimateTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long FLOOR = Fetcher.YIELD_BYTES;

    /**
     * Wants kept out back to back on a link of {@code rate} bytes/s and {@code rttMs}: block i of
     * {@code size} bytes leaves when the link is free and arrives a round trip after it was asked for.
     * Returns the time after the last block.
     */
    private static long stream(LinkEstimate e, long start, int blocks, int size, double rate, long rttMs) {
        long serialize = (long) (size / rate * 1e9);
        long t = start;
        for (int i = 0; i < blocks; i++) {
            long sentAt = t;
            e.sent(sentAt);
            t += serialize;
            e.received(t + rttMs * MS, sentAt + serialize, size, false);
        }
        return t + rttMs * MS;
    }

    @Test
    void aLongFastLinkGetsTwiceItsBandwidthDelayProduct() {
        LinkEstimate e = new LinkEstimate();
        stream(e, 0, 2000, 64 * 1024, 12.5e6, 200); // 100 Mbit/s, 200 ms
        assertEquals(200, e.rttNanos() / MS, 5);
        assertEquals(12.5e6, e.bytesPerSecond(), 12.5e6 * 0.05);
        assertEquals(5.0e6, e.yieldCap(FLOOR), 5.0e6 * 0.06);
    }

    @Test
    void aShortOrSlowLinkKeepsTheFloor() {
        LinkEstimate slow = new LinkEstimate();
        stream(slow, 0, 300, 64 * 1024, 1.25e6, 100); // 10 Mbit/s, 100 ms: 125 kB in flight
        assertEquals(FLOOR, slow.yieldCap(FLOOR));
        LinkEstimate lan = new LinkEstimate();
        stream(lan, 0, 3000, 64 * 1024, 12.5e6, 1);
        assertEquals(FLOOR, lan.yieldCap(FLOOR));
    }

    @Test
    void nothingIsKnownBeforeABlockArrives() {
        LinkEstimate e = new LinkEstimate();
        e.sent(0);
        assertEquals(-1, e.rttNanos());
        assertEquals(0, e.bandwidthDelay());
        assertEquals(FLOOR, e.yieldCap(FLOOR));
    }

    @Test
    void timeWithNothingAskedDoesNotLowerTheRate() {
        LinkEstimate e = new LinkEstimate();
        long t = 0;
        for (int burst = 0; burst < 20; burst++) {
            t = stream(e, t, 50, 64 * 1024, 12.5e6, 20);
            e.received(t, t - 20 * MS, 0, true); // the peer has nothing left to send
            t += TimeUnit.SECONDS.toNanos(3); // idle: no want out
        }
        assertEquals(12.5e6, e.bytesPerSecond(), 12.5e6 * 0.1);
    }

    @Test
    void queueingAtThePeerDoesNotCountAsRoundTrip() {
        LinkEstimate e = new LinkEstimate();
        // 200 wants out at once: the last waits behind 199 blocks, but the path is 20 ms
        long serialize = (long) (64 * 1024 / 12.5e6 * 1e9);
        for (int i = 0; i < 200; i++) e.sent(0);
        for (int i = 0; i < 200; i++) e.received(20 * MS + (i + 1) * serialize, 0, 64 * 1024, i == 199);
        assertEquals(25, e.rttNanos() / MS, 1);
    }

    @Test
    void theRateFallsWhenTheLinkGetsSlower() {
        LinkEstimate e = new LinkEstimate();
        long t = stream(e, 0, 2000, 64 * 1024, 12.5e6, 20);
        stream(e, t, 800, 64 * 1024, 1.25e6, 20); // about 42 s at a tenth of the rate: more than two spans
        assertEquals(1.25e6, e.bytesPerSecond(), 1.25e6 * 0.05);
    }

    @Test
    void blocksThatArriveInBurstsDoNotInflateTheRate() {
        LinkEstimate e = new LinkEstimate();
        // 10 Mbit/s, 100 ms, but decoded in bursts: six 64 KiB blocks at once every 300 ms
        e.sent(0);
        for (int burst = 1; burst <= 200; burst++) {
            long at = burst * 300 * MS;
            for (int i = 0; i < 6; i++) e.received(at + i * 1000, at - 100 * MS, 64 * 1024, false);
        }
        assertEquals(1.31e6, e.bytesPerSecond(), 1.31e6 * 0.6);
        assertEquals(FLOOR, e.yieldCap(FLOOR));
    }

    @Test
    void aQueueThatNeverDrainsDoesNotRaiseTheRoundTrip() {
        LinkEstimate e = new LinkEstimate();
        long t = stream(e, 0, 50, 64 * 1024, 1.25e6, 100);
        // then a second of queue in front of every block, for a minute
        stream(e, t, 1200, 64 * 1024, 1.25e6, 1100);
        assertEquals(100, e.rttNanos() / MS, 2);
        assertEquals(FLOOR, e.yieldCap(FLOOR), "10 Mbit/s, 100 ms: twice 125 kB is under the floor");
    }
}
