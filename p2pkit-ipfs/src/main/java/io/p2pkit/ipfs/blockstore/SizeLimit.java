package io.p2pkit.ipfs.blockstore;

import io.p2pkit.ipfs.block.Block;

/** The block size limit every store applies on put. */
final class SizeLimit {
    /** With big blocks allowed, the largest array the JVM can hold is still the bound. */
    static final int BIG_BLOCK_MAX = Integer.MAX_VALUE - 8;

    private SizeLimit() {
    }

    static int of(boolean allowBigBlocks) {
        return allowBigBlocks ? BIG_BLOCK_MAX : Block.MAX_SIZE;
    }

    static void check(Block block, boolean allowBigBlocks) {
        int limit = of(allowBigBlocks);
        if (block.size() > limit) {
            throw new BlockTooLargeException(block.cid(), block.size(), limit);
        }
    }
}
