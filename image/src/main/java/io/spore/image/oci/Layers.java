package io.spore.image.oci;

import com.github.luben.zstd.ZstdInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reading blobs: digests checked, layers decompressed by their magic bytes and applied. */
final class Layers {
    /** Manifests, indexes and configs are small; a larger one is refused rather than read into memory. */
    static final int MAX_JSON = 8 << 20;

    private Layers() {}

    /** A content digest ("sha256:" and 64 hex digits), the only algorithm image tools use by default. */
    record Digest(String hex) {
        static Digest parse(String s, String what) throws IOException {
            if (s == null) throw new IOException(what + " has no digest: the archive is damaged");
            int colon = s.indexOf(':');
            String alg = colon < 0 ? "" : s.substring(0, colon), hex = s.substring(colon + 1);
            if (!alg.equals("sha256")) {
                throw new IOException(what + " has the digest " + shorten(s) + ", whose algorithm is not supported (only sha256): "
                        + "copy the image with skopeo, which writes sha256 digests");
            }
            if (!hex.matches("[0-9a-f]{64}")) throw new IOException(what + " has a malformed digest " + shorten(s) + ": the archive is damaged");
            return new Digest(hex);
        }

        String blobPath() { return "blobs/sha256/" + hex; }

        @Override public String toString() { return "sha256:" + hex; }

        String brief() { return "sha256:" + hex.substring(0, 12); }
    }

    private static String shorten(String s) { return s.length() > 80 ? s.substring(0, 80) + "..." : s; }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "gzip", "zstd", or null for anything else (a plain tar). */
    static String compression(byte[] m) {
        if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) return "gzip";
        if (m.length >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) return "zstd";
        return null;
    }

    /** A small JSON blob by digest, checked against it. */
    static byte[] blob(Archive a, Digest d, String what) throws IOException {
        return named(a, d.blobPath(), d, what);
    }

    /** A small file by name; checked against {@code d} when given. */
    static byte[] named(Archive a, String name, Digest d, String what) throws IOException {
        long size = a.size(name);
        if (size < 0) throw missing(name, what);
        if (size > MAX_JSON) throw new IOException(what + " (" + name + ") is " + size + " bytes, more than a manifest or config can be: the archive is damaged");
        byte[] b;
        try (InputStream in = a.open(name)) {
            b = in.readNBytes(MAX_JSON + 1);
        }
        if (d != null && !HexFormat.of().formatHex(sha256().digest(b)).equals(d.hex())) throw mismatch(d, what);
        return b;
    }

    static IOException missing(String name, String what) {
        return new IOException("the archive lacks " + name + " (" + what + "): it is incomplete, save or copy the image again");
    }

    static IOException mismatch(Digest d, String what) {
        return new IOException(what + " does not match its digest " + d.brief() + ": the archive is damaged, save or copy the image again");
    }

    /**
     * Applies the layer stored as {@code name}: checks the stored bytes against {@code blob} (and
     * {@code size}) when known, and the uncompressed tar against {@code diffId} when known.
     */
    static void apply(Archive a, String name, Digest blob, long size, Digest diffId, LayerTree tree, int index, Spool spool, String what)
            throws IOException {
        InputStream raw = a.open(name);
        if (raw == null) throw missing(name, what);
        MessageDigest blobSha = sha256(), diffSha = sha256();
        try (DigestInputStream stored = new Hashed(raw, blobSha)) {
            BufferedInputStream in = new BufferedInputStream(stored, 1 << 16);
            in.mark(4);
            byte[] magic = in.readNBytes(4);
            in.reset();
            String packed = compression(magic);
            try {
                InputStream tarBytes = switch (packed) {
                    case "gzip" -> new GZIPInputStream(in, 1 << 16);
                    case "zstd" -> new ZstdInputStream(in);
                    case null -> in;
                    default -> throw new IllegalStateException(packed);
                };
                DigestInputStream tar = new Hashed(new BufferedInputStream(tarBytes, 1 << 16), diffSha);
                tree.apply(new TarReader(tar, what), index, spool, what);
                // the digests cover every byte: read what follows the tar's end marker too
                tar.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // a damaged blob is best reported as such, not as whatever its bytes broke
                if (blob != null && !matches(stored, blobSha, blob)) throw mismatch(blob, what);
                if (e instanceof ZipException)
                    throw new IOException(what + " is not valid gzip (" + e.getMessage() + "): the archive is damaged, save or copy the image again");
                if (e.getClass().getName().contains("Zstd") || String.valueOf(e.getMessage()).startsWith("Unknown frame"))
                    throw new IOException(what + " is not valid zstd (" + e.getMessage() + "): the archive is damaged, save or copy the image again");
                throw e;
            }
            stored.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (blob != null && !HexFormat.of().formatHex(blobSha.digest()).equals(blob.hex())) throw mismatch(blob, what);
        if (diffId != null && !HexFormat.of().formatHex(diffSha.digest()).equals(diffId.hex()))
            throw new IOException(what + " does not match its diff_id " + diffId.brief()
                    + " in the image config: the archive is damaged, save or copy the image again");
        if (size >= 0 && a.size(name) != size)
            throw new IOException(what + " is " + a.size(name) + " bytes but its manifest says " + size + ": the archive is damaged, save or copy the image again");
    }

    private static boolean matches(InputStream rest, MessageDigest sha, Digest d) {
        try {
            rest.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            return false;
        }
        return HexFormat.of().formatHex(sha.digest()).equals(d.hex());
    }

    /** Hashes skipped bytes too (DigestInputStream's skip passes them by unhashed). */
    private static final class Hashed extends DigestInputStream {
        private final byte[] scratch = new byte[8192];

        Hashed(InputStream in, MessageDigest md) { super(in, md); }

        @Override public long skip(long n) throws IOException {
            long done = 0;
            while (done < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }
    }
}
