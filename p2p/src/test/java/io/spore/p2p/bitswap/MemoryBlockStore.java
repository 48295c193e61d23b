package io.spore.p2p.bitswap;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.CorruptBlockException;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** An in-memory block store for unit tests of the code around stores. */
public final class MemoryBlockStore implements BlockStore {
    private final Map<Cid, byte[]> blocks = new ConcurrentHashMap<>();

    @Override public boolean has(Cid cid) { return blocks.containsKey(cid); }

    @Override public byte[] get(Cid cid) throws IOException {
        byte[] b = blocks.get(cid);
        if (b == null) throw new MissingBlockException(cid);
        return b.clone();
    }

    @Override public void put(Cid cid, byte[] data) throws IOException {
        if (!cid.matches(data)) throw new CorruptBlockException(cid, "put");
        blocks.putIfAbsent(cid, data.clone());
    }

    @Override public long size(Cid cid) { byte[] b = blocks.get(cid); return b == null ? -1 : b.length; }

    @Override public void delete(Cid cid) { blocks.remove(cid); }

    @Override public void forEach(Consumer<Cid> each) { blocks.keySet().forEach(each); }

    public int count() { return blocks.size(); }

    @Override public void close() {}
}
