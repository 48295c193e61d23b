package io.spore.p2p.multiformats;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 by libcrypto (OpenSSL 3, which uses the CPU's SHA instructions) where it is installed,
 * else by the JDK. The JDK's SHA-256 is fast only once C2 compiles it, and Spore runs C1 only
 * (the launcher says why): under C1 the JDK hashed 50 MB in 0.38 CPU s, libcrypto in 0.03 s
 * (FORMAT.md section 8). Every multihash of Spore goes through here. Both give the same digest; {@code Sha256Test} checks that.
 */
final class Sha256 {
    private static final MethodHandle SHA256 = find();

    private Sha256() {}

    private static MethodHandle find() {
        if (Boolean.getBoolean("spore.jdkSha256")) return null;
        try {
            SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
            // critical: hashing at most a few MiB never blocks, and a heap array is read where it lies
            return crypto.find("SHA256").map(f -> Linker.nativeLinker().downcallHandle(f,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                    Linker.Option.critical(true))).orElse(null);
        } catch (RuntimeException e) {
            return null;   // no libcrypto: the JDK's digest
        }
    }

    static boolean isNative() { return SHA256 != null; }

    static byte[] digest(byte[] data, int off, int len) {
        if (SHA256 == null) {
            MessageDigest md = jdk();
            md.update(data, off, len);
            return md.digest();
        }
        return digest(MemorySegment.ofArray(data).asSlice(off, len));
    }

    /** The digest of {@code data}'s remaining bytes; its position does not move. */
    static byte[] digest(ByteBuffer data) {
        if (SHA256 == null || !(data.hasArray() || data.isDirect())) {
            MessageDigest md = jdk();
            md.update(data.duplicate());
            return md.digest();
        }
        return digest(MemorySegment.ofBuffer(data));
    }

    private static byte[] digest(MemorySegment data) {
        // the digest is written straight into the array returned (a critical call may take heap memory):
        // no per-thread native buffer, which Bitswap's short-lived virtual threads would each have made
        byte[] out = new byte[32];
        try {
            MemorySegment ignored = (MemorySegment) SHA256.invokeExact(data, data.byteSize(), MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw new IllegalStateException("libcrypto SHA256 failed", t);
        }
        return out;
    }

    static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
