package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;

import java.util.List;

/**
 * What {@code pin verify} found under one recursive pin, as Kubo reports it.
 *
 * @param root     the pinned CID
 * @param badNodes the blocks under it that are missing or damaged, at most {@link #MAX_LISTED}
 */
public record PinVerifyResult(Cid root, List<BadNode> badNodes) {
    /** At most this many bad blocks are listed per pin. */
    public static final int MAX_LISTED = 1000;

    /**
     * A block that failed.
     *
     * @param cid   the block
     * @param error what is wrong
     */
    public record BadNode(Cid cid, String error) {
    }

    /** @param badNodes copied */
    public PinVerifyResult {
        badNodes = List.copyOf(badNodes);
    }

    /** @return whether every block under the pin is present and intact */
    public boolean ok() {
        return badNodes.isEmpty();
    }
}
