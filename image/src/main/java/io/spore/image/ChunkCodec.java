package io.spore.image;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;

import java.io.IOException;
import java.util.Arrays;

/** zstd per chunk (FORMAT.md 3.2): one frame, content size recorded, no checksum, no dictionary. */
final class ChunkCodec {
    /** Chosen by measurement (FORMAT.md section 8). */
    static final int LEVEL = 4;

    private ChunkCodec() {}

    static byte[] compress(byte[] src, int off, int len) {
        byte[] dst = new byte[(int) Zstd.compressBound(len)];
        long n = Zstd.compressByteArray(dst, 0, dst.length, src, off, len, LEVEL);
        if (Zstd.isError(n)) throw new IllegalStateException("zstd failed: " + Zstd.getErrorName(n));
        return Arrays.copyOf(dst, (int) n);
    }

    /** Decompresses a chunk block that must yield exactly {@code length} bytes. */
    static byte[] decompress(byte[] block, int length) throws IOException {
        byte[] out = new byte[length];
        long n;
        try {
            n = Zstd.decompressByteArray(out, 0, length, block, 0, block.length);
        } catch (ZstdException e) {
            throw malformed(length, e.getMessage());
        }
        if (Zstd.isError(n)) throw malformed(length, Zstd.getErrorName(n));
        if (n != length) throw malformed(length, "it holds " + n + " bytes");
        return out;
    }

    private static IOException malformed(int length, String why) {
        return new IOException("a chunk block does not decompress to its " + length + " bytes (" + why + "): the image is malformed, re-share it");
    }
}
