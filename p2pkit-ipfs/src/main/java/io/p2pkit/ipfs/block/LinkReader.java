package io.p2pkit.ipfs.block;

import io.p2pkit.core.multiformats.Cid;

import java.util.List;

/**
 * The CIDs a block links to, as its codec reads them (dag-pb links, dag-cbor tag-42 links, none
 * for raw). Pins and garbage collection walk DAGs through this, without knowing the codecs.
 */
@FunctionalInterface
public interface LinkReader {
    /**
     * @param block a block
     * @return the CIDs it links to, in the order its codec lists them
     * @throws io.p2pkit.core.DecodeException when the block is malformed for its codec
     */
    List<Cid> links(Block block);
}
