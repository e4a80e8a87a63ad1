package io.p2pkit.ipfs.blockstore;

import io.p2pkit.ipfs.block.Block;

import java.io.IOException;
import java.util.List;

/**
 * One writer's batches into a {@link Blockstore}, made durable together: each
 * {@link #putMany} stores its blocks (readable at once), and {@link #sync} returns once every
 * block put through this writer survives a crash. A store that syncs directories after writing
 * files syncs each directory once per {@link #sync} instead of once per batch: an import of many
 * small blocks, whose batches spread over most of the shard directories, saves most of those
 * syncs. Until {@link #sync}, another put of the same block still returns only once it is durable.
 *
 * <p>Obtained from {@link Blockstore#writes()}; used by one writer at a time.
 */
public interface BlockWrites {
    /**
     * Stores the blocks, as {@link Blockstore#putMany} does, leaving their durability to {@link #sync}.
     *
     * @param blocks the blocks
     * @throws BlockTooLargeException when a block is over the size limit (blocks before it may be stored)
     * @throws IOException            when they cannot be written
     */
    void putMany(List<Block> blocks) throws IOException;

    /**
     * Returns once every block put through this writer so far is durable.
     *
     * @throws IOException when the store cannot make them so
     */
    void sync() throws IOException;
}
