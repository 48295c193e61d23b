package io.spore.fuse;

import io.spore.p2p.multiformats.Cid;

import java.util.List;

/**
 * Where a mount sends the chunks it would like before anyone reads them: the daemon's fetcher
 * implements it (urgent reads go through the mount's {@code BlockSource} instead). Blocks fetched
 * this way must land in the local store, so that later reads hit it.
 */
public interface Prefetcher {
    /** Fetch classes below urgent, served in this order. */
    enum Priority { PROFILE, BACKGROUND }

    /** Queues {@code cids} in the given order; the returned handle drops what is still queued. */
    Handle prefetch(List<Cid> cids, Priority priority);

    interface Handle {
        void cancel();
    }

    /** Fetches nothing: for hosts that must fetch only what is read. */
    Prefetcher NONE = (cids, priority) -> () -> {};
}
