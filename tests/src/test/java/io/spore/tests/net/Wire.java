package io.spore.tests.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A link emulated in user space between two TAP devices, doing what {@code tc qdisc netem delay D
 * rate R limit 1000} does: this box's kernel has no sch_netem (CONFIG_NET_SCH_NETEM is not set),
 * so the delay has to be added here. Each direction serialises frames at the rate (a frame leaves
 * when the previous one has left plus its size over the rate), adds the one-way delay, and drops
 * frames beyond the queue limit: netem's 1000 packets, raised to twice the bandwidth-delay product
 * when that is larger (as one configures netem for long fat links, else the queue limit and not
 * the link caps TCP). {@link #cut} drops everything (netem loss 100%).
 */
final class Wire implements AutoCloseable {
    private static final int LIMIT = 1000;
    private final Direction ab, ba;
    private final int fdA, fdB;
    private volatile boolean closed;
    volatile long oneWayDelayNanos;
    volatile long bitsPerSecond;
    volatile boolean cut;

    Wire(int fdA, int fdB, long oneWayDelayNanos, long bitsPerSecond, String name) {
        this.fdA = fdA;
        this.fdB = fdB;
        this.oneWayDelayNanos = oneWayDelayNanos;
        this.bitsPerSecond = bitsPerSecond;
        ab = new Direction(fdA, fdB, name + "-ab");
        ba = new Direction(fdB, fdA, name + "-ba");
    }

    /** Sets the link: RTT (each direction gets half) and rate in Mbit/s (0: unlimited). */
    void set(double rttMillis, double mbit) {
        oneWayDelayNanos = (long) (rttMillis * 1e6 / 2);
        bitsPerSecond = (long) (mbit * 1e6);
    }

    private int limit() {
        long bdpFrames = bitsPerSecond / 8 * (2 * oneWayDelayNanos) / 1_000_000_000L / 1500;
        return (int) Math.max(LIMIT, Math.min(1_000_000, 2 * bdpFrames));
    }

    long framesDropped() { return ab.dropped.get() + ba.dropped.get(); }

    long bytesCarried() { return ab.bytes.get() + ba.bytes.get(); }

    private record Frame(long due, byte[] data) {}

    private final class Direction {
        final int in, out;
        final LinkedBlockingQueue<Frame> queue = new LinkedBlockingQueue<>();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicLong dropped = new AtomicLong(), bytes = new AtomicLong();
        final Thread reader, writer;
        long lastDeparture;

        Direction(int in, int out, String name) {
            this.in = in;
            this.out = out;
            reader = Thread.ofPlatform().daemon().name(name + "-in").start(this::readLoop);
            writer = Thread.ofPlatform().daemon().name(name + "-out").start(this::writeLoop);
        }

        private void readLoop() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(65536), st = Libc.state(a), pfd = a.allocate(8);
                while (!closed) {
                    if (!Libc.pollIn(in, pfd, 100)) continue;
                    long n = Libc.read(in, buf, st);
                    if (n == -Libc.EINTR || n == -Libc.EAGAIN) continue;
                    if (n <= 0) return;
                    long now = System.nanoTime();
                    if (cut || queued.get() >= limit()) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    long bps = bitsPerSecond;
                    long departure = bps <= 0 ? now : Math.max(now, lastDeparture) + n * 8 * 1_000_000_000L / bps;
                    lastDeparture = departure;
                    queued.incrementAndGet();
                    queue.add(new Frame(departure + oneWayDelayNanos, buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)));
                }
            } catch (IOException e) {
                // the device went away: the wire is being closed
            }
        }

        private void writeLoop() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(65536), st = Libc.state(a);
                while (!closed) {
                    Frame f = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (f == null) continue;
                    long wait;
                    while ((wait = f.due - System.nanoTime()) > 0 && !closed) LockSupport.parkNanos(wait);
                    queued.decrementAndGet();
                    if (cut) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    MemorySegment.copy(f.data, 0, buf, ValueLayout.JAVA_BYTE, 0, f.data.length);
                    if (Libc.write(out, buf, f.data.length, st) > 0) bytes.addAndGet(f.data.length);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            for (Direction d : new Direction[] {ab, ba}) {
                d.reader.join(2000);
                d.writer.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fdA);
        Libc.close(fdB);
    }
}
