package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Multihash;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * SHA-256 of blocks by libcrypto (OpenSSL 3, which uses the CPU's SHA instructions) where it is
 * installed, else by the JDK. The JDK's SHA-256 is fast only once C2 compiles it, and the
 * launcher runs C1 only (start-up): there it hashed 50 MB in 0.38 CPU s, libcrypto in 0.03 s
 * (FORMAT.md section 8). Both give the same digest; {@code Sha256Test} checks that.
 */
final class Sha256 {
    private static final MethodHandle SHA256 = find();
    private static final ThreadLocal<MemorySegment> OUT = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(32));

    private Sha256() {}

    private static MethodHandle find() {
        if (Boolean.getBoolean("spore.jdkSha256")) return null;
        try {
            SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
            // critical: hashing at most 2 MiB never blocks, and the array is read where it lies
            return crypto.find("SHA256").map(f -> Linker.nativeLinker().downcallHandle(f,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                    Linker.Option.critical(true))).orElse(null);
        } catch (RuntimeException e) {
            return null;   // no libcrypto: the JDK's digest
        }
    }

    static boolean isNative() { return SHA256 != null; }

    static byte[] digest(byte[] data) {
        if (SHA256 == null) return jdk().digest(data);
        MemorySegment out = OUT.get();
        try {
            MemorySegment ignored = (MemorySegment) SHA256.invokeExact(MemorySegment.ofArray(data), (long) data.length, out);
        } catch (Throwable t) {
            throw new IllegalStateException("libcrypto SHA256 failed", t);
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The sha2-256 CIDv1 of {@code data}. */
    static Cid cid(int codec, byte[] data) { return Cid.v1(codec, Multihash.of(Multihash.SHA2_256, digest(data))); }

    /** Whether {@code data} hashes to {@code cid}; CIDs with another hash go to {@link Cid#matches}. */
    static boolean matches(Cid cid, byte[] data) {
        if (cid.multihash().code() != Multihash.SHA2_256 || SHA256 == null) return cid.matches(data);
        return Arrays.equals(digest(data), cid.multihash().digest());
    }
}
