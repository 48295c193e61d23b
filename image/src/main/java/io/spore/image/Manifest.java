package io.spore.image;

import io.spore.image.cbor.CborException;
import io.spore.image.cbor.CborValue;
import io.spore.image.cbor.CborWriter;
import io.spore.image.cbor.DagCbor;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Multihash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The manifest blocks of FORMAT.md section 4: encoding, and strict decoding of single blocks. */
final class Manifest {
    static final int BLOCK_LIMIT = 1 << 20;
    static final String FORMAT = "spore-image";
    static final int VERSION = 1;
    static final int MAX_NAME = 255;
    static final int MAX_TARGET = 4095;
    static final int MAX_XATTR_NAME = 255;
    static final int MAX_XATTR_VALUE = 65536;
    static final FileType[] KINDS = FileType.values();

    private Manifest() {}

    /** One entry as stored: depth and name instead of a path, a hard link as an index. */
    record Node(byte[] name, int depth, FileType type, int mode, int uid, int gid, long mtimeNanos, long size,
                byte[] target, int hardLink, long rdev, SortedMap<String, byte[]> xattrs) {}

    record ChunkRec(Cid cid, int length, int stored) {}

    record Root(List<Cid> entryPages, List<Cid> chunkPages, long entryCount, long chunkCount, long contentBytes, Cid profile) {}

    // ---- encoding ----

    /** Entry map of a non-hard-link entry, keys in canonical order (d g h k l m n r t u x z). */
    static void writeEntry(CborWriter w, Entry e, int depth) {
        int n = 0;
        byte[] name = e.name();
        boolean regular = e.type() == FileType.REGULAR;
        if (depth != 0) n++;
        if (e.gid() != 0) n++;
        if (e.type() != FileType.REGULAR) n++;
        if (e.type() == FileType.SYMLINK) n++;
        if (e.mode() != 0) n++;
        if (name.length != 0) n++;
        if (e.rdev() != 0) n++;
        if (e.mtimeNanos() != 0) n++;
        if (e.uid() != 0) n++;
        if (!e.xattrs().isEmpty()) n++;
        if (regular && e.size() != 0) n++;
        w.mapHeader(n);
        if (depth != 0) w.text("d").uint(depth);
        if (e.gid() != 0) w.text("g").uint(Integer.toUnsignedLong(e.gid()));
        if (e.type() != FileType.REGULAR) w.text("k").uint(e.type().ordinal());
        if (e.type() == FileType.SYMLINK) w.text("l").bytes(e.linkTarget());
        if (e.mode() != 0) w.text("m").uint(e.mode());
        if (name.length != 0) w.text("n").bytes(name);
        if (e.rdev() != 0) w.text("r").uint(e.rdev());
        if (e.mtimeNanos() != 0) w.text("t").integer(e.mtimeNanos());
        if (e.uid() != 0) w.text("u").uint(Integer.toUnsignedLong(e.uid()));
        if (!e.xattrs().isEmpty()) {
            List<String> keys = new ArrayList<>(e.xattrs().keySet());
            keys.sort(DagCbor.KEY_ORDER);
            w.text("x").mapHeader(keys.size());
            for (String k : keys) w.text(k).bytes(e.xattrs().get(k));
        }
        if (regular && e.size() != 0) w.text("z").uint(e.size());
    }

    static void writeHardLink(CborWriter w, byte[] name, int depth, int target) {
        w.mapHeader(3).text("d").uint(depth).text("h").uint(target).text("n").bytes(name);
    }

    static void writeChunk(CborWriter w, ChunkRec c) {
        w.arrayHeader(3).link(c.cid()).uint(c.length()).uint(c.stored());
    }

    static byte[] rootBlock(Root r) {
        CborWriter w = new CborWriter();
        w.mapHeader(r.profile() == null ? 7 : 8);
        w.text("chunks").arrayHeader(r.chunkPages().size());
        for (Cid c : r.chunkPages()) w.link(c);
        w.text("format").text(FORMAT);
        w.text("entries").arrayHeader(r.entryPages().size());
        for (Cid c : r.entryPages()) w.link(c);
        if (r.profile() != null) w.text("profile").link(r.profile());
        w.text("version").uint(VERSION);
        w.text("chunkCount").uint(r.chunkCount());
        w.text("entryCount").uint(r.entryCount());
        w.text("contentBytes").uint(r.contentBytes());
        return w.toByteArray();
    }

    /** Greedy pages of encoded items (FORMAT.md 4.5). */
    static final class PageBuilder {
        private final CborWriter body = new CborWriter(64 * 1024);
        private int count;

        boolean isEmpty() { return count == 0; }

        /** True when an item of {@code size} bytes still fits this page. */
        boolean fits(int size) {
            return (long) CborWriter.headSize(count + 1L) + body.size() + size <= BLOCK_LIMIT;
        }

        void add(CborWriter item) {
            body.append(item);
            count++;
        }

        byte[] take() {
            CborWriter w = new CborWriter(body.size() + 9);
            w.arrayHeader(count).append(body);
            body.reset();
            count = 0;
            return w.toByteArray();
        }
    }

    // ---- decoding ----

    static CborException bad(String what) { return new CborException("malformed image manifest: " + what); }

    static CborValue decodeBlock(Cid cid, byte[] block) throws CborException {
        if (cid.codec() != Cid.DAG_CBOR) throw bad("manifest block " + cid + " is not dag-cbor");
        if (block.length > BLOCK_LIMIT) throw bad("manifest block " + cid + " is larger than 1 MiB");
        return DagCbor.decode(block);
    }

    static Root decodeRoot(Cid cid, byte[] block) throws CborException {
        if (!(decodeBlock(cid, block) instanceof CborValue.CMap m)) throw bad("the root is not a map");
        for (String k : m.entries().keySet()) {
            switch (k) {
                case "chunks", "format", "entries", "profile", "version", "chunkCount", "entryCount", "contentBytes" -> {}
                default -> throw bad("unknown root field '" + k + "'");
            }
        }
        if (!(m.entries().get("format") instanceof CborValue.Text t) || !t.value().equals(FORMAT))
            throw bad("the root is not a Spore image (format field)");
        long version = uint(m.entries().get("version"), "version");
        if (version != VERSION) throw new CborException("image format version " + version + " is not supported by this Spore (it reads version " + VERSION + "): upgrade Spore");
        List<Cid> entries = links(m.entries().get("entries"), "entries", Cid.DAG_CBOR);
        if (entries.isEmpty()) throw bad("no entry pages");
        List<Cid> chunks = links(m.entries().get("chunks"), "chunks", Cid.DAG_CBOR);
        CborValue p = m.entries().get("profile");
        Cid profile = null;
        if (p != null) {
            if (!(p instanceof CborValue.Link l)) throw bad("profile is not a link");
            profile = l.cid();
        }
        return new Root(entries, chunks, uint(m.entries().get("entryCount"), "entryCount"),
                uint(m.entries().get("chunkCount"), "chunkCount"), uint(m.entries().get("contentBytes"), "contentBytes"), profile);
    }

    private static List<Cid> links(CborValue v, String field, int codec) throws CborException {
        if (!(v instanceof CborValue.Array a)) throw bad(field + " is missing or not an array");
        List<Cid> out = new ArrayList<>(a.items().size());
        for (CborValue item : a.items()) out.add(link(item, field, codec));
        return out;
    }

    private static Cid link(CborValue v, String field, int codec) throws CborException {
        if (!(v instanceof CborValue.Link l)) throw bad(field + " holds something that is not a link");
        Cid c = l.cid();
        if (c.version() != 1 || c.codec() != codec || c.multihash().code() != Multihash.SHA2_256)
            throw bad(field + " links to " + c + ", not a sha2-256 CIDv1 of codec 0x" + Integer.toHexString(codec));
        return c;
    }

    /** A uint field that must fit a signed long (sizes, counts). */
    private static long uint(CborValue v, String field) throws CborException {
        if (!(v instanceof CborValue.Int i) || i.negative() || i.raw() < 0) throw bad(field + " is missing or not an unsigned integer");
        return i.raw();
    }

    private static long bounded(CborValue v, String field, long max) throws CborException {
        long x = uint(v, field);
        if (x > max) throw bad(field + " out of range: " + x);
        return x;
    }

    static List<Node> decodeEntryPage(Cid cid, byte[] block) throws CborException {
        if (!(decodeBlock(cid, block) instanceof CborValue.Array a) || a.items().isEmpty())
            throw bad("entry page " + cid + " is not a non-empty array");
        List<Node> out = new ArrayList<>(a.items().size());
        for (CborValue v : a.items()) {
            if (!(v instanceof CborValue.CMap m)) throw bad("an entry of page " + cid + " is not a map");
            out.add(node(m.entries()));
        }
        return out;
    }

    private static Node node(Map<String, CborValue> f) throws CborException {
        int depth = (int) bounded(f.getOrDefault("d", ZERO), "depth", Integer.MAX_VALUE);
        byte[] name = bytes(f.get("n"), "name", MAX_NAME, new byte[0]);
        checkName(name, depth);
        if (f.containsKey("h")) {
            if (f.size() != 3 || !f.containsKey("n") || !f.containsKey("d")) throw bad("a hard-link entry holds fields besides d, h and n");
            return new Node(name, depth, null, 0, 0, 0, 0, 0, null, (int) bounded(f.get("h"), "hard link", Integer.MAX_VALUE), 0, null);
        }
        for (String k : f.keySet())
            if (k.length() != 1 || "dgklmnrtuxz".indexOf(k.charAt(0)) < 0) throw bad("unknown entry field '" + k + "'");
        FileType type = KINDS[(int) bounded(f.getOrDefault("k", ZERO), "kind", KINDS.length - 1)];
        if (f.get("k") instanceof CborValue.Int i && i.raw() == 0) throw bad("kind 0 written out (defaults are omitted)");
        int mode = (int) bounded(f.getOrDefault("m", ZERO), "mode", 07777);
        int uid = (int) bounded(f.getOrDefault("u", ZERO), "uid", 0xFFFFFFFFL);
        int gid = (int) bounded(f.getOrDefault("g", ZERO), "gid", 0xFFFFFFFFL);
        long mtime = 0;
        if (f.containsKey("t")) {
            if (!(f.get("t") instanceof CborValue.Int t)) throw bad("mtime is not an integer");
            mtime = t.longValue();
        }
        long rdev = 0;
        if (f.containsKey("r")) {
            if (type != FileType.CHAR_DEVICE && type != FileType.BLOCK_DEVICE) throw bad("a device number on a " + type);
            if (!(f.get("r") instanceof CborValue.Int r) || r.negative()) throw bad("rdev is not an unsigned integer");
            rdev = r.raw();
        }
        long size = 0;
        if (f.containsKey("z")) {
            if (type != FileType.REGULAR) throw bad("a size on a " + type);
            size = uint(f.get("z"), "size");
        }
        byte[] target = null;
        if (type == FileType.SYMLINK) {
            if (!f.containsKey("l")) throw bad("a symlink without a target");
            target = bytes(f.get("l"), "symlink target", MAX_TARGET, null);
            size = target.length;
        } else if (f.containsKey("l")) throw bad("a target on a " + type);
        if (type == FileType.DIRECTORY && depth > 0 && name.length == 0) throw bad("a directory without a name");
        SortedMap<String, byte[]> xattrs = Collections.emptySortedMap();
        if (f.containsKey("x")) {
            if (!(f.get("x") instanceof CborValue.CMap xm) || xm.entries().isEmpty()) throw bad("xattrs are not a non-empty map");
            TreeMap<String, byte[]> x = new TreeMap<>();
            for (var en : xm.entries().entrySet()) {
                int nl = en.getKey().getBytes(StandardCharsets.UTF_8).length;
                if (nl == 0 || nl > MAX_XATTR_NAME) throw bad("xattr name length " + nl);
                x.put(en.getKey(), bytes(en.getValue(), "xattr value", MAX_XATTR_VALUE, new byte[0]));
            }
            xattrs = Collections.unmodifiableSortedMap(x);
        }
        for (String k : List.of("d", "g", "m", "r", "t", "u", "z"))
            if (f.get(k) instanceof CborValue.Int i && i.raw() == 0 && !i.negative()) throw bad("field " + k + " written with its default 0");
        return new Node(name, depth, type, mode, uid, gid, mtime, size, target, -1, rdev, xattrs);
    }

    private static final CborValue ZERO = CborValue.Int.of(0);

    private static byte[] bytes(CborValue v, String field, int max, byte[] absent) throws CborException {
        if (v == null && absent != null) return absent;
        if (!(v instanceof CborValue.Bytes b)) throw bad(field + " is missing or not a byte string");
        if (b.value().length > max) throw bad(field + " longer than " + max + " bytes");
        if (absent != null && absent.length == 0 && b.value().length == 0 && !field.equals("xattr value"))
            throw bad(field + " written empty (defaults are omitted)");
        if (absent == null && b.value().length == 0) throw bad(field + " is empty");
        return b.value();
    }

    private static void checkName(byte[] name, int depth) throws CborException {
        if (depth == 0) {
            if (name.length != 0) throw bad("an entry at depth 0 with a name");
            return;
        }
        if (name.length == 0) throw bad("an entry without a name");
        if ((name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.'))
            throw bad("an entry named . or ..");
        for (byte b : name) if (b == '/' || b == 0) throw bad("a name holding '/' or NUL");
    }

    static List<ChunkRec> decodeChunkPage(Cid cid, byte[] block) throws CborException {
        if (!(decodeBlock(cid, block) instanceof CborValue.Array a) || a.items().isEmpty())
            throw bad("chunk page " + cid + " is not a non-empty array");
        List<ChunkRec> out = new ArrayList<>(a.items().size());
        for (CborValue v : a.items()) {
            if (!(v instanceof CborValue.Array r) || r.items().size() != 3) throw bad("a chunk record is not a 3-item array");
            Cid c = link(r.items().get(0), "chunk", Cid.RAW);
            int len = (int) bounded(r.items().get(1), "chunk length", FastCdc.MAX);
            int stored = (int) bounded(r.items().get(2), "chunk stored size", BLOCK_LIMIT);
            if (len == 0 || stored == 0) throw bad("an empty chunk");
            out.add(new ChunkRec(c, len, stored));
        }
        return out;
    }
}
