package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;

/** A block the exporter needs is not in its block source. */
public final class BlockNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;

    /** @param cid the missing block */
    public BlockNotFoundException(Cid cid) {
        super("block " + cid + " not found");
        this.cid = cid;
    }

    /** @return the missing block's CID */
    public Cid cid() {
        return cid;
    }
}
