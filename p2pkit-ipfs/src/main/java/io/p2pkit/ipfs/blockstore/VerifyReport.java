package io.p2pkit.ipfs.blockstore;

import java.util.List;

/**
 * What re-hashing every stored block found.
 *
 * @param checked      blocks read and hashed
 * @param unverifiable blocks whose hash function p2pkit cannot compute (kept, not judged)
 * @param bad          how many files failed (may exceed {@code badBlocks.size()})
 * @param badBlocks    the failures, the first {@link #MAX_LISTED} of them
 */
public record VerifyReport(long checked, long unverifiable, long bad, List<BadBlock> badBlocks) {
    /** At most this many failures are listed; the rest are only counted. */
    public static final int MAX_LISTED = 10_000;

    /** @param badBlocks copied */
    public VerifyReport {
        badBlocks = List.copyOf(badBlocks);
    }

    /** @return whether nothing failed */
    public boolean ok() {
        return bad == 0;
    }
}
