package io.spore.fuse;

import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.p2p.blockstore.BlockSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.spore.fuse.Fuse2.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A read-only FUSE file system over an image: metadata from the manifest in memory, content read
 * through a {@link BlockSource} (the local store or the urgent fetcher). Paths and names are bytes
 * end to end. Inode numbers are entry indices + 1, shared by hard links (mounted with use_ino).
 * Every callback catches everything: an exception escaping an upcall would end the JVM.
 */
final class LazyFs {
    private static final Logger LOG = Logger.getLogger(LazyFs.class.getName());
    private static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFDIR = 0040000, S_IFBLK = 0060000,
            S_IFREG = 0100000, S_IFLNK = 0120000, S_IFSOCK = 0140000;
    private static final int O_ACCMODE = 3;
    private static final long STATVFS_SIZE = 112;
    private static final Fuse2.StatLayout ST = Fuse2.StatLayout.CURRENT;

    private final Tree tree;
    private final BlockSource blocks;
    private final int[] nlink;
    private final CountDownLatch initialised = new CountDownLatch(1);
    final LongAdder reads = new LongAdder(), bytesRead = new LongAdder(), readErrors = new LongAdder();
    /**
     * Sequential reads: the next chunks are fetched and decompressed on other threads while FUSE
     * copies this one. Virtual threads, because a chunk not yet here waits a round trip for the
     * network: a pool of two platform threads kept two chunks in flight, so a file read at 100 ms
     * RTT went two chunks per round trip. Decompression still runs on at most as many carriers as
     * there are CPUs; {@link #AHEAD_IN_FLIGHT} bounds the rest (more are dropped: the read that needs
     * the chunk fetches it itself).
     */
    static final long READ_AHEAD = 512 * 1024;
    static final int AHEAD_IN_FLIGHT = 32;
    private final java.util.concurrent.Semaphore aheadSlots = new java.util.concurrent.Semaphore(AHEAD_IN_FLIGHT);
    private final java.util.concurrent.ExecutorService ahead = java.util.concurrent.Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("spore-readahead-", 0).factory());
    private final java.util.concurrent.ConcurrentHashMap<Integer, long[]> sequential = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Per FUSE thread: read buffer and native room for readdir's name and stat. */
    private static final class Scratch {
        byte[] buf = new byte[256 * 1024];
        final MemorySegment name = Arena.ofAuto().allocate(4096);
        final MemorySegment stat = Arena.ofAuto().allocate(256);
    }

    LazyFs(Tree tree, BlockSource blocks) {
        if (ST == null) throw new IllegalStateException("FUSE mounts support x86_64 and aarch64 Linux only");
        this.tree = tree;
        this.blocks = blocks;
        this.nlink = linkCounts(tree);
    }

    /** Hard links count per inode; a directory has 2 plus one per subdirectory. */
    private static int[] linkCounts(Tree tree) {
        int[] n = new int[tree.size()];
        for (int i = 0; i < n.length; i++) {
            Entry e = tree.entry(i);
            if (e.type() == FileType.DIRECTORY) {
                n[i] += 2;
                for (int c : tree.children(i)) if (tree.entry(c).type() == FileType.DIRECTORY) n[i]++;
            } else {
                n[tree.inode(i)]++;
            }
        }
        return n;
    }

    boolean awaitInit(long millis) throws InterruptedException {
        return initialised.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Builds struct fuse_operations pointing at this instance; stubs live as long as {@code arena}. */
    MemorySegment operations(Arena arena) {
        MemorySegment ops = arena.allocate(Fuse2.OPS_SIZE, 8);
        var pathStat = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        var pathFi = pathStat;
        slot(ops, arena, GETATTR, "getattr", pathStat);
        slot(ops, arena, FGETATTR, "fgetattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        slot(ops, arena, READLINK, "readlink", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        slot(ops, arena, OPEN, "open", pathFi);
        slot(ops, arena, READ, "read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        slot(ops, arena, RELEASE, "release", pathFi);
        slot(ops, arena, STATFS, "statfs", pathStat);
        slot(ops, arena, GETXATTR, "getxattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        slot(ops, arena, LISTXATTR, "listxattr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        slot(ops, arena, OPENDIR, "opendir", pathFi);
        slot(ops, arena, READDIR, "readdir",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        slot(ops, arena, RELEASEDIR, "release", pathFi);
        slot(ops, arena, INIT, "init", FunctionDescriptor.of(ADDRESS, ADDRESS));
        // nullpath_ok | nopath: read, readdir, release and fgetattr use the file handle, so libfuse
        // need not rebuild the path for every 128 KiB read.
        ops.set(JAVA_INT, Fuse2.FLAGS_OFFSET, 0b11);
        return ops;
    }

    private void slot(MemorySegment ops, Arena arena, int slot, String method, FunctionDescriptor fd) {
        try {
            var type = fd.toMethodType();
            var handle = MethodHandles.lookup().findVirtual(LazyFs.class, method, type).bindTo(this);
            ops.setAtIndex(ADDRESS, slot, Linker.nativeLinker().upcallStub(handle, fd, arena));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- callbacks ---------------------------------------------------------------------------

    private int resolve(MemorySegment path) {
        byte[] p = Fuse2.cString(path);
        if (p.length <= 1) return 0;
        return tree.find(java.util.Arrays.copyOfRange(p, 1, p.length));
    }

    int getattr(MemorySegment path, MemorySegment stat) {
        try {
            int i = resolve(path);
            if (i < 0) return -ENOENT;
            fillStat(i, stat.reinterpret(ST.size()));
            return 0;
        } catch (Throwable t) {
            return fail("getattr", t);
        }
    }

    int fgetattr(MemorySegment path, MemorySegment stat, MemorySegment fi) {
        try {
            fillStat(handle(fi), stat.reinterpret(ST.size()));
            return 0;
        } catch (Throwable t) {
            return fail("fgetattr", t);
        }
    }

    private void fillStat(int i, MemorySegment st) {
        Entry e = tree.entry(i);
        int ino = tree.inode(i);
        st.fill((byte) 0);
        st.set(JAVA_LONG, ST.ino(), ino + 1L);
        if (ST.nlink32()) st.set(JAVA_INT, ST.nlink(), nlink[ino]); else st.set(JAVA_LONG, ST.nlink(), nlink[ino]);
        st.set(JAVA_INT, ST.mode(), typeBits(e.type()) | (e.mode() & 07777));
        st.set(JAVA_INT, ST.uid(), e.uid());
        st.set(JAVA_INT, ST.gid(), e.gid());
        st.set(JAVA_LONG, ST.rdev(), e.rdev());
        st.set(JAVA_LONG, ST.stSize(), e.size());
        if (ST.blksize32()) st.set(JAVA_INT, ST.blksize(), 4096); else st.set(JAVA_LONG, ST.blksize(), 4096);
        st.set(JAVA_LONG, ST.blocks(), (e.size() + 511) / 512);
        long sec = Math.floorDiv(e.mtimeNanos(), 1_000_000_000L), nsec = Math.floorMod(e.mtimeNanos(), 1_000_000_000L);
        for (long off : new long[] {ST.atim(), ST.mtim(), ST.ctim()}) {
            st.set(JAVA_LONG, off, sec);
            st.set(JAVA_LONG, off + 8, nsec);
        }
    }

    static int typeBits(FileType t) {
        return switch (t) {
            case REGULAR -> S_IFREG;
            case DIRECTORY -> S_IFDIR;
            case SYMLINK -> S_IFLNK;
            case CHAR_DEVICE -> S_IFCHR;
            case BLOCK_DEVICE -> S_IFBLK;
            case FIFO -> S_IFIFO;
            case SOCKET -> S_IFSOCK;
        };
    }

    int readlink(MemorySegment path, MemorySegment buf, long size) {
        try {
            int i = resolve(path);
            if (i < 0) return -ENOENT;
            Entry e = tree.entry(i);
            if (e.type() != FileType.SYMLINK) return -EINVAL;
            if (size <= 0) return -EINVAL;
            byte[] t = e.linkTarget();
            int n = (int) Math.min(t.length, size - 1);
            MemorySegment b = buf.reinterpret(size);
            MemorySegment.copy(t, 0, b, JAVA_BYTE, 0, n);
            b.set(JAVA_BYTE, n, (byte) 0);
            return 0;
        } catch (Throwable t) {
            return fail("readlink", t);
        }
    }

    int open(MemorySegment path, MemorySegment fi) {
        try {
            int i = resolve(path);
            if (i < 0) return -ENOENT;
            MemorySegment f = fi.reinterpret(40);
            if ((f.get(JAVA_INT, FI_FLAGS) & O_ACCMODE) != 0) return -EROFS;
            if (tree.entry(i).type() != FileType.REGULAR) return -EINVAL;
            f.set(JAVA_LONG, FI_FH, tree.inode(i));
            // Content never changes: keep the page cache across opens.
            f.set(JAVA_INT, FI_BITS, f.get(JAVA_INT, FI_BITS) | FI_KEEP_CACHE_BIT);
            return 0;
        } catch (Throwable t) {
            return fail("open", t);
        }
    }

    int opendir(MemorySegment path, MemorySegment fi) {
        try {
            int i = resolve(path);
            if (i < 0) return -ENOENT;
            if (tree.entry(i).type() != FileType.DIRECTORY) return -EINVAL;
            fi.reinterpret(40).set(JAVA_LONG, FI_FH, i);
            return 0;
        } catch (Throwable t) {
            return fail("opendir", t);
        }
    }

    int release(MemorySegment path, MemorySegment fi) {
        return 0;
    }

    private static int handle(MemorySegment fi) {
        return (int) fi.reinterpret(40).get(JAVA_LONG, FI_FH);
    }

    int read(MemorySegment path, MemorySegment buf, long size, long offset, MemorySegment fi) {
        reads.increment();
        try {
            int i = handle(fi);
            long fileSize = tree.entry(i).size();
            if (offset >= fileSize || size <= 0) return 0;
            int want = (int) Math.min(size, fileSize - offset);
            Scratch s = scratch.get();
            if (s.buf.length < want) s.buf = new byte[want];
            int got = 0;
            while (got < want) {
                int n = tree.read(i, offset + got, s.buf, got, want - got, blocks);
                if (n <= 0) break;
                got += n;
            }
            MemorySegment.copy(s.buf, 0, buf.reinterpret(size), JAVA_BYTE, 0, got);
            bytesRead.add(got);
            readAhead(i, offset, offset + got, fileSize);
            return got;
        } catch (IOException e) {
            readErrors.increment();
            LOG.log(Level.FINE, "read failed", e);
            return -EIO;
        } catch (Throwable t) {
            readErrors.increment();
            return fail("read", t);
        }
    }

    /** Per inode {end of the last read, end of what was sent ahead}; reads that continue it go ahead. */
    private void readAhead(int i, long start, long end, long fileSize) {
        long[] st = sequential.computeIfAbsent(i, k -> new long[2]);
        long from, to;
        synchronized (st) {
            boolean continues = start == 0 || start == st[0];
            st[0] = end;
            if (!continues || end >= fileSize || st[1] > end + READ_AHEAD / 2) return;
            from = Math.max(end, st[1]);
            to = Math.min(fileSize, end + READ_AHEAD);
            st[1] = to;
        }
        if (from >= to) return;
        long base = tree.entry(i).streamOffset();
        for (var c : tree.chunksFor(i, from, to - from)) {
            long at = Math.max(from, c.streamOffset() - base);
            if (!aheadSlots.tryAcquire()) return;
            try {
                ahead.execute(() -> {
                    try {
                        tree.read(i, at, new byte[1], 0, 1, blocks);
                    } catch (IOException | RuntimeException e) {
                        // the read that needs it reports the error
                    } finally {
                        aheadSlots.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                aheadSlots.release();
                return;
            }
        }
    }

    void close() {
        ahead.shutdownNow();
    }

    int readdir(MemorySegment path, MemorySegment buf, MemorySegment filler, long offset, MemorySegment fi) {
        try {
            int dir = handle(fi);
            int[] kids = tree.children(dir);
            Scratch s = scratch.get();
            MemorySegment st = s.stat;
            // Offsets: 0 = start, 1 = after ".", 2 = after "..", 3 + k = after child k.
            for (long pos = offset; pos < kids.length + 2L; pos++) {
                int index;
                byte[] name;
                if (pos == 0) { index = dir; name = DOT; }
                else if (pos == 1) { index = dir; name = DOTDOT; }
                else { index = kids[(int) (pos - 2)]; name = tree.entry(index).name(); }
                MemorySegment.copy(name, 0, s.name, JAVA_BYTE, 0, name.length);
                s.name.set(JAVA_BYTE, name.length, (byte) 0);
                st.fill((byte) 0);
                st.set(JAVA_LONG, ST.ino(), tree.inode(index) + 1L);
                st.set(JAVA_INT, ST.mode(), typeBits(tree.entry(index).type()));
                int full = (int) Fuse2.FILL_DIR.invokeExact(filler, buf, s.name, st, pos + 1);
                if (full != 0) break;
            }
            return 0;
        } catch (Throwable t) {
            return fail("readdir", t);
        }
    }

    private static final byte[] DOT = {'.'}, DOTDOT = {'.', '.'};

    int statfs(MemorySegment path, MemorySegment out) {
        try {
            MemorySegment v = out.reinterpret(STATVFS_SIZE);
            v.fill((byte) 0);
            v.set(JAVA_LONG, 0, 4096);                                   // f_bsize
            v.set(JAVA_LONG, 8, 4096);                                   // f_frsize
            v.set(JAVA_LONG, 16, (tree.contentBytes() + 4095) / 4096);   // f_blocks
            v.set(JAVA_LONG, 40, tree.size());                           // f_files
            v.set(JAVA_LONG, 72, 1);                                     // f_flag: ST_RDONLY
            v.set(JAVA_LONG, 80, 255);                                   // f_namemax
            return 0;
        } catch (Throwable t) {
            return fail("statfs", t);
        }
    }

    int getxattr(MemorySegment path, MemorySegment name, MemorySegment value, long size) {
        try {
            int i = resolve(path);
            if (i < 0) return -ENOENT;
            byte[] v = xattrs(i).get(new String(Fuse2.cString(name), StandardCharsets.UTF_8));
            if (v == null) return -ENODATA;
            if (size == 0) return v.length;
            if (size < v.length) return -ERANGE;
            MemorySegment.copy(v, 0, value.reinterpret(size), JAVA_BYTE, 0, v.length);
            return v.length;
        } catch (Throwable t) {
            return fail("getxattr", t);
        }
    }

    int listxattr(MemorySegment path, MemorySegment list, long size) {
        try {
            int i = resolve(path);
            if (i < 0) return -ENOENT;
            var out = new java.io.ByteArrayOutputStream();
            for (String k : xattrs(i).keySet()) {
                out.writeBytes(k.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            byte[] all = out.toByteArray();
            if (size == 0) return all.length;
            if (size < all.length) return -ERANGE;
            MemorySegment.copy(all, 0, list.reinterpret(size), JAVA_BYTE, 0, all.length);
            return all.length;
        } catch (Throwable t) {
            return fail("listxattr", t);
        }
    }

    private Map<String, byte[]> xattrs(int i) {
        Map<String, byte[]> x = tree.entry(tree.inode(i)).xattrs();
        return x == null ? Map.of() : x;
    }

    MemorySegment init(MemorySegment conn) {
        initialised.countDown();
        return MemorySegment.NULL;
    }

    private static int fail(String op, Throwable t) {
        LOG.log(Level.WARNING, "FUSE " + op + " failed", t);
        return -EIO;
    }
}
