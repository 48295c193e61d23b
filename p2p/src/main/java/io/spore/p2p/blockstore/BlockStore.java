package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Content-addressed blocks on local storage. Every block handed out has been checked against its
 * CID; a block becomes visible to {@link #has} and {@link #get} only once it is complete and
 * durable, so a crash never leaves a half-written block behind a valid name.
 */
public interface BlockStore extends BlockSource, AutoCloseable {
    /** Largest block Spore stores or accepts (Bitswap implementations must handle 2 MiB). */
    int MAX_BLOCK_SIZE = 2 * 1024 * 1024;

    boolean has(Cid cid);

    /**
     * The block's bytes, verified against {@code cid}.
     *
     * @throws MissingBlockException when the store does not hold it
     * @throws CorruptBlockException when the stored bytes do not hash to {@code cid} (the bad copy is removed)
     */
    @Override byte[] get(Cid cid) throws IOException;

    /** Stores {@code data} under {@code cid} after checking that it hashes to it; a no-op if present. */
    void put(Cid cid, byte[] data) throws IOException;

    /**
     * Like {@link #put(Cid, byte[])}, for bytes the caller has just hashed to {@code cid} itself (a
     * block checked on receipt from a peer): a store may skip hashing them a second time.
     */
    default void putVerified(Cid cid, byte[] data) throws IOException {
        put(cid, data);
    }

    /** Stores {@code data} as a sha2-256 CIDv1 of {@code codec} and returns its CID. */
    default Cid put(int codec, byte[] data) throws IOException {
        Cid cid = Cid.of(codec, data);
        put(cid, data);
        return cid;
    }

    /**
     * Like {@link #put(Cid, byte[])}, and tells whether the block was new to the store (for import
     * statistics).
     */
    default boolean add(Cid cid, byte[] data) throws IOException {
        boolean had = has(cid);
        put(cid, data);
        return !had;
    }

    /**
     * Stores {@code data} as a sha2-256 CIDv1 of {@code codec}: its CID, and whether the block was
     * new to the store. Stores may hash only once here, where {@link #add(Cid, byte[])} must check
     * a CID that it did not compute.
     */
    default Added add(int codec, byte[] data) throws IOException {
        Cid cid = Cid.of(codec, data);
        return new Added(cid, add(cid, data));
    }

    /** What {@link #add(int, byte[])} stored: the block's CID, and whether it was new. */
    record Added(Cid cid, boolean isNew) {}

    /**
     * Makes every block stored so far durable. Stores may defer durability of single puts to this
     * call, so a caller must call it before it writes or publishes anything that refers to those
     * blocks (an image root, a pin).
     */
    default void sync() throws IOException {}

    /** Stored size in bytes, or -1 when absent. */
    long size(Cid cid) throws IOException;

    /** Removes the block if present. */
    void delete(Cid cid) throws IOException;

    /** Calls {@code each} with every CID in the store, in no particular order. */
    void forEach(Consumer<Cid> each) throws IOException;

    @Override void close() throws IOException;
}
