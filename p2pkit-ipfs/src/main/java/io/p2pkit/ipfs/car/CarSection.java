package io.p2pkit.ipfs.car;

import io.p2pkit.ipfs.block.Block;

/**
 * One section of a CAR's data: a block, and where it sits.
 *
 * @param block  the block, verified against its CID
 * @param offset where the section starts (at its length varint), counted from the start of the
 *               CARv1 payload: the number a CARv2 index stores
 * @param length the whole section in bytes: varint, CID and data
 */
public record CarSection(Block block, long offset, long length) {
}
