package io.spore.cli.daemon;

import io.spore.p2p.multiformats.Cid;

/** Image keys as the API receives them. */
final class Keys {
    private Keys() {}

    static Cid parse(String key) {
        if (key.startsWith("k51")) {
            throw new ApiException(400, "'" + key + "' is a name: resolving names is not implemented yet; give the image's bafy... key");
        }
        Cid cid;
        try {
            cid = Cid.parse(key);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "'" + key + "' is not a valid key: give the bafy... key that 'container share' printed");
        }
        if (cid.codec() != Cid.DAG_CBOR) {
            throw new ApiException(400, "'" + key + "' is not an image key (it names a raw block): give the bafy... key that 'container share' printed");
        }
        return cid;
    }
}
