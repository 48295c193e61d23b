package io.spore.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libfuse2's high-level API bound with FFM. Not through jnr-fuse's callback interfaces: those take
 * paths as {@code String}, decoded with the JVM's default charset (UTF-8), which loses names that
 * are not UTF-8; here every path and name stays bytes. Layouts are Linux LP64 (x86_64, aarch64).
 */
final class Fuse2 {
    static final int ENOENT = 2, EIO = 5, EBADF = 9, EACCES = 13, EINVAL = 22, EROFS = 30, ERANGE = 34,
            ENOSYS = 38, ENODATA = 61, ENOTSUP = 95;

    /** Slots of struct fuse_operations (FUSE 2.9), in pointer-sized units. */
    static final int GETATTR = 0, READLINK = 1, OPEN = 14, READ = 15, STATFS = 17, RELEASE = 19,
            GETXATTR = 22, LISTXATTR = 23, OPENDIR = 25, READDIR = 26, RELEASEDIR = 27, INIT = 29,
            DESTROY = 30, FGETATTR = 34;
    /** Offset of the flag word after bmap (slot 37): nullpath_ok is bit 0, nopath bit 1. */
    static final long FLAGS_OFFSET = 38 * 8;
    static final long OPS_SIZE = 39 * 8 + 6 * 8;

    /** struct fuse_file_info: int flags; unsigned long fh_old; int writepage; bit fields; uint64_t fh. */
    static final long FI_FLAGS = 0, FI_BITS = 20, FI_FH = 24;
    static final int FI_KEEP_CACHE_BIT = 1 << 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB;
    private static final MethodHandle FUSE_MAIN_REAL;
    private static final MethodHandle FUSE_GET_CONTEXT;
    private static final MethodHandle FUSE_EXIT;
    /** fuse_fill_dir_t: int (*)(void *buf, const char *name, const struct stat *stbuf, off_t off). */
    static final MethodHandle FILL_DIR = LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final Throwable LOAD_ERROR;

    static {
        SymbolLookup lib = null;
        MethodHandle main = null, ctx = null, exit = null;
        Throwable error = null;
        try {
            lib = SymbolLookup.libraryLookup("libfuse.so.2", Arena.global());
            main = LINKER.downcallHandle(lib.findOrThrow("fuse_main_real"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
            ctx = LINKER.downcallHandle(lib.findOrThrow("fuse_get_context"), FunctionDescriptor.of(ADDRESS));
            exit = LINKER.downcallHandle(lib.findOrThrow("fuse_exit"), FunctionDescriptor.ofVoid(ADDRESS));
        } catch (Throwable t) {
            error = t;
        }
        LIB = lib;
        FUSE_MAIN_REAL = main;
        FUSE_GET_CONTEXT = ctx;
        FUSE_EXIT = exit;
        LOAD_ERROR = error;
    }

    private Fuse2() {}

    static void requireLibrary() {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException("libfuse.so.2 cannot be loaded (" + LOAD_ERROR.getMessage()
                    + "): install Debian's libfuse2 and fuse packages");
        }
    }

    /** Runs the multithreaded loop until the file system is unmounted; returns fuse_main's status. */
    static int main(List<String> args, MemorySegment ops) throws Throwable {
        requireLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argv = arena.allocate(ADDRESS, args.size() + 1);
            for (int i = 0; i < args.size(); i++) argv.setAtIndex(ADDRESS, i, arena.allocateFrom(args.get(i)));
            argv.setAtIndex(ADDRESS, args.size(), MemorySegment.NULL);
            return (int) FUSE_MAIN_REAL.invokeExact(args.size(), argv, ops, OPS_SIZE, MemorySegment.NULL);
        }
    }

    /** The struct fuse of the calling FUSE thread (valid inside callbacks). */
    static MemorySegment currentFuse() throws Throwable {
        MemorySegment ctx = ((MemorySegment) FUSE_GET_CONTEXT.invokeExact()).reinterpret(8);
        return ctx.get(ADDRESS, 0);
    }

    static void exit(MemorySegment fuse) throws Throwable {
        FUSE_EXIT.invokeExact(fuse);
    }

    private static final java.lang.foreign.StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final MethodHandle UMOUNT2 = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("umount2"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.captureCallState("errno"));
    static final int MNT_DETACH = 2;

    /** umount2(2); returns 0 or the errno. */
    static int umount2(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO_STATE);
            int r = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(path), flags);
            return r == 0 ? 0 : (int) ERRNO_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"))
                    .get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("umount2 failed: " + t, t);
        }
    }

    private static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mount"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));
    static final long MS_BIND = 4096;

    /** mount(2) with no file system type or data (a bind); returns 0 or the errno. */
    static int bindMount(String source, String target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO_STATE);
            int r = (int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target), MemorySegment.NULL,
                    MS_BIND, MemorySegment.NULL);
            return r == 0 ? 0 : (int) ERRNO_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"))
                    .get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mount failed: " + t, t);
        }
    }

    /** The NUL-terminated bytes at {@code s}, without the NUL. */
    static byte[] cString(MemorySegment s) {
        MemorySegment all = s.reinterpret(Long.MAX_VALUE);
        int n = 0;
        while (all.get(JAVA_BYTE, n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(all, JAVA_BYTE, 0, b, 0, n);
        return b;
    }

    /** Linux struct stat offsets for this machine. */
    record StatLayout(long size, long ino, long nlink, boolean nlink32, long mode, long uid, long gid, long rdev,
                      long stSize, long blksize, boolean blksize32, long blocks, long atim, long mtim, long ctim) {
        static final StatLayout CURRENT = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> new StatLayout(144, 8, 16, false, 24, 28, 32, 40, 48, 56, false, 64, 72, 88, 104);
            case "aarch64", "riscv64" -> new StatLayout(128, 8, 20, true, 16, 24, 28, 32, 48, 56, true, 64, 72, 88, 104);
            default -> null;
        };
    }
}
