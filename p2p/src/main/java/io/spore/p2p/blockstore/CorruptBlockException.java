package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;

/** Bytes that do not hash to the CID they were stored or sent under. */
public class CorruptBlockException extends IOException {
    private final transient Cid cid;

    public CorruptBlockException(Cid cid, String where) {
        super("block " + cid + " from " + where + " does not match its hash");
        this.cid = cid;
    }

    public Cid cid() { return cid; }
}
