package io.p2pkit.ipfs.block;

import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;
import java.util.Optional;

/** Where blocks are read from: a blockstore, a CAR file, the network. */
@FunctionalInterface
public interface BlockSource {
    /**
     * The block named {@code cid}.
     *
     * @param cid the block's CID (version and codec do not matter to the lookup; the multihash does)
     * @return the block, or empty when this source does not have it
     * @throws IOException when the source cannot be read
     */
    Optional<Block> get(Cid cid) throws IOException;
}
