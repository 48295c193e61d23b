package io.spore.image;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.CorruptBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only view of one image: the whole manifest in memory (fetched from a {@link BlockSource}
 * when opened), content read on demand chunk by chunk. Entries are numbered by their position in
 * image order; index 0 is the root. The number is stable for one image, so it can serve as an
 * inode number; hard links resolve to their target's index.
 *
 * <p>Thread-safe: FUSE calls it from many threads. The manifest is immutable once opened; the only
 * shared mutable state is a small LRU cache of decompressed chunks.
 *
 * <p>CONTRACT (filled in by the image-format work): signatures here are what other modules code
 * against; change them only together with their callers.
 */
public final class Image {
    /** Decompressed chunks kept for reads: at most this many (16 x 256 KiB = 4 MiB). */
    static final int CACHE_CHUNKS = 16;

    private final Cid root;
    private final Cid profile;
    private final List<Cid> manifestBlocks;
    private final long manifestBytes;
    private final Manifest.Node[] nodes;
    private final int[] parent;
    private final long[] streamOffset;
    private final int[][] children;
    private final Cid[] chunkCid;
    private final int[] chunkLength;
    private final int[] chunkStored;
    private final long[] chunkOffset;
    private final long contentBytes;
    private final Map<Integer, byte[]> cache = new LinkedHashMap<>(32, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) { return size() > CACHE_CHUNKS; }
    };
    private volatile List<Chunk> chunkList;

    private Image(Cid root, Manifest.Root r, List<Cid> manifestBlocks, long manifestBytes, List<Manifest.Node> nodeList,
                  List<Manifest.ChunkRec> chunkList) throws IOException {
        this.root = root;
        this.profile = r.profile();
        this.manifestBlocks = List.copyOf(manifestBlocks);
        this.manifestBytes = manifestBytes;
        int n = nodeList.size();
        if (n != r.entryCount()) throw Manifest.bad("entryCount " + r.entryCount() + " but " + n + " entries");
        if (chunkList.size() != r.chunkCount()) throw Manifest.bad("chunkCount " + r.chunkCount() + " but " + chunkList.size() + " chunks");
        nodes = nodeList.toArray(new Manifest.Node[0]);
        parent = new int[n];
        streamOffset = new long[n];
        int[] childCount = new int[n];
        long stream = 0;
        int[] stack = new int[16];
        byte[][] lastChild = new byte[16][];
        int depthOpen = 0; // directories open: stack[0 .. depthOpen-1]
        for (int i = 0; i < n; i++) {
            Manifest.Node e = nodes[i];
            streamOffset[i] = -1;
            if (i == 0) {
                if (e.depth() != 0 || e.type() != FileType.DIRECTORY) throw Manifest.bad("the first entry is not the root directory");
                parent[0] = 0;
            } else {
                int d = e.depth();
                if (d == 0 || d > depthOpen) throw Manifest.bad("entry " + i + " has depth " + d + " but only " + depthOpen + " directories are open");
                int p = stack[d - 1];
                byte[] last = lastChild[d - 1];
                if (last != null && Arrays.compareUnsigned(last, e.name()) >= 0) throw Manifest.bad("entry " + i + " is out of name order");
                depthOpen = d;
                lastChild[d - 1] = e.name();
                parent[i] = p;
                childCount[p]++;
                if (e.hardLink() >= 0) {
                    int t = e.hardLink();
                    if (t >= i || nodes[t].type() == FileType.DIRECTORY || nodes[t].hardLink() >= 0)
                        throw Manifest.bad("entry " + i + " is a hard link to entry " + t + ", which is not an earlier non-directory");
                }
            }
            FileType type = typeOf(i);
            if (e.hardLink() < 0 && type == FileType.REGULAR) {
                streamOffset[i] = stream;
                stream += e.size();
                if (stream < 0) throw Manifest.bad("file sizes overflow");
            }
            if (e.hardLink() < 0 && type == FileType.DIRECTORY) {
                if (depthOpen == stack.length) {
                    stack = Arrays.copyOf(stack, depthOpen * 2);
                    lastChild = Arrays.copyOf(lastChild, depthOpen * 2);
                }
                stack[depthOpen] = i;
                lastChild[depthOpen] = null;
                depthOpen++;
            }
        }
        if (stream != r.contentBytes()) throw Manifest.bad("contentBytes " + r.contentBytes() + " but files hold " + stream);
        children = new int[n][];
        for (int i = 0; i < n; i++) if (typeOf(i) == FileType.DIRECTORY && nodes[i].hardLink() < 0) children[i] = new int[childCount[i]];
        int[] fill = new int[n];
        for (int i = 1; i < n; i++) children[parent[i]][fill[parent[i]]++] = i;

        int c = chunkList.size();
        chunkCid = new Cid[c];
        chunkLength = new int[c];
        chunkStored = new int[c];
        chunkOffset = new long[c];
        long off = 0;
        for (int j = 0; j < c; j++) {
            Manifest.ChunkRec rec = chunkList.get(j);
            chunkCid[j] = rec.cid();
            chunkLength[j] = rec.length();
            chunkStored[j] = rec.stored();
            chunkOffset[j] = off;
            off += rec.length();
        }
        if (off != r.contentBytes()) throw Manifest.bad("chunks hold " + off + " bytes but contentBytes is " + r.contentBytes());
        contentBytes = off;
    }

    /** Pages fetched at once when opening: a lazy mount fetches them from peers, one round trip each. */
    static final int PARALLEL_FETCHES = 16;

    /** Fetches and checks every manifest block reachable from {@code root}, then indexes them. */
    public static Image open(BlockSource blocks, Cid root) throws IOException {
        if (root.codec() != Cid.DAG_CBOR)
            throw new IOException(root + " is not an image key (not a dag-cbor block): give the key that share printed");
        byte[] rootBlock = fetch(blocks, root);
        Manifest.Root r = Manifest.decodeRoot(root, rootBlock);
        List<Cid> pages = new ArrayList<>(r.entryPages());
        pages.addAll(r.chunkPages());
        List<Object> decoded = fetchAll(blocks, pages, r.entryPages().size());
        List<Cid> all = new ArrayList<>(pages.size() + 1);
        all.add(root);
        all.addAll(pages);
        long bytes = rootBlock.length;
        List<Manifest.Node> nodes = new ArrayList<>();
        List<Manifest.ChunkRec> chunks = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            Page p = (Page) decoded.get(i);
            bytes += p.size();
            if (i < r.entryPages().size()) {
                @SuppressWarnings("unchecked") List<Manifest.Node> l = (List<Manifest.Node>) p.items();
                nodes.addAll(l);
                if (nodes.size() > r.entryCount()) throw Manifest.bad("more entries than entryCount");
            } else {
                @SuppressWarnings("unchecked") List<Manifest.ChunkRec> l = (List<Manifest.ChunkRec>) p.items();
                chunks.addAll(l);
                if (chunks.size() > r.chunkCount()) throw Manifest.bad("more chunks than chunkCount");
            }
        }
        return new Image(root, r, all, bytes, nodes, chunks);
    }

    private record Page(int size, List<?> items) {}

    /** Fetches and decodes pages, several at a time; the first failure (in page order) is thrown. */
    private static List<Object> fetchAll(BlockSource blocks, List<Cid> pages, int entryPages) throws IOException {
        List<Object> out = new ArrayList<>(Collections.nCopies(pages.size(), null));
        if (pages.size() <= 1) {
            for (int i = 0; i < pages.size(); i++) out.set(i, page(blocks, pages.get(i), i < entryPages));
            return out;
        }
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(PARALLEL_FETCHES);
        List<java.util.concurrent.Future<Page>> fs = new ArrayList<>(pages.size());
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < pages.size(); i++) {
                Cid c = pages.get(i);
                boolean entries = i < entryPages;
                fs.add(ex.submit(() -> {
                    window.acquire();
                    try {
                        return page(blocks, c, entries);
                    } finally {
                        window.release();
                    }
                }));
            }
            for (int i = 0; i < fs.size(); i++) {
                try {
                    out.set(i, fs.get(i).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fs.forEach(f -> f.cancel(true));
                    throw new java.io.InterruptedIOException("opening the image was interrupted");
                } catch (java.util.concurrent.ExecutionException e) {
                    fs.forEach(f -> f.cancel(true));
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IOException(e.getCause());
                }
            }
        }
        return out;
    }

    private static Page page(BlockSource blocks, Cid cid, boolean entries) throws IOException {
        byte[] b = fetch(blocks, cid);
        return new Page(b.length, entries ? Manifest.decodeEntryPage(cid, b) : Manifest.decodeChunkPage(cid, b));
    }

    private static byte[] fetch(BlockSource blocks, Cid cid) throws IOException {
        byte[] b = blocks.get(cid);
        // The source promises checked bytes; manifest blocks are small, so check again anyway.
        if (!cid.matches(b)) throw new CorruptBlockException(cid, "the block source");
        return b;
    }

    public Cid root() { return root; }

    /** The boot profile linked from the root, or null (FORMAT.md 4.2, reserved). */
    public Cid profile() { return profile; }

    /** Number of entries (paths), hard links included. */
    public int size() { return nodes.length; }

    private FileType typeOf(int i) {
        Manifest.Node e = nodes[i];
        return e.hardLink() >= 0 ? nodes[e.hardLink()].type() : e.type();
    }

    public Entry entry(int index) {
        Manifest.Node e = nodes[index];
        int ino = inode(index);
        Manifest.Node t = nodes[ino];
        return new Entry(path(index), t.type(), t.mode(), t.uid(), t.gid(), t.mtimeNanos(), t.size(), t.target(),
                ino == index ? null : path(ino), t.rdev(), t.xattrs(), streamOffset[ino]);
    }

    /** The path of entry {@code index}, relative, '/'-separated; empty for the root. */
    public byte[] path(int index) {
        int len = -1, i = index;
        while (i != 0) { len += nodes[i].name().length + 1; i = parent[i]; }
        if (len < 0) return new byte[0];
        byte[] p = new byte[len];
        int end = len;
        for (i = index; i != 0; i = parent[i]) {
            byte[] name = nodes[i].name();
            System.arraycopy(name, 0, p, end - name.length, name.length);
            end -= name.length + 1;
            if (end >= 0) p[end] = '/';
        }
        return p;
    }

    /** The last path component of entry {@code index} (empty for the root); cheaper than entry(i).name(). */
    public byte[] name(int index) { return nodes[index].name().clone(); }

    /** The index of the directory holding entry {@code index} (the root's parent is the root). */
    public int parent(int index) { return parent[index]; }

    /** The index of the entry whose data this one shares: itself, or its hard-link target. */
    public int inode(int index) {
        int h = nodes[index].hardLink();
        return h >= 0 ? h : index;
    }

    /** Children of directory {@code dir} in name order. */
    public int[] children(int dir) {
        int[] c = children[dir];
        if (c == null) throw new IllegalArgumentException("entry " + dir + " is not a directory");
        return c.clone();
    }

    /** The child of {@code dir} named {@code name}, or -1. */
    public int lookup(int dir, byte[] name) {
        int[] c = children[dir];
        if (c == null) return -1;
        int lo = 0, hi = c.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Arrays.compareUnsigned(nodes[c[mid]].name(), name);
            if (cmp == 0) return c[mid];
            if (cmp < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /** The entry at {@code path} (relative, '/'-separated), or -1. */
    public int find(byte[] path) {
        int cur = 0, from = 0;
        while (from < path.length) {
            int slash = from;
            while (slash < path.length && path[slash] != '/') slash++;
            if (slash > from) {
                cur = lookup(cur, Arrays.copyOfRange(path, from, slash));
                if (cur < 0) return -1;
            }
            from = slash + 1;
        }
        return cur;
    }

    /**
     * Reads up to {@code len} bytes of regular file {@code index} at {@code offset} into {@code dst},
     * fetching the chunks it needs from {@code blocks} (so a lazy mount passes its urgent fetcher).
     * Returns the number of bytes read; 0 at end of file.
     */
    public int read(int index, long offset, byte[] dst, int dstOff, int len, BlockSource blocks) throws IOException {
        int ino = inode(index);
        Manifest.Node e = nodes[ino];
        if (e.type() != FileType.REGULAR) throw new IOException(ImageWriter.show(path(index)) + " is not a regular file");
        if (offset < 0 || len < 0) throw new IllegalArgumentException("negative offset or length");
        if (offset >= e.size()) return 0;
        int n = (int) Math.min(len, e.size() - offset);
        long pos = streamOffset[ino] + offset;
        int done = 0;
        int j = chunkAt(pos);
        while (done < n) {
            byte[] c = chunk(j, blocks);
            int in = (int) (pos + done - chunkOffset[j]);
            int k = Math.min(n - done, c.length - in);
            System.arraycopy(c, in, dst, dstOff + done, k);
            done += k;
            j++;
        }
        return n;
    }

    private int chunkAt(long pos) {
        int i = Arrays.binarySearch(chunkOffset, pos);
        return i >= 0 ? i : -i - 2;
    }

    private byte[] chunk(int j, BlockSource blocks) throws IOException {
        synchronized (cache) {
            byte[] c = cache.get(j);
            if (c != null) return c;
        }
        // Fetch and decompress outside the lock: two threads may load one chunk, which is harmless.
        byte[] block = blocks.get(chunkCid[j]);
        if (block.length != chunkStored[j])
            throw new IOException("chunk " + chunkCid[j] + " is " + block.length + " bytes but the manifest says " + chunkStored[j] + ": the image is malformed");
        byte[] c = ChunkCodec.decompress(block, chunkLength[j]);
        synchronized (cache) {
            cache.put(j, c);
        }
        return c;
    }

    /** Every chunk of the packed stream, in stream order. */
    public List<Chunk> chunks() {
        List<Chunk> l = chunkList;
        if (l == null) {
            List<Chunk> b = new ArrayList<>(chunkCid.length);
            for (int j = 0; j < chunkCid.length; j++) b.add(chunkAt(j));
            chunkList = l = Collections.unmodifiableList(b);
        }
        return l;
    }

    private Chunk chunkAt(int j) { return new Chunk(chunkCid[j], chunkOffset[j], chunkLength[j], chunkStored[j]); }

    /** The chunks holding bytes [offset, offset+len) of regular file {@code index}. */
    public List<Chunk> chunksFor(int index, long offset, long len) {
        int ino = inode(index);
        Manifest.Node e = nodes[ino];
        if (e.type() != FileType.REGULAR || offset >= e.size() || len <= 0 || offset < 0) return List.of();
        long from = streamOffset[ino] + offset;
        long to = streamOffset[ino] + Math.min(e.size(), offset + len);
        List<Chunk> out = new ArrayList<>();
        for (int j = chunkAt(from); j < chunkCid.length && chunkOffset[j] < to; j++) out.add(chunkAt(j));
        return out;
    }

    /** The manifest's blocks (root first). */
    public List<Cid> manifestBlocks() { return manifestBlocks; }

    /** Total bytes of the manifest blocks. */
    public long manifestBytes() { return manifestBytes; }

    /** Total original bytes of file content (the packed stream's length). */
    public long contentBytes() { return contentBytes; }

    /** Bytes of all distinct blocks of the image as stored: chunk blocks plus manifest. */
    public long storedBytes() {
        Set<Cid> seen = new HashSet<>();
        long sum = manifestBytes;
        for (int j = 0; j < chunkCid.length; j++) if (seen.add(chunkCid[j])) sum += chunkStored[j];
        return sum;
    }
}
