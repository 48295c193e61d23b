package io.spore.image.posix;

import io.spore.image.ImageWriter;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;

/** A directory tree into an image: {@link TreeWalker} feeding an {@link ImageWriter}. */
public final class Importer {
    private Importer() {}

    public record Result(Cid root, ImageWriter.Stats stats) {}

    /** Imports the tree at {@code dir}; the key does not depend on {@code threads}. */
    public static Result importTree(byte[] dir, BlockStore store, int threads) throws IOException {
        return importTree(dir, store, threads, java.util.List.of());
    }

    /** As above, leaving out directories {@code exclude} (the data directory, if it lies inside the tree). */
    public static Result importTree(byte[] dir, BlockStore store, int threads, java.util.List<byte[]> exclude) throws IOException {
        return importTree(dir, store, threads, exclude, false);
    }

    /** As above; the tree stays on {@code dir}'s file system unless {@code crossMounts} (TreeWalker). */
    public static Result importTree(byte[] dir, BlockStore store, int threads, java.util.List<byte[]> exclude,
                                    boolean crossMounts) throws IOException {
        try (ImageWriter writer = new ImageWriter(store, threads)) {
            TreeWalker.walk(dir, writer::add, exclude, crossMounts);
            Cid root = writer.finish();
            return new Result(root, writer.stats());
        }
    }
}
