package io.spore.image;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/**
 * Builds an image into a block store (FORMAT.md). Entries arrive in image order: depth first, the
 * children of a directory sorted by name bytes, a directory before its children, starting with the
 * root (empty path). Regular files that are not hard links come with their content, which is
 * appended to the packed stream, cut by FastCDC, compressed and stored as blocks on
 * {@code threads} threads. The result does not depend on the thread count.
 *
 * <p>CONTRACT (filled in by the image-format work): signatures here are what other modules code
 * against; change them only together with their callers.
 */
public final class ImageWriter implements AutoCloseable {

    public ImageWriter(BlockStore store, int threads) {
        throw new UnsupportedOperationException("ImageWriter is not implemented yet");
    }

    /**
     * Adds one entry. For a regular file that is not a hard link, {@code content} must yield exactly
     * {@code entry.size()} bytes; fewer or more means the file changed while it was read and fails
     * with {@link FileChangedException}. {@code content} is null for every other entry.
     */
    public void add(Entry entry, ReadableByteChannel content) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Writes the remaining chunks and the manifest; returns the image's root CID. */
    public Cid finish() throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Figures of the finished import. */
    public Stats stats() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Aborts an unfinished import; blocks already stored stay (they are valid and reusable). */
    @Override public void close() throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * @param entries       entries written
     * @param contentBytes  bytes of the packed stream (original file contents)
     * @param chunks        chunks in the stream
     * @param newBlocks     blocks that were not already in the store
     * @param storedBytes   bytes of all blocks of the image (chunks and manifest), as stored
     */
    public record Stats(long entries, long contentBytes, long chunks, long newBlocks, long storedBytes) {}
}
