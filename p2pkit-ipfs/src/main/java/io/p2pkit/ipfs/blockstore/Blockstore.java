package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Where a node keeps blocks: the SPI every tier implements (memory, disk, the tiered composition).
 *
 * <p><b>Keyed by multihash</b>, as Kubo's blockstore is since 0.12: a CIDv0 and the CIDv1 of the
 * same multihash (and CIDs of the same multihash with other codecs) name one stored block. The
 * store keeps bytes only; {@link #get} hands them back inside a {@link Block} that carries the
 * CID the caller asked with, so asking for {@code bafy…} after storing {@code Qm…} gives a block
 * whose {@code cid()} is {@code bafy…}. The other operations take the {@link Multihash} to make
 * that keying visible.
 *
 * <p>Stores trust the {@link Block}s they are given: blocks from outside are checked once, by
 * {@link Block#verified}, before they get here. Blocks over {@link Block#MAX_SIZE} are refused
 * with {@link BlockTooLargeException} unless the store was configured to allow big blocks.
 *
 * <p>Implementations are safe for concurrent use.
 */
public interface Blockstore extends BlockSource, Closeable {
    /**
     * The block whose multihash is {@code cid}'s.
     *
     * @param cid the CID to look up by its multihash and to put into the returned block
     * @return the block, with {@code cid} as its CID, or empty when it is not here
     * @throws CorruptBlockException when the stored bytes are damaged (stores that check on read)
     * @throws IOException           when the store cannot be read
     */
    @Override
    Optional<Block> get(Cid cid) throws IOException;

    /**
     * Stores a block. Idempotent: storing a block that is already here changes nothing.
     *
     * @param block the block
     * @throws BlockTooLargeException when the block is over the size limit
     * @throws IOException            when it cannot be written
     */
    void put(Block block) throws IOException;

    /**
     * Stores several blocks, as {@link #put} each would, and returns when all are stored. Stores
     * that can make a batch cheaper than its puts (one directory sync for many files) override it.
     *
     * @param blocks the blocks, in the order they should become visible where the store keeps one
     * @throws BlockTooLargeException when a block is over the size limit (blocks before it may be stored)
     * @throws IOException            when they cannot be written
     */
    default void putMany(List<Block> blocks) throws IOException {
        for (Block b : blocks) {
            put(b);
        }
    }

    /**
     * A writer whose batches become durable together, at its {@link BlockWrites#sync}. Stores
     * whose puts are durable when they return (the default) give one whose batches are
     * {@link #putMany} calls and whose sync does nothing more.
     *
     * @return a writer for one caller
     */
    default BlockWrites writes() {
        return new BlockWrites() {
            @Override
            public void putMany(List<Block> blocks) throws IOException {
                Blockstore.this.putMany(blocks);
            }

            @Override
            public void sync() {
                // each putMany was durable when it returned
            }
        };
    }

    /**
     * @param key a multihash
     * @return whether a block with this multihash is here
     * @throws IOException when the store cannot be read
     */
    boolean has(Multihash key) throws IOException;

    /**
     * Removes a block.
     *
     * @param key its multihash
     * @return whether it was here
     * @throws IOException when it cannot be removed
     */
    boolean delete(Multihash key) throws IOException;

    /**
     * @param key a multihash
     * @return the size in bytes of the block with this multihash, or empty when it is not here
     * @throws IOException when the store cannot be read
     */
    OptionalInt sizeOf(Multihash key) throws IOException;

    /**
     * The multihashes of every block here, in no particular order. The stream may read the store
     * lazily: close it (try-with-resources). Blocks put or deleted while it is read may or may
     * not be seen.
     *
     * @return the keys
     * @throws IOException when the store cannot be listed
     */
    Stream<Multihash> keys() throws IOException;

    /**
     * Whether a block is kept as a reference to bytes outside the store (a filestore's), whose
     * bytes are checked against the file on every read: a tier above must not cache a copy.
     *
     * @param key a multihash
     * @return true for such a block; false for a stored one or one not here
     * @throws IOException when the store cannot be read
     */
    default boolean isReference(Multihash key) throws IOException {
        return false;
    }

    /** @return how many blocks are here */
    long count();

    /** @return the total size of the blocks here, in bytes */
    long totalSize();
}
