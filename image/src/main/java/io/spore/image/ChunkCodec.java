package io.spore.image;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * zstd per chunk (FORMAT.md 3.2): one frame, content size recorded, no checksum, no dictionary.
 * Contexts are reused: making a fresh one per 64 KiB chunk cost more than compressing. Compression
 * keeps one per thread (the writers are a few platform threads, and their contexts live as long as
 * they do). Decompression takes one from a small pool instead: reads also run on short-lived virtual
 * threads (FUSE read-ahead), where a context per thread was a native allocation per task that only a
 * full GC gave back; under the serial collector the daemon's RSS grew 13 MB per boot in the soak,
 * with the heap capped at 256 MiB as without a cap.
 */
final class ChunkCodec {
    /** Chosen by measurement (FORMAT.md section 8). */
    static final int LEVEL = 3;
    /** The level in use: LEVEL, except in benchmarks that compare levels (same package, tests only). */
    static volatile int level = LEVEL;

    private static final ThreadLocal<ZstdCompressCtx> COMPRESS = new ThreadLocal<>();
    /** Output room for the largest chunk, per thread: a fresh array per chunk was 150 MB of garbage per rootfs. */
    private static final ThreadLocal<byte[]> OUT = ThreadLocal.withInitial(() -> new byte[(int) Zstd.compressBound(FastCdc.MAX)]);
    /** Idle decompression contexts; one more than this at once is closed after its use. */
    private static final ArrayBlockingQueue<ZstdDecompressCtx> DECOMPRESS = new ArrayBlockingQueue<>(16);

    private ChunkCodec() {}

    static byte[] compress(byte[] src, int off, int len) {
        int l = level;
        ZstdCompressCtx ctx = COMPRESS.get();
        if (ctx == null) {
            ctx = new ZstdCompressCtx();
            COMPRESS.set(ctx);
        }
        ctx.reset();
        ctx.setLevel(l).setContentSize(true).setChecksum(false).setDictID(false);
        byte[] dst = len <= FastCdc.MAX ? OUT.get() : new byte[(int) Zstd.compressBound(len)];
        int n = ctx.compressByteArray(dst, 0, dst.length, src, off, len);
        return Arrays.copyOf(dst, n);
    }

    /** Decompresses a chunk block that must yield exactly {@code length} bytes. */
    static byte[] decompress(byte[] block, int length) throws IOException {
        byte[] out = new byte[length];
        int n;
        ZstdDecompressCtx ctx = DECOMPRESS.poll();
        if (ctx == null) ctx = new ZstdDecompressCtx();
        try {
            ctx.reset();
            n = ctx.decompressByteArray(out, 0, length, block, 0, block.length);
        } catch (ZstdException e) {
            throw malformed(length, e.getMessage());
        } finally {
            if (!DECOMPRESS.offer(ctx)) ctx.close();
        }
        if (n != length) throw malformed(length, "it holds " + n + " bytes");
        return out;
    }

    private static IOException malformed(int length, String why) {
        return new IOException("a chunk block does not decompress to its " + length + " bytes (" + why + "): the image is malformed, re-share it");
    }
}
