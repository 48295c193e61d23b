package io.spore.image;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.List;

/**
 * A read-only view of one image: the whole manifest in memory (fetched from a {@link BlockSource}
 * when opened), content read on demand chunk by chunk. Entries are numbered by their position in
 * image order; index 0 is the root. The number is stable for one image, so it can serve as an
 * inode number; hard links resolve to their target's index.
 *
 * <p>Thread-safe: FUSE calls it from many threads.
 *
 * <p>CONTRACT (filled in by the image-format work): signatures here are what other modules code
 * against; change them only together with their callers.
 */
public final class Image {

    /** Fetches and checks every manifest block reachable from {@code root}, then indexes them. */
    public static Image open(BlockSource blocks, Cid root) throws IOException {
        throw new UnsupportedOperationException("Image is not implemented yet");
    }

    public Cid root() { throw new UnsupportedOperationException("not implemented yet"); }

    /** Number of entries (paths), hard links included. */
    public int size() { throw new UnsupportedOperationException("not implemented yet"); }

    public Entry entry(int index) { throw new UnsupportedOperationException("not implemented yet"); }

    /** The index of the entry whose data this one shares: itself, or its hard-link target. */
    public int inode(int index) { throw new UnsupportedOperationException("not implemented yet"); }

    /** Children of directory {@code dir} in name order. */
    public int[] children(int dir) { throw new UnsupportedOperationException("not implemented yet"); }

    /** The child of {@code dir} named {@code name}, or -1. */
    public int lookup(int dir, byte[] name) { throw new UnsupportedOperationException("not implemented yet"); }

    /** The entry at {@code path} (relative, '/'-separated), or -1. */
    public int find(byte[] path) { throw new UnsupportedOperationException("not implemented yet"); }

    /**
     * Reads up to {@code len} bytes of regular file {@code index} at {@code offset} into {@code dst},
     * fetching the chunks it needs from {@code blocks} (so a lazy mount passes its urgent fetcher).
     * Returns the number of bytes read; 0 at end of file.
     */
    public int read(int index, long offset, byte[] dst, int dstOff, int len, BlockSource blocks) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Every chunk of the packed stream, in stream order. */
    public List<Chunk> chunks() { throw new UnsupportedOperationException("not implemented yet"); }

    /** The chunks holding bytes [offset, offset+len) of regular file {@code index}. */
    public List<Chunk> chunksFor(int index, long offset, long len) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The manifest's blocks (root first). */
    public List<Cid> manifestBlocks() { throw new UnsupportedOperationException("not implemented yet"); }

    /** Total original bytes of file content (the packed stream's length). */
    public long contentBytes() { throw new UnsupportedOperationException("not implemented yet"); }
}
