package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.IOException;
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

    /** @return a sink that puts every block into {@code store} */
    static BlockSink of(Blockstore store) {
        Objects.requireNonNull(store, "store");
        return store::put;
    }
}
