package io.p2pkit.ipfs.block;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;

/** Bytes that do not match the CID they came with: refused, never stored. */
public final class BlockMismatchException extends DecodeException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;

    /**
     * @param cid    the CID the bytes claimed
     * @param reason what did not match
     */
    public BlockMismatchException(Cid cid, String reason) {
        super("block", cid + " does not match its data: " + reason);
        this.cid = cid;
    }

    /** @return the CID the bytes claimed */
    public Cid cid() {
        return cid;
    }
}
