package io.p2pkit.ipfs.bitswap.wire;

import io.p2pkit.ipfs.block.Block;

import java.util.List;

/**
 * One Bitswap message: wantlist changes (or a full wantlist), blocks, and block presences.
 *
 * @param wants        wantlist entries, cancels included
 * @param full         the wants replace the sender's whole wantlist
 * @param blocks       blocks, each with the CID its prefix and data give
 * @param presences    HAVE and DONT_HAVE answers
 * @param pendingBytes how many bytes the sender still has queued for the receiver (informational)
 */
public record BitswapMessage(List<WantEntry> wants, boolean full, List<Block> blocks, List<Presence> presences,
                             int pendingBytes) {
    public BitswapMessage {
        wants = List.copyOf(wants);
        blocks = List.copyOf(blocks);
        presences = List.copyOf(presences);
    }

    /** @return whether it carries nothing */
    public boolean isEmpty() {
        return wants.isEmpty() && !full && blocks.isEmpty() && presences.isEmpty();
    }
}
