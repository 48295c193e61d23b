package io.spore.tests.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** The few libc calls a TAP device needs (java.nio has no ioctl), with errno captured. */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VH = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle IOCTL = fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle POLL = fn("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    static final int O_RDWR = 2;
    static final int EINTR = 4, EAGAIN = 11;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000;
    private static final short POLLIN = 1;

    private Libc() {}

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... o) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d, o);
    }

    /** A TAP device (Ethernet frames, no packet-info header) named {@code name} in this process's namespace; gone when the fd closes. */
    static int openTap(String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom("/dev/net/tun"), O_RDWR);
            if (fd < 0) throw new IOException("cannot open /dev/net/tun (errno " + errno(st) + "): run as root on a kernel with CONFIG_TUN");
            MemorySegment ifr = a.allocate(40);
            byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (n.length > 15) throw new IllegalArgumentException(name + " is longer than 15 bytes: use a shorter device name");
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
            ifr.set(JAVA_SHORT, 16, (short) (IFF_TAP | IFF_NO_PI));
            int r = (int) IOCTL.invokeExact(st, fd, TUNSETIFF, ifr);
            if (r < 0) {
                close(fd);
                throw new IOException("TUNSETIFF " + name + " failed (errno " + errno(st) + "): the name may be taken");
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Waits up to {@code millis} for {@code fd} to be readable; true when it is. */
    static boolean pollIn(int fd, MemorySegment pollfd, int millis) throws IOException {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, POLLIN);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        try {
            int r = (int) POLL.invokeExact(pollfd, 1L, millis);
            return r > 0;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** read(2) into {@code buf}; -errno on failure. */
    static long read(int fd, MemorySegment buf, MemorySegment state) {
        try {
            long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
            return n < 0 ? -errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long write(int fd, MemorySegment buf, long len, MemorySegment state) {
        try {
            long n = (long) WRITE.invokeExact(state, fd, buf, len);
            return n < 0 ? -errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static MemorySegment state(Arena a) { return a.allocate(Linker.Option.captureStateLayout()); }

    private static int errno(MemorySegment st) { return (int) ERRNO_VH.get(st, 0L); }
}
