package io.spore.p2p.blockstore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What java.nio cannot do for the block store, through FFM: an unnamed file made with O_TMPFILE in
 * the block's own fan-out directory and linked into place with linkat(2) once written, and the
 * ext4 "top directory" flag on {@code blocks/}; and syncfs(2).
 *
 * <p>Why (FORMAT.md section 8): with a temp file in {@code .tmp/} every block's inode is allocated
 * in that one directory's block group. On ext4 without a journal the allocator skips inodes freed
 * in the last 30 s one by one, so after a delete of an earlier store (or any busy /tmp) each new
 * inode scanned past thousands of them: 1.2-1.5 s of kernel time for 1,500 blocks. With the flag,
 * ext4 spreads the fan-out directories over the block groups (its Orlov allocator, as for
 * top-level directories), and a block's inode is allocated in its fan-out directory's group.
 */
final class BlockFiles {
    static final int EEXIST = 17, ENOSPC = 28, EDQUOT = 122;
    private static final int O_WRONLY = 1, O_RDONLY = 0, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000;
    private static final int O_TMPFILE = 020000000 | O_DIRECTORY;
    private static final int AT_FDCWD = -100, AT_SYMLINK_FOLLOW = 0x400;
    private static final long FS_IOC_GETFLAGS = 0x80086601L, FS_IOC_SETFLAGS = 0x40086602L;
    private static final int FS_TOPDIR_FL = 0x00020000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    // Linked on first use, each in its own holder: linking costs start-up time, and commands that
    // only read blocks never need these. Shapes match image's Posix (openat, read/write, close), so
    // the JDK links each shape once for both.
    private static final class OPEN { static final MethodHandle H = handle("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(3)); }
    private static final class SYNCFS { static final MethodHandle H = handle("syncfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT)); }
    private static final class WRITE { static final MethodHandle H = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)); }
    private static final class LINKAT { static final MethodHandle H = handle("linkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class CLOSE { static final MethodHandle H = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)); }
    private static final class IOCTL { static final MethodHandle H = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2)); }
    private static final class STRERROR { static final MethodHandle H = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT)); }

    private BlockFiles() {}

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] opts = new Linker.Option[more.length + 1];
        opts[0] = CAPTURE;
        System.arraycopy(more, 0, opts, 1, more.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc lacks " + name + ": Spore needs Linux")), fd, opts);
    }

    /** A failed call; {@link #errno} tells EEXIST and ENOSPC apart. The message holds strerror's text. */
    static final class Failure extends IOException {
        final int errno;

        Failure(String what, int errno) {
            super(what + ": " + strerror(errno));
            this.errno = errno;
        }
    }

    /** One thread's native memory: errno capture, a path buffer and the bounce buffer for writes. */
    private static final class Scratch {
        final MemorySegment state = Arena.ofAuto().allocate(STATE);
        MemorySegment buf = Arena.ofAuto().allocate(64 * 1024, 8);

        MemorySegment buf(long min) {
            if (buf.byteSize() < min) buf = Arena.ofAuto().allocate(Math.max(min, 2 * buf.byteSize()), 8);
            return buf;
        }

        int errno() { return (int) ERRNO.get(state, 0L); }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static MemorySegment cstr(MemorySegment into, long off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, into, ValueLayout.JAVA_BYTE, off, b.length);
        into.set(ValueLayout.JAVA_BYTE, off + b.length, (byte) 0);
        return into.asSlice(off, b.length + 1);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /**
     * Writes {@code data} into a new unnamed file in {@code dir} and links it as {@code target}.
     * Returns false, leaving nothing behind, when {@code target} already exists. Throws
     * {@link Failure} with errno EOPNOTSUPP, EISDIR or similar where the file system has no
     * O_TMPFILE: the caller then writes the block another way.
     */
    static boolean writeNew(Path dir, Path target, byte[] data) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            MemorySegment buf = s.buf(data.length + 8192L);
            int fd = (int) OPEN.H.invokeExact(s.state, AT_FDCWD, cstr(buf, 0, dir.toString()), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
            if (fd < 0) throw new Failure("cannot create a file in " + dir, s.errno());
            try {
                MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
                long done = 0;
                while (done < data.length) {
                    long n = (long) WRITE.H.invokeExact(s.state, fd, buf.asSlice(done), (long) data.length - done);
                    if (n < 0) {
                        if (s.errno() == 4 /* EINTR */) continue;
                        throw new Failure("cannot write " + target, s.errno());
                    }
                    done += n;
                }
                // the path of the open file, written after the data it no longer needs
                MemorySegment from = cstr(buf, 0, "/proc/self/fd/" + fd);
                MemorySegment to = cstr(buf, 64, target.toString());
                int r = (int) LINKAT.H.invokeExact(s.state, AT_FDCWD, from, AT_FDCWD, to, AT_SYMLINK_FOLLOW);
                if (r == 0) return true;
                if (s.errno() == EEXIST) return false;
                throw new Failure("cannot link " + target, s.errno());
            } finally {
                int ignored = (int) CLOSE.H.invokeExact(s.state, fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets ext4's top-directory flag on {@code dir} if the file system has it; a no-op elsewhere. */
    static void markTopDirectory(Path dir) {
        Scratch s = SCRATCH.get();
        try {
            int fd = (int) OPEN.H.invokeExact(s.state, AT_FDCWD, cstr(s.buf, 0, dir.toString()), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            if (fd < 0) return;
            try {
                MemorySegment flags = s.buf.asSlice(4096, 8);
                flags.fill((byte) 0);
                if ((int) IOCTL.H.invokeExact(s.state, fd, FS_IOC_GETFLAGS, flags) != 0) return;
                int f = flags.get(JAVA_INT, 0);
                if ((f & FS_TOPDIR_FL) != 0) return;
                flags.set(JAVA_INT, 0, f | FS_TOPDIR_FL);
                int ignored = (int) IOCTL.H.invokeExact(s.state, fd, FS_IOC_SETFLAGS, flags);
            } finally {
                int ignored = (int) CLOSE.H.invokeExact(s.state, fd);
            }
        } catch (Throwable t) {
            // an optimisation only: a file system without the flag works the same, a bit slower
        }
    }

    /** syncfs(2) of the file system holding {@code dir}: java.nio can only fsync single files. */
    static void syncfs(Path dir) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            int fd = (int) OPEN.H.invokeExact(s.state, AT_FDCWD, cstr(s.buf, 0, dir.toString()), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            if (fd < 0) throw new IOException("cannot open " + dir + " to sync it: " + strerror(s.errno()));
            try {
                if ((int) SYNCFS.H.invokeExact(s.state, fd) != 0)
                    throw new IOException("syncfs of " + dir + " failed (" + strerror(s.errno()) + "): the disk may be failing or full");
            } finally {
                int ignored = (int) CLOSE.H.invokeExact(s.state, fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("syncfs of " + dir + " failed: " + t, t);
        }
    }

    private static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.H.invokeExact(errno);
            return p.reinterpret(1024).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
