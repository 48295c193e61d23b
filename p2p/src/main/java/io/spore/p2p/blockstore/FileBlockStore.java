package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * One file per block under {@code <dir>/blocks/<xx>/<cid>} (image/FORMAT.md section 5). A block is
 * written to an unnamed O_TMPFILE file in its fan-out directory and linked into place, so it is
 * visible only when complete and a killed process leaves nothing behind (where the file system has
 * no O_TMPFILE, or a damaged copy must be replaced: {@code blocks/.tmp/<pid>-<n>.tmp} renamed into
 * place). Blocks are not fsynced one by one; {@link #sync()} makes all of them durable with one
 * syncfs(2). Every {@link #get} re-hashes the block. Thread-safe.
 */
public final class FileBlockStore implements BlockStore {
    private static final String TMP = ".tmp";
    private static final long PID = ProcessHandle.current().pid();

    private final Path dir;
    private final Path blocks;
    private final Path tmp;
    private final AtomicLong tmpCounter = new AtomicLong();
    private final AtomicReferenceArray<Boolean> fanOutMade = new AtomicReferenceArray<>(256);
    private final AtomicBoolean dirty = new AtomicBoolean();
    private volatile boolean noTmpfile, topMarked;

    private FileBlockStore(Path dir) {
        this.dir = dir;
        this.blocks = dir.resolve("blocks");
        this.tmp = blocks.resolve(TMP);
    }

    /**
     * Opens (creating if needed) the block store of data directory {@code dir}, and deletes temp
     * files that processes which no longer run left behind.
     */
    public static FileBlockStore open(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new IOException(dir + " is not a directory: give a directory for --data-dir");
        FileBlockStore s = new FileBlockStore(dir);
        try {
            Files.createDirectories(s.tmp);
        } catch (IOException e) {
            throw new IOException("cannot create the block store in " + dir + " (" + e.getMessage() + "): check permissions or use --data-dir", e);
        }
        s.removeStaleTemps();
        return s;
    }

    public Path directory() { return dir; }

    private void removeStaleTemps() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                int dash = n.indexOf('-');
                long pid = -1;
                try {
                    if (dash > 0) pid = Long.parseLong(n.substring(0, dash));
                } catch (NumberFormatException ignored) {
                    // not ours: a name we never write is stale whatever it is
                }
                if (pid == PID || pid < 0 || ProcessHandle.of(pid).isEmpty()) Files.deleteIfExists(p);
            }
        }
    }

    Path path(Cid cid) {
        byte[] d = cid.multihash().digest();
        String fan = d.length == 0 ? "00" : HexFormat.of().toHexDigits(d[0]);
        return blocks.resolve(fan).resolve(cid.toString());
    }

    @Override public boolean has(Cid cid) { return Files.isRegularFile(path(cid)); }

    @Override public byte[] get(Cid cid) throws IOException {
        Path p = path(cid);
        byte[] data;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_BLOCK_SIZE) return corrupt(cid, p);
            data = new byte[(int) size];
            ByteBuffer bb = ByteBuffer.wrap(data);
            while (bb.hasRemaining()) if (ch.read(bb) < 0) break;
            if (bb.hasRemaining()) return corrupt(cid, p);
        } catch (NoSuchFileException e) {
            throw new MissingBlockException(cid);
        }
        if (!cid.matches(data)) return corrupt(cid, p);
        return data;
    }

    private byte[] corrupt(Cid cid, Path p) throws IOException {
        Files.deleteIfExists(p);
        throw new CorruptBlockException(cid, "the block store " + dir + " (the bad copy was removed; fetch or share it again)");
    }

    @Override public void put(Cid cid, byte[] data) throws IOException { add(cid, data); }

    @Override public boolean add(Cid cid, byte[] data) throws IOException {
        checkSize(cid, data);
        if (!cid.matches(data)) throw new CorruptBlockException(cid, "the caller storing it");
        return store(cid, data);
    }

    /** The fetcher's put: the bytes were hashed on receipt, so only the size is checked again. */
    @Override public void putVerified(Cid cid, byte[] data) throws IOException {
        checkSize(cid, data);
        store(cid, data);
    }

    /** Hashes {@code data} once (the default hashes it again to check the CID it just computed). */
    @Override public Added add(int codec, byte[] data) throws IOException {
        Cid cid = Cid.of(codec, data);
        checkSize(cid, data);
        return new Added(cid, store(cid, data));
    }

    @Override public Cid put(int codec, byte[] data) throws IOException { return add(codec, data).cid(); }

    private static void checkSize(Cid cid, byte[] data) throws IOException {
        if (data.length > MAX_BLOCK_SIZE)
            throw new IOException("block " + cid + " is " + data.length + " bytes, more than the " + MAX_BLOCK_SIZE + " a block may hold");
    }

    private static final int ABSENT = 0, SAME = 1, DIFFERENT = 2;

    /** Stores {@code data}, known to hash to {@code cid}; true when the store did not hold it. */
    private boolean store(Cid cid, byte[] data) throws IOException {
        Path p = path(cid);
        // Files.exists answers without an exception; opening a missing file costs one per new block
        int had = Files.exists(p) ? compare(p, data) : ABSENT;
        if (had == SAME) return false;
        if (had == ABSENT && !noTmpfile) {
            try {
                ensureFanOut(p.getParent());
                dirty.set(true);
                if (BlockFiles.writeNew(p.getParent(), p, data)) return true;
                // linked meanwhile by another thread or process: fine if it holds the same bytes
                had = compare(p, data);
                if (had == SAME) return false;
            } catch (BlockFiles.Failure f) {
                if (f.errno == BlockFiles.ENOSPC || f.errno == BlockFiles.EDQUOT) throw describe(f);
                noTmpfile = true;   // no O_TMPFILE here (or no /proc): temp file and rename from now on
            } catch (IOException e) {
                throw describe(e);
            }
        }
        write(p, data);
        return had == ABSENT;
    }

    /** Whether {@code p} holds exactly {@code data}: a file left truncated by a crash is rewritten. */
    private static int compare(Path p, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            if (ch.size() != data.length) return DIFFERENT;
            byte[] old = new byte[data.length];
            ByteBuffer bb = ByteBuffer.wrap(old);
            while (bb.hasRemaining()) if (ch.read(bb) < 0) return DIFFERENT;
            return Arrays.equals(old, data) ? SAME : DIFFERENT;
        } catch (NoSuchFileException e) {
            return ABSENT;
        }
    }

    private void write(Path target, byte[] data) throws IOException {
        Path t = tmp.resolve(PID + "-" + tmpCounter.incrementAndGet() + ".tmp");
        try {
            ensureFanOut(target.getParent());
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bb = ByteBuffer.wrap(data);
                while (bb.hasRemaining()) ch.write(bb);
            }
            dirty.set(true);
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(t);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw describe(e);
        }
    }

    private void ensureFanOut(Path fan) throws IOException {
        int i = Integer.parseInt(fan.getFileName().toString(), 16);
        if (fanOutMade.get(i) != null) return;
        if (!topMarked) {
            // before this process makes a fan-out directory: the flag places directories made after it
            BlockFiles.markTopDirectory(blocks);
            topMarked = true;
        }
        try {
            Files.createDirectory(fan);
        } catch (FileAlreadyExistsException ignored) {
            // made earlier or by another process
        }
        fanOutMade.set(i, Boolean.TRUE);
    }

    private IOException describe(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
            String fs;
            try {
                fs = Files.getFileStore(dir).toString();
            } catch (IOException x) {
                fs = "the file system of " + dir;
            }
            return new IOException("no space left on " + fs + " for the block store " + dir
                    + ": free space or use --data-dir on a larger disk", e);
        }
        return e;
    }

    @Override public void sync() throws IOException {
        if (!dirty.getAndSet(false)) return;
        try {
            BlockFiles.syncfs(blocks);
        } catch (IOException e) {
            dirty.set(true);
            throw e;
        }
    }

    @Override public long size(Cid cid) throws IOException {
        try {
            return Files.size(path(cid));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override public void delete(Cid cid) throws IOException { Files.deleteIfExists(path(cid)); }

    /** When the block was stored (its file's mtime), or null when absent: cache eviction goes oldest first. */
    public java.time.Instant storedAt(Cid cid) throws IOException {
        try {
            return Files.getLastModifiedTime(path(cid)).toInstant();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override public void forEach(Consumer<Cid> each) throws IOException {
        try (DirectoryStream<Path> fans = Files.newDirectoryStream(blocks, p -> !p.getFileName().toString().equals(TMP))) {
            for (Path fan : fans) {
                if (!Files.isDirectory(fan)) continue;
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(fan)) {
                    for (Path p : ds) {
                        Cid c;
                        try {
                            c = Cid.parse(p.getFileName().toString());
                        } catch (IllegalArgumentException notABlock) {
                            continue;
                        }
                        each.accept(c);
                    }
                }
            }
        }
    }

    @Override public void close() throws IOException { sync(); }

    @Override public String toString() { return "block store " + dir; }
}
