package io.p2pkit.ipfs.car;

import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

/**
 * What a CAR reader accepts at most. Every length read from a CAR is checked against these before
 * anything is allocated for it.
 *
 * @param maxHeaderSize the largest CARv1 header, in bytes (1 MiB by default: some 25,000 roots)
 * @param maxBlockSize  the largest block; a section may hold that plus its CID
 * @param maxIndexSize  the largest CARv2 index read into memory, in bytes (64 MiB by default:
 *                      1.6 million 32-byte digests)
 */
public record CarLimits(int maxHeaderSize, int maxBlockSize, long maxIndexSize) {
    /** 1 MiB headers, {@link Block#MAX_SIZE} blocks, 64 MiB indexes. */
    public static final CarLimits DEFAULT = new CarLimits(1 << 20, Block.MAX_SIZE, 64L << 20);

    /** The most bytes a binary CID takes: three 9-byte varints and the longest digest. */
    static final int MAX_CID_SIZE = 1 + 3 * 9 + Multihash.MAX_DIGEST_LENGTH;

    public CarLimits {
        if (maxHeaderSize < 1 || maxBlockSize < 0 || maxIndexSize < 0) {
            throw new IllegalArgumentException("CAR limits must be positive");
        }
    }

    /** @return the largest section: a block at the cap and the longest CID */
    public int maxSectionSize() {
        return maxBlockSize + MAX_CID_SIZE;
    }

    /** @return these limits with another block cap (for {@code --allow-big-block}) */
    public CarLimits withMaxBlockSize(int bytes) {
        return new CarLimits(maxHeaderSize, bytes, maxIndexSize);
    }
}
