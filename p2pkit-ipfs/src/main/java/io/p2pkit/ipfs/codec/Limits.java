package io.p2pkit.ipfs.codec;

import io.p2pkit.ipfs.block.Block;

/**
 * What a decoder accepts at most, so that hostile input ends in a
 * {@link io.p2pkit.core.DecodeException} instead of a {@link StackOverflowError} or an
 * {@link OutOfMemoryError}.
 *
 * @param maxBlockSize the most bytes one block may have; {@link #DEFAULT} takes
 *                     {@link Block#MAX_SIZE} (2 MiB), as Kubo does without {@code --allow-big-block}
 * @param maxDepth     how deeply lists and maps may nest (a scalar at the top is depth 0)
 * @param maxNodes     how many data-model nodes (of any kind, containers included) one block may
 *                     decode to; this bounds the memory a small block can make us spend, since a
 *                     one-byte item becomes an object of tens of bytes
 */
public record Limits(int maxBlockSize, int maxDepth, int maxNodes) {
    /** 2 MiB blocks, 512 levels of nesting, 1,048,576 nodes. */
    public static final Limits DEFAULT = new Limits(Block.MAX_SIZE, 512, 1 << 20);

    public Limits {
        if (maxBlockSize < 1 || maxDepth < 1 || maxNodes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxBlockSize + ", " + maxDepth + ", " + maxNodes);
        }
    }

    /** @return these limits with another block size cap (for an {@code --allow-big-block} import) */
    public Limits withMaxBlockSize(int bytes) {
        return new Limits(bytes, maxDepth, maxNodes);
    }
}
