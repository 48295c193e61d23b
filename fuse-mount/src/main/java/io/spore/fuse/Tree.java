package io.spore.fuse;

import io.spore.image.Chunk;
import io.spore.image.Entry;
import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.List;

/** What the file system needs of an image; {@link Image} is the real one. */
interface Tree {
    Cid root();
    int size();
    Entry entry(int index);
    int inode(int index);
    int[] children(int dir);
    int find(byte[] path);
    int read(int index, long offset, byte[] dst, int dstOff, int len, BlockSource blocks) throws IOException;
    List<Chunk> chunks();
    List<Chunk> chunksFor(int index, long offset, long len);
    long contentBytes();

    static Tree of(Image image) {
        return new Tree() {
            @Override public Cid root() { return image.root(); }
            @Override public int size() { return image.size(); }
            @Override public Entry entry(int index) { return image.entry(index); }
            @Override public int inode(int index) { return image.inode(index); }
            @Override public int[] children(int dir) { return image.children(dir); }
            @Override public int find(byte[] path) { return image.find(path); }
            @Override public int read(int index, long offset, byte[] dst, int dstOff, int len, BlockSource blocks)
                    throws IOException {
                return image.read(index, offset, dst, dstOff, len, blocks);
            }
            @Override public List<Chunk> chunks() { return image.chunks(); }
            @Override public List<Chunk> chunksFor(int index, long offset, long len) {
                return image.chunksFor(index, offset, len);
            }
            @Override public long contentBytes() { return image.contentBytes(); }
        };
    }
}
