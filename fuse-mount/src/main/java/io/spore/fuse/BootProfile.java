package io.spore.fuse;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Varint;

import io.spore.image.cbor.CborException;
import io.spore.image.cbor.CborValue;
import io.spore.image.cbor.DagCbor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
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
        return DagCbor.encode(new CborValue.CMap(Map.of(
                "v", CborValue.Int.of(1),
                "image", new CborValue.Link(image),
                "order", new CborValue.Bytes(order.toByteArray()))));
    }

    /** Parses a profile block; throws IOException naming the problem for anything else. */
    public static BootProfile decode(byte[] block) throws IOException {
        try {
            if (!(DagCbor.decode(block) instanceof CborValue.CMap(Map<String, CborValue> m)) || m.size() != 3) {
                throw bad("not a map of 3");
            }
            if (!(m.get("v") instanceof CborValue.Int v) || v.longValue() != 1) throw bad("unknown version");
            if (!(m.get("image") instanceof CborValue.Link(Cid image))) throw bad("image is not a link");
            if (!(m.get("order") instanceof CborValue.Bytes(byte[] bytes))) throw bad("order is not bytes");
            ByteBuffer o = ByteBuffer.wrap(bytes);
            int[] order = new int[o.remaining()];
            int n = 0;
            while (o.hasRemaining()) {
                long i = Varint.read(o);
                if (i > Integer.MAX_VALUE) throw bad("chunk index out of range");
                order[n++] = (int) i;
            }
            return new BootProfile(image, Arrays.copyOf(order, n));
        } catch (CborException | IllegalArgumentException e) {
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

    @Override public boolean equals(Object o) {
        return o instanceof BootProfile p && image.equals(p.image) && Arrays.equals(order, p.order);
    }

    @Override public int hashCode() { return image.hashCode() * 31 + Arrays.hashCode(order); }

    @Override public String toString() { return "BootProfile[" + image + ", " + order.length + " chunks]"; }
}
