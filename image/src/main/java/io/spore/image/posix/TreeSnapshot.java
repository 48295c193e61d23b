package io.spore.image.posix;

import io.spore.image.Entry;
import io.spore.image.FileType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a tree keeps about each path, for comparing two trees exactly: type, mode, uid, gid,
 * mtime (ns), size, symlink target, device number, every xattr, sha256 of content, and hard-link
 * group (the first path of the inode in image order). The demo and the round-trip tests use it.
 */
public final class TreeSnapshot {
    private final Map<String, String> paths;
    private final long files, bytes;

    private TreeSnapshot(Map<String, String> paths, long files, long bytes) {
        this.paths = paths;
        this.files = files;
        this.bytes = bytes;
    }

    public static TreeSnapshot of(byte[] root) throws IOException {
        Map<String, String> paths = new LinkedHashMap<>();
        long[] counts = new long[2];
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        TreeWalker.walk(root, (e, content) -> {
            String hash = "";
            if (content != null) {
                sha.reset();
                buf.clear();
                while (content.read(buf) >= 0) {
                    buf.flip();
                    sha.update(buf);
                    buf.clear();
                }
                hash = HexFormat.of().formatHex(sha.digest());
                counts[0]++;
                counts[1] += e.size();
            }
            paths.put(Names.show(e.path()), describe(e, hash));
        });
        return new TreeSnapshot(paths, counts[0], counts[1]);
    }

    private static String describe(Entry e, String hash) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.type()).append(" mode=").append(Integer.toOctalString(e.mode()))
                .append(" uid=").append(e.uid()).append(" gid=").append(e.gid())
                .append(" mtime=").append(e.mtimeNanos());
        if (e.type() != FileType.DIRECTORY) sb.append(" size=").append(e.size());
        if (e.linkTarget() != null) sb.append(" target=").append(Names.show(e.linkTarget()));
        if (e.rdev() != 0) sb.append(" rdev=").append(Posix.major(e.rdev())).append(':').append(Posix.minor(e.rdev()));
        e.xattrs().forEach((k, v) -> sb.append(" xattr[").append(k).append("]=").append(HexFormat.of().formatHex(v)));
        if (e.isHardLink()) sb.append(" hardlink-of=").append(Names.show(e.hardLinkTarget()));
        if (!hash.isEmpty()) sb.append(" sha256=").append(hash);
        return sb.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public int paths() { return paths.size(); }

    public long files() { return files; }

    public long contentBytes() { return bytes; }

    /** Path -> description, in image order. */
    public Map<String, String> entries() { return paths; }

    /** The differences to {@code other}, one line each (empty when the trees are equal), at most {@code max}. */
    public List<String> diff(TreeSnapshot other, int max) {
        List<String> out = new ArrayList<>();
        for (var en : paths.entrySet()) {
            if (out.size() >= max) return out;
            String o = other.paths.get(en.getKey());
            if (o == null) out.add("only in first: " + en.getKey());
            else if (!Objects.equals(o, en.getValue())) out.add(en.getKey() + ": " + en.getValue() + " != " + o);
        }
        for (String k : other.paths.keySet()) {
            if (out.size() >= max) return out;
            if (!paths.containsKey(k)) out.add("only in second: " + k);
        }
        return out;
    }
}
