package io.spore.image.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The files of an image archive by their name inside it: an OCI layout directory, or a tar
 * (docker save, OCI archive) read in place. Names come from manifests, so they are checked:
 * no {@code ..}, nothing outside the archive.
 */
sealed interface Archive extends AutoCloseable permits Archive.InDir, Archive.InTar {
    /** Null when the archive has no such file. */
    InputStream open(String name) throws IOException;

    /** -1 when the archive has no such file. */
    long size(String name) throws IOException;

    @Override void close() throws IOException;

    static Archive open(Path path) throws IOException {
        if (Files.isDirectory(path)) return new InDir(path);
        if (!Files.exists(path)) throw new IOException(path + " does not exist: give a docker save archive, an OCI archive or an OCI layout directory");
        if (!Files.isRegularFile(path)) throw new IOException(path + " is not a file or directory: give a docker save archive, an OCI archive or an OCI layout directory");
        return InTar.index(path);
    }

    /** The name with "./" and duplicate slashes dropped; null if it climbs with ".." or is empty. */
    static String clean(String name) {
        StringBuilder sb = new StringBuilder();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) return null;
            if (!sb.isEmpty()) sb.append('/');
            sb.append(c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    final class InDir implements Archive {
        private final Path root;

        InDir(Path root) { this.root = root; }

        private Path file(String name) {
            String c = clean(name);
            if (c == null) return null;
            Path p = root.resolve(c);
            return Files.isRegularFile(p) ? p : null;
        }

        @Override public InputStream open(String name) throws IOException {
            Path p = file(name);
            return p == null ? null : Files.newInputStream(p);
        }

        @Override public long size(String name) throws IOException {
            Path p = file(name);
            return p == null ? -1 : Files.size(p);
        }

        @Override public void close() { }
    }

    /** A plain tar read in place: one pass records where each member's bytes are. */
    final class InTar implements Archive {
        private record Member(long offset, long size, String link) {}

        private final FileChannel ch;
        private final Map<String, Member> members;

        private InTar(FileChannel ch, Map<String, Member> members) {
            this.ch = ch;
            this.members = members;
        }

        static InTar index(Path path) throws IOException {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            boolean ok = false;
            try {
                byte[] magic = new byte[4];
                ch.read(ByteBuffer.wrap(magic), 0);
                String packed = Layers.compression(magic);
                if (packed != null) throw new IOException(path + " is compressed (" + packed + "): decompress it first (e.g. "
                        + (packed.equals("gzip") ? "gunzip -k " : "zstd -d ") + path + ") and import the .tar");
                Map<String, Member> members = new HashMap<>();
                TarReader tar = new TarReader(new java.io.BufferedInputStream(Channels.newInputStream(ch.position(0)), 1 << 16), path.toString());
                TarReader.Header h;
                try {
                    while ((h = tar.next()) != null) {
                        String name = clean(new String(h.name(), java.nio.charset.StandardCharsets.UTF_8));
                        if (name == null) continue;
                        switch (h.type()) {
                            case '0' -> members.put(name, new Member(tar.position(), h.size(), null));
                            case '1', '2' -> members.put(name, new Member(0, 0, (h.type() == '2' ? "" : "/")
                                    + new String(h.linkName(), java.nio.charset.StandardCharsets.UTF_8)));
                            default -> { }
                        }
                    }
                } catch (IOException e) {
                    if (members.isEmpty() && e.getMessage() != null && e.getMessage().contains("is not a tar archive"))
                        throw new IOException(path + " is not a tar archive or an OCI layout directory: give a docker save archive, "
                                + "an OCI archive or an OCI layout directory");
                    throw e;
                }
                if (members.isEmpty()) throw new IOException(path + " is not a tar archive with files in it: give a docker save archive, "
                        + "an OCI archive or an OCI layout directory");
                ok = true;
                return new InTar(ch, members);
            } finally {
                if (!ok) ch.close();
            }
        }

        /** Follows member symlinks (docker save links identical layers) and hard links, a few hops at most. */
        private Member find(String name) {
            String n = clean(name);
            for (int hops = 0; n != null && hops < 8; hops++) {
                Member m = members.get(n);
                if (m == null || m.link() == null) return m;
                String l = m.link();
                if (l.startsWith("/")) n = clean(l); // hard link: archive-relative path
                else {
                    int slash = n.lastIndexOf('/');
                    n = clean((slash < 0 ? "" : n.substring(0, slash + 1)) + l);
                }
            }
            return null;
        }

        @Override public InputStream open(String name) {
            Member m = find(name);
            if (m == null) return null;
            return new java.io.BufferedInputStream(Channels.newInputStream(new Slice(ch, m.offset(), m.size())), 1 << 16);
        }

        @Override public long size(String name) {
            Member m = find(name);
            return m == null ? -1 : m.size();
        }

        @Override public void close() throws IOException { ch.close(); }
    }

    /** A window of a file channel read with positional reads. */
    final class Slice implements SeekableByteChannel {
        private final FileChannel ch;
        private final long start, size;
        private long pos;

        Slice(FileChannel ch, long start, long size) {
            this.ch = ch;
            this.start = start;
            this.size = size;
        }

        @Override public int read(ByteBuffer dst) throws IOException {
            if (pos >= size) return -1;
            int lim = dst.limit();
            if (dst.remaining() > size - pos) dst.limit(dst.position() + (int) (size - pos));
            try {
                int n = ch.read(dst, start + pos);
                if (n < 0) throw new java.io.EOFException("the archive is shorter than its index says: it changed while read");
                pos += n;
                return n;
            } finally {
                dst.limit(lim);
            }
        }

        @Override public int write(ByteBuffer src) { throw new java.nio.channels.NonWritableChannelException(); }

        @Override public long position() { return pos; }

        @Override public SeekableByteChannel position(long p) {
            pos = p;
            return this;
        }

        @Override public long size() { return size; }

        @Override public SeekableByteChannel truncate(long s) { throw new java.nio.channels.NonWritableChannelException(); }

        @Override public boolean isOpen() { return ch.isOpen(); }

        @Override public void close() { }
    }
}
