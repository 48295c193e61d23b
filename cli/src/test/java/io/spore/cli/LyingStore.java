package io.spore.cli;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.function.Consumer;

/** For a test peer built to lie: has every block of {@code honest}, hands each out with one bit flipped. */
final class LyingStore implements BlockStore {
    private final BlockStore honest;

    LyingStore(BlockStore honest) { this.honest = honest; }

    @Override public boolean has(Cid cid) { return honest.has(cid); }

    @Override public byte[] get(Cid cid) throws IOException {
        byte[] b = honest.get(cid);
        b[b.length / 2] ^= 0x10;
        return b;
    }

    @Override public void put(Cid cid, byte[] data) { throw new UnsupportedOperationException("the lying peer stores nothing"); }

    @Override public long size(Cid cid) throws IOException { return honest.size(cid); }

    @Override public void delete(Cid cid) { throw new UnsupportedOperationException("the lying peer deletes nothing"); }

    @Override public void forEach(Consumer<Cid> each) throws IOException { honest.forEach(each); }

    @Override public void close() {}
}
