package io.spore.image.oci;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A strict reader of tar streams as image tools write them: ustar, GNU long names, PAX extended
 * headers (path, linkpath, size, uid, gid, mtime in ns, SCHILY.xattr and LIBARCHIVE.xattr, device
 * numbers). Everything read is checked (header checksum, number syntax, record lengths, limits),
 * because layers come from strangers. It reads exactly the archive's bytes and nothing beyond, so
 * {@link #position()} is where the current entry's content starts in the underlying stream.
 *
 * <p>Names are returned as the archive holds them (bytes); making them safe paths is the caller's job.
 */
final class TarReader {
    static final int BLOCK = 512;
    /** Bounds memory for PAX and GNU long-name records: real ones are a few hundred bytes. */
    static final int MAX_META = 1 << 20;

    /** One archive member; {@code type} is the ustar type flag, normalised ('\0' and '7' read as '0'). */
    record Header(char type, byte[] name, byte[] linkName, int mode, long uid, long gid, long mtimeNanos, long size,
                  int devMajor, int devMinor, SortedMap<String, byte[]> xattrs) {
        boolean isRegular() { return type == '0'; }
    }

    private final InputStream in;
    private final String what;
    private final byte[] block = new byte[BLOCK];
    private final Map<String, byte[]> globals = new HashMap<>();
    private long position;
    private long remaining, padding;
    private boolean ended;

    /** @param what names the stream in errors, e.g. "layer 2 of img.tar" */
    TarReader(InputStream in, String what) {
        this.in = in;
        this.what = what;
    }

    long position() { return position; }

    /** The next member, or null at the end of the archive (a zero block or the end of the stream). */
    Header next() throws IOException {
        if (ended) return null;
        skip(remaining);
        remaining = 0;
        // umoci 0.4 ends its layers right after the last file's content, without padding or the
        // end-of-archive blocks; the content is whole (and the digests check it), so that is the end
        boolean more = skipPadding(padding);
        padding = 0;
        if (!more) {
            ended = true;
            return null;
        }
        Map<String, byte[]> pax = new HashMap<>();
        byte[] longName = null, longLink = null;
        while (true) {
            if (!readBlock()) {
                ended = true;
                return null;
            }
            if (allZero(block)) {
                ended = true;
                return null;
            }
            checkSum();
            char type = (char) (block[156] & 0xff);
            long size = number(124, 12, "size");
            if (size < 0) throw bad("a negative size");
            switch (type) {
                case 'x', 'g' -> {
                    Map<String, byte[]> records = parsePax(readMeta(size, "PAX header"));
                    if (type == 'g') globals.putAll(records);
                    else pax.putAll(records);
                    continue;
                }
                case 'L' -> {
                    longName = trimNul(readMeta(size, "GNU long name"));
                    continue;
                }
                case 'K' -> {
                    longLink = trimNul(readMeta(size, "GNU long link"));
                    continue;
                }
                default -> { }
            }
            return header(type, size, pax, longName, longLink);
        }
    }

    private Header header(char type, long size, Map<String, byte[]> local, byte[] longName, byte[] longLink) throws IOException {
        Map<String, byte[]> pax = new HashMap<>(globals);
        pax.putAll(local);
        for (String k : pax.keySet()) {
            if (k.startsWith("GNU.sparse.")) throw bad("a sparse file (PAX " + k + "), which is not supported: rebuild the layer without sparse files");
        }
        byte[] name = field(0, 100);
        boolean posix = block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a' && block[261] == 'r'
                && block[262] == 0;
        if (posix) {
            byte[] prefix = field(345, 155);
            if (prefix.length > 0) {
                byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
                joined[prefix.length] = '/';
                System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
                name = joined;
            }
        }
        if (longName != null) name = longName;
        if (pax.containsKey("path")) name = pax.get("path");
        byte[] link = field(157, 100);
        if (longLink != null) link = longLink;
        if (pax.containsKey("linkpath")) link = pax.get("linkpath");
        if (pax.containsKey("size")) size = decimal(pax.get("size"), "size");
        long uid = pax.containsKey("uid") ? decimal(pax.get("uid"), "uid") : number(108, 8, "uid");
        long gid = pax.containsKey("gid") ? decimal(pax.get("gid"), "gid") : number(116, 8, "gid");
        long mtime = pax.containsKey("mtime") ? paxTime(pax.get("mtime")) : seconds(number(136, 12, "mtime"));
        int mode = (int) (number(100, 8, "mode") & 07777);
        long major = pax.containsKey("SCHILY.devmajor") ? decimal(pax.get("SCHILY.devmajor"), "devmajor") : number(329, 8, "devmajor");
        long minor = pax.containsKey("SCHILY.devminor") ? decimal(pax.get("SCHILY.devminor"), "devminor") : number(337, 8, "devminor");
        if (uid < 0 || uid > 0xffffffffL || gid < 0 || gid > 0xffffffffL) throw bad("a uid or gid beyond 32 bits");
        if (major < 0 || major > 0xfffffL || minor < 0 || minor > 0xfffffL) throw bad("a device number beyond Linux's 20 bits");
        if (size < 0) throw bad("a negative size");
        switch (type) {
            case '\0', '7' -> type = '0';
            case '0', '1', '2', '3', '4', '5', '6' -> { }
            case 'S' -> throw bad("a GNU sparse file, which is not supported: rebuild the layer without sparse files");
            default -> throw bad("an entry of type '" + printable(type) + "', which image layers do not use");
        }
        // old tars mark directories only by the trailing slash
        if (type == '0' && name.length > 0 && name[name.length - 1] == '/') type = '5';
        boolean hasContent = type == '0';
        if (!hasContent && type != '5' && size != 0 && type != '1') throw bad("a " + printable(type) + " entry with content");
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        // only regular files have content; a size on a directory or hard link is skipped
        if (!hasContent) size = 0;
        return new Header(type, name, link, mode, uid, gid, mtime, size, (int) major, (int) minor, xattrs(pax));
    }

    /** The current member's content: exactly its size, then end of stream. */
    InputStream content() {
        return new InputStream() {
            @Override public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) return -1;
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) throw truncated();
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private static SortedMap<String, byte[]> xattrs(Map<String, byte[]> pax) throws IOException {
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (var e : pax.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("SCHILY.xattr.")) {
                out.put(k.substring("SCHILY.xattr.".length()), e.getValue());
            } else if (k.startsWith("LIBARCHIVE.xattr.")) {
                String name = java.net.URLDecoder.decode(k.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                try {
                    out.putIfAbsent(name, Base64.getDecoder().decode(e.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw new IOException("the archive's xattr " + name + " is not valid base64: the archive is damaged");
                }
            }
        }
        for (String k : out.keySet()) {
            if (k.isEmpty() || k.getBytes(StandardCharsets.UTF_8).length > 255 || out.get(k).length > 65536)
                throw new IOException("the archive holds an xattr beyond Linux's limits (name 1..255, value 65536 bytes): the archive is damaged");
        }
        return out;
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        position += n;
        if (n == 0) return false;
        if (n < BLOCK) throw truncated();
        return true;
    }

    private byte[] readMeta(long size, String kind) throws IOException {
        if (size > MAX_META) throw bad("a " + kind + " of " + size + " bytes (more than " + MAX_META + ")");
        byte[] b = in.readNBytes((int) size);
        position += b.length;
        if (b.length < size) throw truncated();
        skip((BLOCK - size % BLOCK) % BLOCK);
        return b;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw truncated();
                s = 1;
            }
            n -= s;
            position += s;
        }
    }

    /** False when the stream ends inside the padding. */
    private boolean skipPadding(long n) throws IOException {
        if (n == 0) return true;
        byte[] pad = in.readNBytes((int) n);
        position += pad.length;
        return pad.length == n;
    }

    private void checkSum() throws IOException {
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : block[i];
            unsigned += b & 0xff;
            signed += b;
        }
        long stored = number(148, 8, "checksum");
        if (stored != unsigned && stored != signed) throw new IOException(what + " is not a tar archive (a header checksum does not match): " +
                "the file is damaged or of another kind");
    }

    /** Octal ASCII (NUL or space terminated) or GNU base-256 (high bit of the first byte). */
    private long number(int off, int len, String field) throws IOException {
        if ((block[off] & 0x80) != 0) {
            byte[] raw = Arrays.copyOfRange(block, off, off + len);
            raw[0] = (byte) ((raw[0] & 0x40) != 0 ? raw[0] | 0x80 : raw[0] & 0x7f);
            BigInteger v = new BigInteger(raw);
            if (v.bitLength() > 63) throw bad("a " + field + " beyond 64 bits");
            return v.longValue();
        }
        int i = off, end = off + len;
        while (i < end && block[i] == ' ') i++;
        long v = 0;
        int digits = 0;
        while (i < end && block[i] >= '0' && block[i] <= '7') {
            if (++digits > 21) throw bad("a " + field + " beyond 64 bits");
            v = v * 8 + (block[i++] - '0');
        }
        while (i < end && (block[i] == ' ' || block[i] == 0)) i++;
        if (i != end) throw new IOException(what + " is not a tar archive (the " + field + " field of a header is not a number): the file is damaged or of another kind");
        return v;
    }

    private long decimal(byte[] v, String field) throws IOException {
        String s = new String(v, StandardCharsets.US_ASCII);
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) throw bad("a PAX " + field + " that is not a number");
        return Long.parseLong(s);
    }

    private long seconds(long s) throws IOException {
        try {
            return Math.multiplyExact(s, 1_000_000_000L);
        } catch (ArithmeticException e) {
            throw bad("an mtime out of range");
        }
    }

    private long paxTime(byte[] v) throws IOException {
        String s = new String(v, StandardCharsets.US_ASCII);
        if (s.isEmpty() || s.length() > 40 || !s.matches("-?[0-9]+(\\.[0-9]*)?")) throw bad("a PAX mtime that is not a number");
        try {
            return new BigDecimal(s).movePointRight(9).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            throw bad("a PAX mtime out of range");
        }
    }

    /** "LEN key=value\n" records; LEN counts the whole record. */
    private Map<String, byte[]> parsePax(byte[] b) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        int p = 0;
        while (p < b.length) {
            if (b[p] == 0) break; // padding some writers leave
            int sp = p;
            long len = 0;
            while (sp < b.length && b[sp] >= '0' && b[sp] <= '9' && sp - p < 8) len = len * 10 + (b[sp++] - '0');
            if (sp == p || sp >= b.length || b[sp] != ' ' || len <= sp - p + 1 || p + len > b.length || b[(int) (p + len - 1)] != '\n')
                throw bad("a malformed PAX record");
            int eq = sp + 1;
            int end = (int) (p + len - 1);
            while (eq < end && b[eq] != '=') eq++;
            if (eq == end || eq == sp + 1) throw bad("a malformed PAX record");
            String key = utf8(Arrays.copyOfRange(b, sp + 1, eq));
            out.put(key, Arrays.copyOfRange(b, eq + 1, end));
            p += (int) len;
        }
        return out;
    }

    private String utf8(byte[] b) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad("a PAX key that is not UTF-8");
        }
    }

    private byte[] field(int off, int len) {
        int end = off;
        while (end < off + len && block[end] != 0) end++;
        return Arrays.copyOfRange(block, off, end);
    }

    private static byte[] trimNul(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return Arrays.copyOf(b, end);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    private IOException bad(String problem) {
        return new IOException(what + " holds " + problem + ": the archive is damaged or not made by an image tool");
    }

    private IOException truncated() {
        return new EOFException(what + " ends in the middle of an entry: the archive is truncated, make it again");
    }
}
