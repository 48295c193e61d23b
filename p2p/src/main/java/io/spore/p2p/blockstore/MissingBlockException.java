package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;

/** A block that the store does not hold. */
public class MissingBlockException extends IOException {
    private final transient Cid cid;

    public MissingBlockException(Cid cid) {
        super("block " + cid + " is not in the local store (pull the image or start a daemon that can fetch it)");
        this.cid = cid;
    }

    public Cid cid() { return cid; }
}
