package io.spore.image;

import io.spore.image.cbor.CborWriter;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds an image into a block store (FORMAT.md). Entries arrive in image order: depth first, the
 * children of a directory sorted by name bytes, a directory before its children, starting with the
 * root (empty path). Regular files that are not hard links come with their content, which is
 * appended to the packed stream, cut by FastCDC, compressed and stored as blocks on
 * {@code threads} threads. The result does not depend on the thread count.
 *
 * <p>The calling thread reads content and cuts chunks; workers compress, hash and store them. At
 * most {@code 4 * threads} chunks are in flight, so memory stays bounded (about 2 MiB per thread).
 * After any exception from {@link #add} or {@link #finish} the writer is unusable: close it.
 *
 * <p>CONTRACT (filled in by the image-format work): signatures here are what other modules code
 * against; change them only together with their callers.
 */
public final class ImageWriter implements AutoCloseable {
    private static final int BUFFER = 4 * FastCdc.MAX;

    private final BlockStore store;
    private final ExecutorService workers;
    private final int maxInFlight;
    private final ArrayDeque<Future<Stored>> inFlight = new ArrayDeque<>();
    // chunk copies handed to workers come back here once stored: no garbage per chunk
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();

    // packed stream: bytes [start, end) of buf are read but not yet cut into chunks
    private final byte[] buf = new byte[BUFFER];
    private int start, end;
    private long contentBytes;

    private final Manifest.PageBuilder entryPage = new Manifest.PageBuilder();
    private final Manifest.PageBuilder chunkPage = new Manifest.PageBuilder();
    private final List<Cid> entryPages = new ArrayList<>();
    private final List<Cid> chunkPages = new ArrayList<>();
    private final CborWriter item = new CborWriter();
    private final Set<Cid> imageBlocks = new HashSet<>();

    private final OrderCheck order = new OrderCheck();
    private final Map<PathKey, Target> linkable = new HashMap<>();
    private int entries;
    private long chunks, newBlocks, storedBytes;
    private Cid root;
    private boolean failed, closed;

    public ImageWriter(BlockStore store, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.store = store;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "image-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.maxInFlight = 4 * threads;
    }

    /**
     * Adds one entry. For a regular file that is not a hard link, {@code content} must yield exactly
     * {@code entry.size()} bytes; fewer or more means the file changed while it was read and fails
     * with {@link FileChangedException}. {@code content} is null for every other entry.
     */
    public void add(Entry entry, ReadableByteChannel content) throws IOException {
        checkOpen();
        boolean ok = false;
        try {
            addEntry(entry, content);
            ok = true;
        } finally {
            if (!ok) failed = true;
        }
    }

    private void addEntry(Entry e, ReadableByteChannel content) throws IOException {
        int depth = order.accept(e);
        item.reset();
        if (e.isHardLink()) {
            if (content != null) throw new IllegalArgumentException("hard link " + show(e.path()) + " must come without content");
            Target target = linkable.get(new PathKey(e.hardLinkTarget()));
            if (target == null)
                throw new IllegalArgumentException("hard link " + show(e.path()) + " names " + show(e.hardLinkTarget())
                        + ", which is not an earlier non-directory entry of the image");
            if (target.type() != e.type() || target.size() != e.size())
                throw new IllegalArgumentException("hard link " + show(e.path()) + " has another type or size than its target");
            Manifest.writeHardLink(item, e.name(), depth, target.index());
        } else {
            validate(e);
            Manifest.writeEntry(item, e, depth);
            if (e.type() != FileType.DIRECTORY) linkable.put(new PathKey(e.path()), new Target(entries, e.type(), e.size()));
        }
        if (!entryPage.fits(item.size())) flushEntryPage();
        entryPage.add(item);
        entries++;
        if (e.type() == FileType.REGULAR && !e.isHardLink()) {
            if (content == null) throw new IllegalArgumentException("regular file " + show(e.path()) + " needs its content");
            append(e, content);
        } else if (content != null && !e.isHardLink()) {
            throw new IllegalArgumentException(e.type() + " " + show(e.path()) + " must come without content");
        }
    }

    private record Target(int index, FileType type, long size) {}

    private static void validate(Entry e) {
        String p = show(e.path());
        if ((e.mode() & ~07777) != 0) throw new IllegalArgumentException(p + ": mode " + Integer.toOctalString(e.mode()) + " has bits beyond 07777");
        if (e.type() == FileType.SYMLINK) {
            if (e.linkTarget() == null || e.linkTarget().length == 0 || e.linkTarget().length > Manifest.MAX_TARGET)
                throw new IllegalArgumentException(p + ": a symlink needs a target of 1.." + Manifest.MAX_TARGET + " bytes");
        } else if (e.linkTarget() != null) {
            throw new IllegalArgumentException(p + ": only symlinks have a target");
        }
        if (e.type() == FileType.REGULAR && e.size() < 0) throw new IllegalArgumentException(p + ": negative size");
        if (e.rdev() != 0 && e.type() != FileType.CHAR_DEVICE && e.type() != FileType.BLOCK_DEVICE)
            throw new IllegalArgumentException(p + ": only devices have a device number");
        for (var x : e.xattrs().entrySet()) {
            int n = x.getKey().getBytes(StandardCharsets.UTF_8).length;
            if (n == 0 || n > Manifest.MAX_XATTR_NAME || x.getValue().length > Manifest.MAX_XATTR_VALUE)
                throw new IllegalArgumentException(p + ": xattr " + x.getKey() + " exceeds the limits of Linux (name 255, value 65536 bytes)");
        }
    }

    private void append(Entry e, ReadableByteChannel content) throws IOException {
        long want = e.size(), got = 0;
        while (got < want) {
            if (end == buf.length) compact();
            int room = (int) Math.min(buf.length - end, want - got);
            int n = content.read(ByteBuffer.wrap(buf, end, room));
            if (n < 0) break;
            end += n;
            got += n;
            while (end - start >= FastCdc.MAX) cutOne();
        }
        if (got == want) {
            // one byte more than stat said means the file grew while it was read
            ByteBuffer probe = ByteBuffer.allocate(1);
            int n;
            do n = content.read(probe); while (n == 0);
            if (n > 0) got++;
        }
        contentBytes += Math.min(got, want);
        if (got != want)
            throw new FileChangedException(show(e.path()) + " changed while it was read (size was " + want + " bytes, read "
                    + (got > want ? "more" : got + " bytes") + "): share again once nothing writes to it");
    }

    private void compact() {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
    }

    private void cutOne() throws IOException {
        int n = FastCdc.cut(buf, start, end - start);
        if (inFlight.size() >= maxInFlight) collect(inFlight.removeFirst());
        byte[] spareChunk = spare.poll();
        byte[] chunk = spareChunk != null ? spareChunk : new byte[FastCdc.MAX];
        System.arraycopy(buf, start, chunk, 0, n);
        start += n;
        inFlight.addLast(workers.submit(() -> {
            byte[] z = ChunkCodec.compress(chunk, 0, n);
            spare.offer(chunk);
            BlockStore.Added a = store.add(Cid.RAW, z);
            return new Stored(new Manifest.ChunkRec(a.cid(), n, z.length), a.isNew());
        }));
    }

    private record Stored(Manifest.ChunkRec rec, boolean isNew) {}

    private void collect(Future<Stored> f) throws IOException {
        Stored s;
        try {
            s = f.get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("image import interrupted");
        } catch (ExecutionException ee) {
            if (ee.getCause() instanceof IOException io) throw io;
            if (ee.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(ee.getCause());
        }
        chunks++;
        counted(s.rec().cid(), s.rec().stored(), s.isNew());
        item.reset();
        Manifest.writeChunk(item, s.rec());
        if (!chunkPage.fits(item.size())) chunkPages.add(putManifest(chunkPage.take()));
        chunkPage.add(item);
    }

    private void counted(Cid cid, int size, boolean isNew) {
        if (isNew) newBlocks++;
        if (imageBlocks.add(cid)) storedBytes += size;
    }

    private Cid putManifest(byte[] block) throws IOException {
        BlockStore.Added a = store.add(Cid.DAG_CBOR, block);
        counted(a.cid(), block.length, a.isNew());
        return a.cid();
    }

    private void flushEntryPage() throws IOException { entryPages.add(putManifest(entryPage.take())); }

    /** Writes the remaining chunks and the manifest; returns the image's root CID. */
    public Cid finish() throws IOException {
        checkOpen();
        boolean ok = false;
        try {
            if (entries == 0) throw new IllegalStateException("an image needs at least its root directory");
            while (end > start) cutOne();
            while (!inFlight.isEmpty()) collect(inFlight.removeFirst());
            if (!chunkPage.isEmpty()) chunkPages.add(putManifest(chunkPage.take()));
            flushEntryPage();
            store.sync();
            byte[] r = Manifest.rootBlock(new Manifest.Root(entryPages, chunkPages, entries, chunks, contentBytes, null));
            if (r.length > Manifest.BLOCK_LIMIT) throw new IOException("the image is too large: its root block exceeds 1 MiB");
            root = putManifest(r);
            store.sync();
            ok = true;
            return root;
        } finally {
            if (!ok) failed = true;
            workers.shutdown();
        }
    }

    /** Figures of the finished import. */
    public Stats stats() {
        if (root == null) throw new IllegalStateException("stats are known once finish() returned");
        return new Stats(entries, contentBytes, chunks, newBlocks, storedBytes);
    }

    /** Aborts an unfinished import; blocks already stored stay (they are valid and reusable). */
    @Override public void close() throws IOException {
        if (closed) return;
        closed = true;
        for (Future<Stored> f : inFlight) f.cancel(false);
        workers.shutdownNow();
        workers.close();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the image writer is closed");
        if (root != null) throw new IllegalStateException("the image is finished");
        if (failed) throw new IllegalStateException("the image writer failed earlier: close it and start again");
    }

    static String show(byte[] path) {
        return path.length == 0 ? "/" : "/" + new String(path, StandardCharsets.UTF_8);
    }

    private record PathKey(byte[] p) {
        @Override public boolean equals(Object o) { return o instanceof PathKey k && Arrays.equals(p, k.p); }
        @Override public int hashCode() { return Arrays.hashCode(p); }
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
