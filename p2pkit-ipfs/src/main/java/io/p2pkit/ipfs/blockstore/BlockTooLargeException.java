package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;

/**
 * A block over the size limit ({@link io.p2pkit.ipfs.block.Block#MAX_SIZE} unless big blocks are
 * allowed) was offered to a store: refused, as Kubo refuses it without {@code --allow-big-block}.
 */
public final class BlockTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;
    /** The block's size in bytes. */
    private final long size;
    /** The limit in force. */
    private final long limit;

    /**
     * @param cid   the block's CID
     * @param size  its size in bytes
     * @param limit the limit in force
     */
    public BlockTooLargeException(Cid cid, long size, long limit) {
        super("block " + cid + " has " + size + " bytes, over the limit of " + limit
                + " (allow big blocks to store it anyway)");
        this.cid = cid;
        this.size = size;
        this.limit = limit;
    }

    /** @return the block's CID */
    public Cid cid() {
        return cid;
    }

    /** @return its size in bytes */
    public long size() {
        return size;
    }

    /** @return the limit in force */
    public long limit() {
        return limit;
    }
}
