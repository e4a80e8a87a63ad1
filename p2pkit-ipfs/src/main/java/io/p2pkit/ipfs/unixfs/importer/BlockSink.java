package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an import's blocks go. The importer hands over each block as soon as it is final, children
 * before the nodes that link to them and the root last, so a caller holding the pin lock
 * ({@link io.p2pkit.ipfs.pin.GcLock#pinLock()}) from before the import can pin the root after it.
 * Blocks with identity CIDs are not handed over: their CID carries them.
 */
@FunctionalInterface
public interface BlockSink {
    /** Drops every block: for computing CIDs only (Kubo's {@code --only-hash}). */
    BlockSink NONE = block -> {
    };

    /**
     * @param block a finished block
     * @throws IOException when it cannot be stored
     */
    void put(Block block) throws IOException;

    /**
     * Makes every block handed over so far stored. The importer calls it before an import
     * returns; a sink that batches writes them here.
     *
     * @throws IOException when they cannot be stored
     */
    default void flush() throws IOException {
    }

    /**
     * A raw leaf that is the range of {@code file} from {@code offset} ({@code add --nocopy}). A
     * sink that keeps references (a filestore's) records where the bytes are instead of them;
     * any other stores the block as {@link #put} does.
     *
     * @param block  the leaf
     * @param file   the file's absolute path
     * @param offset where the leaf starts in it
     * @throws IOException when it cannot be stored
     */
    default void putReference(Block block, Path file, long offset) throws IOException {
        put(block);
    }

    /**
     * Stores what was put before {@code failure} (a batching sink holds it until a flush); a
     * failure of that flush is added to {@code failure} as a suppressed exception, not thrown.
     *
     * @param failure what stopped the puts
     */
    default void flushAfter(Exception failure) {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * A sink that puts blocks into {@code store} in batches ({@link Blockstore#putMany}) of up to
     * 64 blocks or 16 MiB, so a disk store syncs each directory once per batch, not per block.
     * Blocks are stored in the order they were made, and all of them by the time the import returns.
     *
     * @param store where the blocks go
     * @return the sink
     */
    static BlockSink of(Blockstore store) {
        return batching(store, BatchingSink.MAX_BLOCKS, BatchingSink.MAX_BYTES);
    }

    /**
     * A sink that puts blocks into {@code store} in batches of up to {@code maxBlocks} blocks or
     * {@code maxBytes} bytes (a batch is stored once it reaches either), in the order they came;
     * {@link #flush} stores the last.
     *
     * @param store     where the blocks go
     * @param maxBlocks blocks per batch, positive
     * @param maxBytes  bytes per batch, positive
     * @return the sink
     */
    static BlockSink batching(Blockstore store, int maxBlocks, long maxBytes) {
        if (maxBlocks <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("a batch needs a positive size: " + maxBlocks + " blocks, " + maxBytes + " bytes");
        }
        return new BatchingSink(Objects.requireNonNull(store, "store"), maxBlocks, maxBytes);
    }
}
