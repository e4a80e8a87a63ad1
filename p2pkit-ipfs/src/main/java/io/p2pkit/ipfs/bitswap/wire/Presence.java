package io.p2pkit.ipfs.bitswap.wire;

import io.p2pkit.core.multiformats.Cid;

import java.util.Objects;

/**
 * A block presence (1.2.0): the answer to a want-have, or to a want-block that asked for DONT_HAVE.
 *
 * @param cid  the block
 * @param have HAVE when true, DONT_HAVE when false
 */
public record Presence(Cid cid, boolean have) {
    public Presence {
        Objects.requireNonNull(cid, "cid");
    }
}
