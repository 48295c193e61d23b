package io.spore.fuse;

import io.spore.image.cbor.CborException;
import io.spore.image.cbor.CborValue;
import io.spore.image.cbor.DagCbor;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code profile} key of an image root (FORMAT.md 4.2): read it, or derive the root that
 * carries a profile. Goes through the strict DAG-CBOR codec without interpreting the other keys,
 * so it stays in step with the format: canonical encoding makes decode-then-encode the identity,
 * hence every other key and value keeps its bytes.
 */
final class RootBlock {
    static final String PROFILE = "profile";

    private RootBlock() {}

    /** The profile link of an image root block, if it has one. */
    static Optional<Cid> profile(byte[] root) throws IOException {
        CborValue p = map(root).get(PROFILE);
        if (p == null) return Optional.empty();
        if (!(p instanceof CborValue.Link link)) throw bad("profile is not a link");
        return Optional.of(link.cid());
    }

    /** {@code root} with its profile link set to {@code profile} (added, or replaced). */
    static byte[] withProfile(byte[] root, Cid profile) throws IOException {
        Map<String, CborValue> entries = new LinkedHashMap<>(map(root));
        entries.put(PROFILE, new CborValue.Link(profile));
        return DagCbor.encode(new CborValue.CMap(entries));
    }

    private static Map<String, CborValue> map(byte[] root) throws IOException {
        CborValue v;
        try {
            v = DagCbor.decode(root);
        } catch (CborException e) {
            throw bad(e.getMessage());
        }
        if (!(v instanceof CborValue.CMap m)) throw bad("not a map");
        return m.entries();
    }

    private static IOException bad(String why) {
        return new IOException("not an image root block (" + why + "): check the key");
    }
}
