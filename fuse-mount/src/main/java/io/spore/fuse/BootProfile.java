package io.spore.fuse;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Varint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The order in which a mount first read an image's chunks, as indices into the image's chunk list
 * (stream order). Stored as one DAG-CBOR block that links to the image,
 * {@code {"v": 1, "image": CID, "order": bytes}} with {@code order} as unsigned varints, and
 * linked from a new root that is the image's root plus {@code profile} (image/FORMAT.md 4.6), so
 * the profile travels with the key.
 */
public record BootProfile(Cid image, int[] order) {
    /** A profile larger than this is cut: past that, background prefetch serves as well. */
    static final int MAX_BYTES = 1024 * 1024 - 4096;

    public byte[] encode() {
        ByteArrayOutputStream order = new ByteArrayOutputStream();
        for (int i : order()) {
            if (order.size() > MAX_BYTES - Varint.MAX_BYTES) break;
            order.writeBytes(Varint.encode(i));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        head(out, 5, 3);                                  // map of 3, keys in DAG-CBOR order
        text(out, "v");
        head(out, 0, 1);
        text(out, "image");
        head(out, 6, 42);
        byte[] cid = image.bytes();
        head(out, 2, cid.length + 1L);
        out.write(0);                                     // multibase identity prefix of a CBOR link
        out.writeBytes(cid);
        text(out, "order");
        byte[] o = order.toByteArray();
        head(out, 2, o.length);
        out.writeBytes(o);
        return out.toByteArray();
    }

    /** Parses a profile block; throws IOException naming the problem for anything else. */
    public static BootProfile decode(byte[] block) throws IOException {
        try {
            ByteBuffer in = ByteBuffer.wrap(block);
            if (readHead(in, 5) != 3) throw bad("not a map of 3");
            expectText(in, "v");
            if (readHead(in, 0) != 1) throw bad("unknown version");
            expectText(in, "image");
            if (readHead(in, 6) != 42) throw bad("image is not a link");
            byte[] link = bytes(in, readHead(in, 2));
            if (link.length < 2 || link[0] != 0) throw bad("bad link");
            Cid image = Cid.decode(Arrays.copyOfRange(link, 1, link.length));
            expectText(in, "order");
            ByteBuffer o = ByteBuffer.wrap(bytes(in, readHead(in, 2)));
            if (in.hasRemaining()) throw bad("trailing bytes");
            int[] order = new int[o.remaining()];
            int n = 0;
            while (o.hasRemaining()) {
                long v = Varint.read(o);
                if (v < 0 || v > Integer.MAX_VALUE) throw bad("chunk index out of range");
                order[n++] = (int) v;
            }
            return new BootProfile(image, Arrays.copyOf(order, n));
        } catch (RuntimeException e) {
            throw bad(e.getMessage());
        }
    }

    /**
     * Stores the profile block and a new image root that links it (FORMAT.md 4.2 {@code profile}):
     * the same tree and chunks under a new key. Returns that key.
     */
    public Cid store(BlockStore store, BlockSource blocks) throws IOException {
        Cid profile = store.put(Cid.DAG_CBOR, encode());
        byte[] root = store.has(image) ? store.get(image) : blocks.get(image);
        return store.put(Cid.DAG_CBOR, RootBlock.withProfile(root, profile));
    }

    /** The boot profile linked from image root {@code root}, if it has one. */
    public static Optional<BootProfile> load(BlockSource blocks, Cid root) throws IOException {
        Optional<Cid> link = RootBlock.profile(blocks.get(root));
        if (link.isEmpty()) return Optional.empty();
        return Optional.of(decode(blocks.get(link.get())));
    }

    private static IOException bad(String why) {
        return new IOException("not a boot profile block (" + why + "): record the profile again");
    }

    private static void head(ByteArrayOutputStream out, int major, long v) {
        int m = major << 5;
        if (v < 24) out.write(m | (int) v);
        else if (v < 0x100) { out.write(m | 24); out.write((int) v); }
        else if (v < 0x10000) { out.write(m | 25); out.write((int) (v >> 8)); out.write((int) v); }
        else if (v < 0x100000000L) { out.write(m | 26); for (int s = 24; s >= 0; s -= 8) out.write((int) (v >> s)); }
        else { out.write(m | 27); for (int s = 56; s >= 0; s -= 8) out.write((int) (v >> s)); }
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(out, 3, b.length);
        out.writeBytes(b);
    }

    private static long readHead(ByteBuffer in, int major) throws IOException {
        int b = in.get() & 0xff;
        if (b >> 5 != major) throw bad("unexpected CBOR major type " + (b >> 5));
        int info = b & 31;
        long v;
        if (info < 24) v = info;
        else if (info == 24) v = in.get() & 0xff;
        else if (info == 25) v = in.getShort() & 0xffff;
        else if (info == 26) v = in.getInt() & 0xffffffffL;
        else if (info == 27) v = in.getLong();
        else throw bad("indefinite or reserved length");
        return v;
    }

    private static void expectText(ByteBuffer in, String key) throws IOException {
        byte[] k = bytes(in, readHead(in, 3));
        if (!Arrays.equals(k, key.getBytes(StandardCharsets.UTF_8))) throw bad("expected key " + key);
    }

    private static byte[] bytes(ByteBuffer in, long n) throws IOException {
        if (n < 0 || n > in.remaining()) throw bad("length past the end");
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    @Override public boolean equals(Object o) {
        return o instanceof BootProfile p && image.equals(p.image) && Arrays.equals(order, p.order);
    }

    @Override public int hashCode() { return image.hashCode() * 31 + Arrays.hashCode(order); }

    @Override public String toString() { return "BootProfile[" + image + ", " + order.length + " chunks]"; }
}
