package io.spore.p2p.fetch;

import java.time.Duration;

/**
 * Knobs of the {@link Fetcher}.
 *
 * @param windowPerPeer   wants outstanding at one peer at most
 * @param totalWindow     wants outstanding over all peers at most; with the 2 MiB block cap this
 *                        bounds the memory of blocks received but not yet stored
 * @param wantTimeout     a want unanswered this long moves to another peer
 * @param noProviderDeadline a block that no peer can be asked for this long fails with MissingBlockException
 * @param retryAfter      a block every provider refused is asked again after this long (they may have fetched it since)
 * @param maxQueued       blocks queued over all classes at most; more is refused with an error
 * @param bytesPerPeer    bytes of blocks asked from one peer and not yet received, at most (by the
 *                        sizes the caller gave, else by the typical size of blocks received so far);
 *                        a peer with nothing outstanding is always asked for one block
 * @param totalBytes      the same over all peers, counted until the blocks are stored
 */
public record FetchConfig(int windowPerPeer, int totalWindow, Duration wantTimeout, Duration noProviderDeadline,
                          Duration retryAfter, int maxQueued, long bytesPerPeer, long totalBytes) {
    /** In flight per peer by default: at 300 MB/s, 50 ms of data, so a LAN round trip never stalls a pull. */
    public static final long BYTES_PER_PEER = 16L << 20;
    public static final long TOTAL_BYTES = 64L << 20;

    public FetchConfig {
        if (windowPerPeer < 1) throw new IllegalArgumentException("windowPerPeer must be at least 1");
        if (totalWindow < windowPerPeer) throw new IllegalArgumentException("totalWindow must be at least windowPerPeer");
        if (maxQueued < 1) throw new IllegalArgumentException("maxQueued must be at least 1");
        if (bytesPerPeer < 1) throw new IllegalArgumentException("bytesPerPeer must be at least 1");
        if (totalBytes < bytesPerPeer) throw new IllegalArgumentException("totalBytes must be at least bytesPerPeer");
    }

    /** With the default byte windows. */
    public FetchConfig(int windowPerPeer, int totalWindow, Duration wantTimeout, Duration noProviderDeadline,
                       Duration retryAfter, int maxQueued) {
        this(windowPerPeer, totalWindow, wantTimeout, noProviderDeadline, retryAfter, maxQueued, BYTES_PER_PEER, TOTAL_BYTES);
    }

    public static FetchConfig defaults() {
        return new FetchConfig(256, 1024, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(1), 1 << 22);
    }

    public FetchConfig withWantTimeout(Duration d) {
        return new FetchConfig(windowPerPeer, totalWindow, d, noProviderDeadline, retryAfter, maxQueued, bytesPerPeer, totalBytes);
    }

    public FetchConfig withNoProviderDeadline(Duration d) {
        return new FetchConfig(windowPerPeer, totalWindow, wantTimeout, d, retryAfter, maxQueued, bytesPerPeer, totalBytes);
    }

    public FetchConfig withWindow(int perPeer, int total) {
        return new FetchConfig(perPeer, total, wantTimeout, noProviderDeadline, retryAfter, maxQueued, bytesPerPeer, totalBytes);
    }

    public FetchConfig withByteWindow(long perPeer, long total) {
        return new FetchConfig(windowPerPeer, totalWindow, wantTimeout, noProviderDeadline, retryAfter, maxQueued, perPeer, total);
    }
}
