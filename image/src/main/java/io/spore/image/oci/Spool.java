package io.spore.image.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * File contents of all layers, appended as the layers are read, so the final tree can be written
 * in image order afterwards. The file is unlinked as soon as it is open: whatever happens to the
 * process (an error, kill -9), nothing is left on disk.
 */
final class Spool implements AutoCloseable {
    private final FileChannel ch;
    private final byte[] buf = new byte[1 << 16];
    private final Path dir;
    private long end;

    Spool(Path dir) throws IOException {
        this.dir = dir;
        Path f = Files.createTempFile(dir, "spore-import-", ".spool");
        try {
            ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Appends exactly {@code size} bytes of {@code in}; returns where they start. */
    long append(InputStream in, long size) throws IOException {
        long start = end;
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new java.io.EOFException("a file ends before its size");
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            try {
                while (bb.hasRemaining()) end += ch.write(bb, end);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("No space left"))
                    throw new IOException("no space left for the import's temporary file in " + dir
                            + ": free space or set TMPDIR to a larger disk", e);
                throw e;
            }
            left -= n;
        }
        return start;
    }

    long size() { return end; }

    /** {@code size} bytes from {@code offset}, read with positional reads (several may be open). */
    ReadableByteChannel channel(long offset, long size) {
        return new ReadableByteChannel() {
            long pos = offset, left = size;

            @Override public int read(ByteBuffer dst) throws IOException {
                if (left == 0) return -1;
                int lim = dst.limit();
                if (dst.remaining() > left) dst.limit(dst.position() + (int) left);
                try {
                    int n = ch.read(dst, pos);
                    if (n < 0) throw new java.io.EOFException("the import's temporary file is shorter than written");
                    pos += n;
                    left -= n;
                    return n;
                } finally {
                    dst.limit(lim);
                }
            }

            @Override public boolean isOpen() { return true; }

            @Override public void close() { }
        };
    }

    @Override public void close() throws IOException { ch.close(); }
}
