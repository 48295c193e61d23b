package io.spore.fuse;

import io.spore.image.Chunk;
import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory tree for testing the file system without the image format: each regular file's
 * content is cut into 64 KiB "chunks" read through the given BlockSource like a real image.
 */
final class MemTree implements Tree {
    static final int CHUNK = 64 * 1024;
    final List<Entry> entries = new ArrayList<>();
    final List<Integer> inodes = new ArrayList<>();
    final Map<ByteBuffer, Integer> byPath = new HashMap<>();
    final Map<Integer, List<Integer>> kids = new HashMap<>();
    final List<Chunk> chunks = new ArrayList<>();
    final Map<Integer, Integer> firstChunk = new HashMap<>();
    /** What a block source must serve: chunk CID to bytes. */
    final Map<Cid, byte[]> blocks = new HashMap<>();
    private long stream;

    MemTree() {
        add("", FileType.DIRECTORY, 0755, 0, 0, null, null, null, 0, Map.of());
    }

    int dir(String path, int mode) { return add(path, FileType.DIRECTORY, mode, 0, 0, null, null, null, 0, Map.of()); }

    int file(String path, int mode, byte[] content) { return file(path.getBytes(StandardCharsets.UTF_8), mode, 0, 0, content, Map.of()); }

    int file(byte[] path, int mode, int uid, int gid, byte[] content, Map<String, byte[]> xattrs) {
        return add(path, FileType.REGULAR, mode, uid, gid, content, null, null, 0, xattrs);
    }

    int add(String path, FileType type, int mode, int uid, int gid, byte[] content, byte[] link, String hardLink,
            long rdev, Map<String, byte[]> xattrs) {
        return add(path.getBytes(StandardCharsets.UTF_8), type, mode, uid, gid, content, link,
                hardLink == null ? null : hardLink.getBytes(StandardCharsets.UTF_8), rdev, xattrs);
    }

    int add(byte[] path, FileType type, int mode, int uid, int gid, byte[] content, byte[] link, byte[] hardLink,
            long rdev, Map<String, byte[]> xattrs) {
        int index = entries.size();
        long size = content != null ? content.length : link != null ? link.length : 0;
        int inode = index;
        if (hardLink != null) {
            inode = byPath.get(ByteBuffer.wrap(hardLink));
            Entry t = entries.get(inode);
            size = t.size();
            type = t.type();
        }
        long offset = -1;
        if (content != null && hardLink == null) {
            offset = stream;
            firstChunk.put(index, chunks.size());
            for (int o = 0; o < content.length; o += CHUNK) {
                byte[] part = Arrays.copyOfRange(content, o, Math.min(content.length, o + CHUNK));
                // Same bytes in two files would give one CID; salt with the stream offset.
                byte[] block = ByteBuffer.allocate(8 + part.length).putLong(stream + o).put(part).array();
                Cid cid = Cid.raw(block);
                blocks.put(cid, block);
                chunks.add(new Chunk(cid, stream + o, part.length, block.length));
            }
            stream += content.length;
        }
        entries.add(new Entry(path, type, mode, uid, gid, 1_700_000_000_123_456_789L + index, size, link, hardLink,
                rdev, new TreeMap<>(xattrs), offset));
        inodes.add(inode);
        byPath.put(ByteBuffer.wrap(path), index);
        kids.put(index, new ArrayList<>());
        if (index > 0) {
            int slash = -1;
            for (int i = path.length - 1; i >= 0; i--) if (path[i] == '/') { slash = i; break; }
            byte[] parent = slash < 0 ? new byte[0] : Arrays.copyOf(path, slash);
            kids.get(byPath.get(ByteBuffer.wrap(parent))).add(index);
        }
        return index;
    }

    @Override public Cid root() { return Cid.raw("memtree".getBytes()); }
    @Override public int size() { return entries.size(); }
    @Override public Entry entry(int index) { return entries.get(index); }
    @Override public int inode(int index) { return inodes.get(index); }

    @Override public int[] children(int dir) {
        return kids.get(dir).stream().sorted((a, b) -> Arrays.compareUnsigned(entries.get(a).name(), entries.get(b).name()))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override public int find(byte[] path) {
        Integer i = byPath.get(ByteBuffer.wrap(path));
        return i == null ? -1 : i;
    }

    @Override
    public int read(int index, long offset, byte[] dst, int dstOff, int len, BlockSource source) throws IOException {
        int inode = inode(index);
        Entry e = entries.get(inode);
        if (offset >= e.size()) return 0;
        int c = firstChunk.get(inode) + (int) (offset / CHUNK);
        Chunk chunk = chunks.get(c);
        byte[] block = source.get(chunk.cid());
        int within = (int) (e.streamOffset() + offset - chunk.streamOffset());
        int n = Math.min(len, chunk.length() - within);
        System.arraycopy(block, 8 + within, dst, dstOff, n);
        return n;
    }

    @Override public List<Chunk> chunks() { return chunks; }

    @Override public List<Chunk> chunksFor(int index, long offset, long len) {
        Entry e = entries.get(inode(index));
        long end = Math.min(e.size(), offset + len);
        if (offset >= end) return List.of();
        int first = firstChunk.get(inode(index));
        return chunks.subList(first + (int) (offset / CHUNK), first + (int) ((end - 1) / CHUNK) + 1);
    }

    @Override public long contentBytes() { return stream; }
}
