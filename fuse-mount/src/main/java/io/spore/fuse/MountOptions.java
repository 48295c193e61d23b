package io.spore.fuse;

import io.spore.p2p.blockstore.BlockStore;

import java.time.Duration;

/**
 * How to mount.
 *
 * @param local         the local block store: reads it hits count as cache hits, boot profiles are
 *                      stored in it; null when there is none (every block then comes from the source)
 * @param prefetcher    where profile and background prefetch go ({@link Prefetcher#NONE} for none)
 * @param prefetch      background prefetch of the whole image in stream order (--no-prefetch: false);
 *                      a boot profile is still prefetched when the prefetcher is not NONE
 * @param recordProfile record the boot profile for this long after mounting; null or zero: do not
 * @param debug         libfuse debug output on stderr
 */
public record MountOptions(BlockStore local, Prefetcher prefetcher, boolean prefetch, Duration recordProfile,
                           boolean debug) {
    public MountOptions {
        if (prefetcher == null) prefetcher = Prefetcher.NONE;
        if (recordProfile != null && recordProfile.isNegative()) {
            throw new IllegalArgumentException("--record-profile must be a positive number of seconds");
        }
    }

    public static MountOptions defaults() {
        return new MountOptions(null, Prefetcher.NONE, true, null, false);
    }

    public MountOptions withLocal(BlockStore store) {
        return new MountOptions(store, prefetcher, prefetch, recordProfile, debug);
    }

    public MountOptions withPrefetcher(Prefetcher p, boolean background) {
        return new MountOptions(local, p, background, recordProfile, debug);
    }

    public MountOptions withRecordProfile(Duration record) {
        return new MountOptions(local, prefetcher, prefetch, record, debug);
    }

    public MountOptions withDebug(boolean on) {
        return new MountOptions(local, prefetcher, prefetch, recordProfile, on);
    }
}
