package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;

/**
 * Somewhere blocks come from: the local store, or the fetcher that asks peers. Returned bytes have
 * been checked against {@code cid}.
 */
@FunctionalInterface
public interface BlockSource {
    /**
     * @throws MissingBlockException when no one could provide the block (for a fetcher: after its deadline)
     */
    byte[] get(Cid cid) throws IOException;
}
