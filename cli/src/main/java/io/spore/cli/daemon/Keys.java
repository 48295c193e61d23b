package io.spore.cli.daemon;

import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.multiformats.Cid;

/** Image keys as the API receives them. Names (k51...) go through {@link Daemon#resolveKey}, not here. */
final class Keys {
    private Keys() {}

    static boolean isName(String key) {
        return IpnsName.looksLikeName(key);
    }

    static IpnsName parseName(String key) {
        try {
            return IpnsName.parse(key);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    static Cid parse(String key) {
        if (isName(key)) {
            throw new ApiException(400, "'" + key + "' is a name, and a name cannot be given here: give the image's bafy... key");
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
