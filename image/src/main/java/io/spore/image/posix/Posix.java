package io.spore.image.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * libc through FFM, for what java.nio cannot do: names as bytes, *at calls relative to directory
 * descriptors (so paths longer than PATH_MAX work), lchown/utimensat without following symlinks,
 * device nodes, sockets, raw xattrs. Every failure is an {@link IOException} with the errno text
 * and the path, rendered safely by {@link Names#show}.
 *
 * <p>statx is used instead of stat because its layout is the same on every architecture.
 */
@SuppressWarnings("restricted")
public final class Posix {
    private Posix() {}

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
            O_TRUNC = 01000, O_NONBLOCK = 04000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000,
            O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 060000, S_IFDIR = 040000, S_IFCHR = 020000, S_IFIFO = 010000;
    public static final int EEXIST = 17, ENOENT = 2, ENODATA = 61, ERANGE = 34, ENOTSUP = 95, ENOSPC = 28,
            EACCES = 13, EPERM = 1, EINTR = 4;
    static final int STATX_BASIC_STATS = 0x7ff;
    public static final long UTIME_OMIT = (1L << 30) - 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERR = Linker.Option.captureCallState("errno");

    private static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... opts) {
        Linker.Option[] all = new Linker.Option[opts.length + 1];
        all[0] = ERR;
        System.arraycopy(opts, 0, all, 1, opts.length);
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), fd, all);
    }

    private static FunctionDescriptor i(ValueLayout... args) { return FunctionDescriptor.of(JAVA_INT, args); }

    private static FunctionDescriptor l(ValueLayout... args) { return FunctionDescriptor.of(JAVA_LONG, args); }

    private static final class OPENAT { static final MethodHandle H = fn("openat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3)); }
    private static final class CLOSE { static final MethodHandle H = fn("close", i(JAVA_INT)); }
    private static final class STATX { static final MethodHandle H = fn("statx", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)); }
    private static final class GETDENTS { static final MethodHandle H = fn("getdents64", l(JAVA_INT, ADDRESS, JAVA_LONG)); }
    private static final class READLINKAT { static final MethodHandle H = fn("readlinkat", l(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)); }
    private static final class LGETXATTR { static final MethodHandle H = fn("lgetxattr", l(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG)); }
    private static final class LLISTXATTR { static final MethodHandle H = fn("llistxattr", l(ADDRESS, ADDRESS, JAVA_LONG)); }
    private static final class LSETXATTR { static final MethodHandle H = fn("lsetxattr", i(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT)); }
    private static final class FGETXATTR { static final MethodHandle H = fn("fgetxattr", l(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)); }
    private static final class FLISTXATTR { static final MethodHandle H = fn("flistxattr", l(JAVA_INT, ADDRESS, JAVA_LONG)); }
    private static final class FSETXATTR { static final MethodHandle H = fn("fsetxattr", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT)); }
    private static final class MKNODAT { static final MethodHandle H = fn("mknodat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG)); }
    private static final class MKFIFOAT { static final MethodHandle H = fn("mkfifoat", i(JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class MKDIRAT { static final MethodHandle H = fn("mkdirat", i(JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class SYMLINKAT { static final MethodHandle H = fn("symlinkat", i(ADDRESS, JAVA_INT, ADDRESS)); }
    private static final class LINKAT { static final MethodHandle H = fn("linkat", i(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT)); }
    private static final class FCHOWNAT { static final MethodHandle H = fn("fchownat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT)); }
    private static final class FCHMODAT { static final MethodHandle H = fn("fchmodat", i(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }
    private static final class FCHMOD { static final MethodHandle H = fn("fchmod", i(JAVA_INT, JAVA_INT)); }
    private static final class FCHOWN { static final MethodHandle H = fn("fchown", i(JAVA_INT, JAVA_INT, JAVA_INT)); }
    private static final class UTIMENSAT { static final MethodHandle H = fn("utimensat", i(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)); }
    private static final class FUTIMENS { static final MethodHandle H = fn("futimens", i(JAVA_INT, ADDRESS)); }
    private static final class FTRUNCATE { static final MethodHandle H = fn("ftruncate", i(JAVA_INT, JAVA_LONG)); }
    private static final class STATFS { static final MethodHandle H = fn("statfs", i(ADDRESS, ADDRESS)); }
    private static final class SYNCFS { static final MethodHandle H = fn("syncfs", i(JAVA_INT)); }
    private static final class FSYNC { static final MethodHandle H = fn("fsync", i(JAVA_INT)); }
    // One holder class per function: a handle is linked on first use only, which keeps the CLI's
    // start-up short (linking all of them up front measured 0.7 s).
    // Not critical(true), although that would let the kernel copy straight into the Java array: a
    // critical call holds off garbage collection while it blocks, so reading a file that a FUSE
    // mount of this same JVM serves would wait for FUSE threads that wait for the collection.
    private static final class READ { static final MethodHandle H = fn("read", l(JAVA_INT, ADDRESS, JAVA_LONG)); }
    private static final class PWRITE { static final MethodHandle H = fn("pwrite", l(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG)); }
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** One thread's scratch memory: the errno capture and a buffer for names and results. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment errno = arena.allocate(CAPTURE);
        MemorySegment buf = arena.allocate(64 * 1024, 8);
        final MemorySegment statx = arena.allocate(256, 8);
        final MemorySegment times = arena.allocate(32, 8);

        MemorySegment buf(long min) {
            if (buf.byteSize() < min) buf = Arena.ofAuto().allocate(Math.max(min, buf.byteSize() * 2), 8);
            return buf;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static int errno(Scratch s) { return (int) ERRNO.get(s.errno, 0L); }

    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** An errno failure; {@link #errno} lets callers tell ENOSPC or EEXIST apart. */
    public static final class PosixException extends IOException {
        private final int errno;

        PosixException(String op, byte[] path, int errno) {
            super(Names.show(path) + ": " + op + ": " + strerror(errno));
            this.errno = errno;
        }

        public int errno() { return errno; }
    }

    private static IOException fail(Scratch s, String op, byte[] path) {
        return new PosixException(op, path, errno(s));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** NUL-terminated copy of {@code name} at the start of {@code into}. */
    private static MemorySegment cstr(MemorySegment into, long off, byte[] name) {
        MemorySegment.copy(name, 0, into, JAVA_BYTE, off, name.length);
        into.set(JAVA_BYTE, off + name.length, (byte) 0);
        return into.asSlice(off, name.length + 1);
    }

    private static MemorySegment cstr(SegmentAllocator a, byte[] name) {
        MemorySegment m = a.allocate(name.length + 1);
        return cstr(m, 0, name);
    }

    // ---- descriptors and directories ----

    /** openat(2); {@code shown} is the path named in errors. */
    public static int openat(int dirfd, byte[] name, int flags, int mode, byte[] shown) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            for (;;) {
                int fd = (int) OPENAT.H.invokeExact(s.errno, dirfd, cstr(s.buf(name.length + 1), 0, name), flags | O_CLOEXEC, mode);
                if (fd >= 0) return fd;
                if (errno(s) != EINTR) throw fail(s, "open", shown);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(byte[] path, int flags) throws IOException {
        return openat(AT_FDCWD, path, flags, 0, path);
    }

    public static void close(int fd) {
        if (fd < 0) return;
        try {
            int r = (int) CLOSE.H.invokeExact(SCRATCH.get().errno, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The names in directory {@code fd}, without "." and "..", in no order. */
    public static List<byte[]> list(int fd, byte[] shown) throws IOException {
        Scratch s = SCRATCH.get();
        List<byte[]> names = new ArrayList<>();
        MemorySegment buf = s.buf(64 * 1024);
        try {
            for (;;) {
                long n = (long) GETDENTS.H.invokeExact(s.errno, fd, buf, buf.byteSize());
                if (n < 0) {
                    if (errno(s) == EINTR) continue;
                    throw fail(s, "read directory", shown);
                }
                if (n == 0) return names;
                long off = 0;
                while (off < n) {
                    int reclen = Short.toUnsignedInt(buf.get(JAVA_SHORT, off + 16));
                    long nameOff = off + 19;
                    long end = nameOff;
                    while (buf.get(JAVA_BYTE, end) != 0) end++;
                    byte[] name = buf.asSlice(nameOff, end - nameOff).toArray(JAVA_BYTE);
                    if (!(name.length == 1 && name[0] == '.') && !(name.length == 2 && name[0] == '.' && name[1] == '.')) {
                        names.add(name);
                    }
                    off += reclen;
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- metadata ----

    /** What statx reports about one path (never following a final symlink). */
    public record Stat(long dev, long ino, int nlink, int mode, int uid, int gid, long rdev, long size,
                       long blocks, long mtimeNanos, long ctimeNanos) {
        public int type() { return mode & S_IFMT; }

        public int perm() { return mode & 07777; }

        public boolean isDir() { return type() == S_IFDIR; }

        public boolean isRegular() { return type() == S_IFREG; }
    }

    /** statx(dirfd, name, AT_SYMLINK_NOFOLLOW); an empty name with a descriptor stats the descriptor. */
    public static Stat stat(int dirfd, byte[] name, byte[] shown) throws IOException {
        Scratch s = SCRATCH.get();
        int flags = AT_SYMLINK_NOFOLLOW | (name.length == 0 ? AT_EMPTY_PATH : 0);
        try {
            int r = (int) STATX.H.invokeExact(s.errno, dirfd, cstr(s.buf(name.length + 1), 0, name), flags, STATX_BASIC_STATS, s.statx);
            if (r != 0) throw fail(s, "stat", shown);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        MemorySegment b = s.statx;
        return new Stat(
                makedev(b.get(JAVA_INT, 136), b.get(JAVA_INT, 140)),
                b.get(JAVA_LONG, 32),
                b.get(JAVA_INT, 16),
                Short.toUnsignedInt(b.get(JAVA_SHORT, 28)),
                b.get(JAVA_INT, 20),
                b.get(JAVA_INT, 24),
                makedev(b.get(JAVA_INT, 128), b.get(JAVA_INT, 132)),
                b.get(JAVA_LONG, 40),
                b.get(JAVA_LONG, 48),
                b.get(JAVA_LONG, 112) * 1_000_000_000L + Integer.toUnsignedLong(b.get(JAVA_INT, 120)),
                b.get(JAVA_LONG, 96) * 1_000_000_000L + Integer.toUnsignedLong(b.get(JAVA_INT, 104)));
    }

    /** glibc's makedev: the Linux dev_t encoding of (major, minor). */
    public static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major), mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    public static int major(long dev) { return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL)); }

    public static int minor(long dev) { return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL)); }

    public static byte[] readlinkat(int dirfd, byte[] name, long sizeHint, byte[] shown) throws IOException {
        Scratch s = SCRATCH.get();
        long cap = Math.max(sizeHint + 1, 256);
        try {
            for (;;) {
                MemorySegment buf = s.buf(cap + name.length + 1);
                MemorySegment n = cstr(buf, 0, name);
                MemorySegment out = buf.asSlice(name.length + 1, cap);
                long r = (long) READLINKAT.H.invokeExact(s.errno, dirfd, n, out, cap);
                if (r < 0) throw fail(s, "readlink", shown);
                if (r < cap) return out.asSlice(0, r).toArray(JAVA_BYTE);
                cap *= 2;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- extended attributes ----
    // A path of the form /proc/self/fd/DIRFD/NAME reaches any entry, however deep, and the l* calls
    // do not follow its last component, so symlinks, devices and sockets work without opening them.

    public static byte[] procPath(int dirfd, byte[] name) {
        byte[] prefix = ("/proc/self/fd/" + dirfd + "/").getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[prefix.length + name.length];
        System.arraycopy(prefix, 0, p, 0, prefix.length);
        System.arraycopy(name, 0, p, prefix.length, name.length);
        return p;
    }

    /** Raw xattr names of {@code path} (lstat semantics) or, when path is null, of descriptor fd. */
    public static List<byte[]> listxattr(byte[] path, int fd, byte[] shown) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = path == null ? MemorySegment.NULL : cstr(a, path);
            long cap = 1024;
            for (;;) {
                Scratch s = SCRATCH.get();
                MemorySegment buf = a.allocate(cap);
                long n = path == null ? (long) FLISTXATTR.H.invokeExact(s.errno, fd, buf, cap)
                        : (long) LLISTXATTR.H.invokeExact(s.errno, p, buf, cap);
                if (n < 0) {
                    int e = errno(s);
                    if (e == ERANGE) { cap *= 4; continue; }
                    if (e == ENOTSUP) return List.of();
                    throw fail(s, "list xattrs", shown);
                }
                List<byte[]> names = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf.get(JAVA_BYTE, i) == 0) {
                        if (i > start) names.add(buf.asSlice(start, i - start).toArray(JAVA_BYTE));
                        start = i + 1;
                    }
                }
                return names;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The raw value of xattr {@code name}, or null when it vanished meanwhile. */
    public static byte[] getxattr(byte[] path, int fd, byte[] name, byte[] shown) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = path == null ? MemorySegment.NULL : cstr(a, path);
            MemorySegment n = cstr(a, name);
            long cap = 4096;
            for (;;) {
                Scratch s = SCRATCH.get();
                MemorySegment buf = a.allocate(cap);
                long r = path == null ? (long) FGETXATTR.H.invokeExact(s.errno, fd, n, buf, cap)
                        : (long) LGETXATTR.H.invokeExact(s.errno, p, n, buf, cap);
                if (r < 0) {
                    int e = errno(s);
                    if (e == ERANGE) { cap *= 4; continue; }
                    if (e == ENODATA) return null;
                    throw new PosixException("get xattr " + new String(name, StandardCharsets.ISO_8859_1), shown, e);
                }
                return buf.asSlice(0, r).toArray(JAVA_BYTE);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setxattr(byte[] path, int fd, byte[] name, byte[] value, byte[] shown) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = path == null ? MemorySegment.NULL : cstr(a, path);
            MemorySegment n = cstr(a, name);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, value.length);
            Scratch s = SCRATCH.get();
            int r = path == null ? (int) FSETXATTR.H.invokeExact(s.errno, fd, n, v, (long) value.length, 0)
                    : (int) LSETXATTR.H.invokeExact(s.errno, p, n, v, (long) value.length, 0);
            if (r != 0) throw new PosixException("set xattr " + new String(name, StandardCharsets.ISO_8859_1), shown, errno(s));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- creating and changing ----

    private interface Call { int call(Scratch s, MemorySegment name) throws Throwable; }

    private static void named(String op, byte[] name, byte[] shown, Call c) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            if (c.call(s, cstr(s.buf(name.length + 1), 0, name)) != 0) throw fail(s, op, shown);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void mkdirat(int dirfd, byte[] name, int mode, byte[] shown) throws IOException {
        named("mkdir", name, shown, (s, n) -> (int) MKDIRAT.H.invokeExact(s.errno, dirfd, n, mode));
    }

    public static void mknodat(int dirfd, byte[] name, int mode, long dev, byte[] shown) throws IOException {
        named("mknod", name, shown, (s, n) -> (int) MKNODAT.H.invokeExact(s.errno, dirfd, n, mode, dev));
    }

    public static void mkfifoat(int dirfd, byte[] name, int mode, byte[] shown) throws IOException {
        named("mkfifo", name, shown, (s, n) -> (int) MKFIFOAT.H.invokeExact(s.errno, dirfd, n, mode));
    }

    public static void symlinkat(byte[] target, int dirfd, byte[] name, byte[] shown) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t = cstr(a, target);
            named("symlink", name, shown, (s, n) -> (int) SYMLINKAT.H.invokeExact(s.errno, t, dirfd, n));
        }
    }

    public static void linkat(int olddirfd, byte[] oldname, int newdirfd, byte[] newname, byte[] shown) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment o = cstr(a, oldname);
            named("link", newname, shown, (s, n) -> (int) LINKAT.H.invokeExact(s.errno, olddirfd, o, newdirfd, n, 0));
        }
    }

    public static void lchownat(int dirfd, byte[] name, int uid, int gid, byte[] shown) throws IOException {
        int flags = AT_SYMLINK_NOFOLLOW | (name.length == 0 ? AT_EMPTY_PATH : 0);
        named("chown", name, shown, (s, n) -> (int) FCHOWNAT.H.invokeExact(s.errno, dirfd, n, uid, gid, flags));
    }

    /** fchmodat without AT_SYMLINK_NOFOLLOW: Linux cannot chmod a symlink, and callers never pass one. */
    public static void chmodat(int dirfd, byte[] name, int mode, byte[] shown) throws IOException {
        named("chmod", name, shown, (s, n) -> (int) FCHMODAT.H.invokeExact(s.errno, dirfd, n, mode, 0));
    }

    public static void fchmod(int fd, int mode, byte[] shown) throws IOException {
        named("chmod", new byte[0], shown, (s, n) -> (int) FCHMOD.H.invokeExact(s.errno, fd, mode));
    }

    public static void fchown(int fd, int uid, int gid, byte[] shown) throws IOException {
        named("chown", new byte[0], shown, (s, n) -> (int) FCHOWN.H.invokeExact(s.errno, fd, uid, gid));
    }

    /** Sets atime and mtime to {@code mtimeNanos} (nanoseconds), never following a final symlink. */
    public static void lutimensat(int dirfd, byte[] name, long mtimeNanos, byte[] shown) throws IOException {
        Scratch s = SCRATCH.get();
        long sec = Math.floorDiv(mtimeNanos, 1_000_000_000L), ns = Math.floorMod(mtimeNanos, 1_000_000_000L);
        s.times.set(JAVA_LONG, 0, sec);
        s.times.set(JAVA_LONG, 8, ns);
        s.times.set(JAVA_LONG, 16, sec);
        s.times.set(JAVA_LONG, 24, ns);
        MemorySegment times = s.times;
        if (name.length == 0) { // the descriptor itself; glibc's utimensat rejects an empty name
            named("set times", name, shown, (sc, n) -> (int) FUTIMENS.H.invokeExact(sc.errno, dirfd, times));
            return;
        }
        int flags = AT_SYMLINK_NOFOLLOW;
        named("set times", name, shown, (sc, n) -> (int) UTIMENSAT.H.invokeExact(sc.errno, dirfd, n, times, flags));
    }

    public static void ftruncate(int fd, long size, byte[] shown) throws IOException {
        named("truncate", new byte[0], shown, (s, n) -> (int) FTRUNCATE.H.invokeExact(s.errno, fd, size));
    }

    public static void fsync(int fd, byte[] shown) throws IOException {
        named("fsync", new byte[0], shown, (s, n) -> (int) FSYNC.H.invokeExact(s.errno, fd));
    }

    public static void syncfs(int fd, byte[] shown) throws IOException {
        named("syncfs", new byte[0], shown, (s, n) -> (int) SYNCFS.H.invokeExact(s.errno, fd));
    }

    /** Sizes from statfs(2): block size, total, free and available-to-unprivileged blocks. */
    public record FsStat(long type, long blockSize, long blocks, long free, long available) {
        public long availableBytes() { return available * blockSize; }
    }

    public static FsStat statfs(byte[] path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(120, 8);
            Scratch s = SCRATCH.get();
            int r = (int) STATFS.H.invokeExact(s.errno, cstr(a, path), buf);
            if (r != 0) throw fail(s, "statfs", path);
            return new FsStat(buf.get(JAVA_LONG, 0), buf.get(JAVA_LONG, 8), buf.get(JAVA_LONG, 16),
                    buf.get(JAVA_LONG, 24), buf.get(JAVA_LONG, 32));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- content ----

    /** read(2) into {@code dst}'s remaining bytes; -1 at end of file. Heap buffers go through a native bounce buffer. */
    public static int read(int fd, ByteBuffer dst, byte[] shown) throws IOException {
        int len = dst.remaining();
        if (len == 0) return 0;
        Scratch s = SCRATCH.get();
        MemorySegment seg = dst.isDirect() ? MemorySegment.ofBuffer(dst) : s.buf(len);
        try {
            for (;;) {
                long n = (long) READ.H.invokeExact(s.errno, fd, seg, (long) len);
                if (n < 0) {
                    if (errno(s) == EINTR) continue;
                    throw fail(s, "read", shown);
                }
                if (n == 0) return -1;
                if (!dst.isDirect()) MemorySegment.copy(seg, 0, MemorySegment.ofBuffer(dst), 0, n);
                dst.position(dst.position() + (int) n);
                return (int) n;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Writes all of {@code src[off, off+len)} at file offset {@code pos}. */
    public static void pwriteFully(int fd, byte[] src, int off, int len, long pos, byte[] shown) throws IOException {
        Scratch s = SCRATCH.get();
        MemorySegment seg = s.buf(len);
        MemorySegment.copy(MemorySegment.ofArray(src), off, seg, 0, len);
        long done = 0;
        try {
            while (len > 0) {
                long n = (long) PWRITE.H.invokeExact(s.errno, fd, seg.asSlice(done, len), (long) len, pos);
                if (n < 0) {
                    if (errno(s) == EINTR) continue;
                    throw fail(s, "write", shown);
                }
                done += n;
                len -= (int) n;
                pos += n;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
