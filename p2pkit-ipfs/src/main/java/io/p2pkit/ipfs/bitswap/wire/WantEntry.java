package io.p2pkit.ipfs.bitswap.wire;

import io.p2pkit.core.multiformats.Cid;

import java.util.Objects;

/**
 * One wantlist entry.
 *
 * @param cid          the block
 * @param priority     higher first, among one peer's wants
 * @param cancel       withdraws an earlier want for {@code cid}
 * @param type         block or have
 * @param sendDontHave answer DONT_HAVE when the block is not there (1.2.0)
 */
public record WantEntry(Cid cid, int priority, boolean cancel, WantType type, boolean sendDontHave) {
    public WantEntry {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(type, "type");
    }

    /** A want-block that asks for DONT_HAVE. */
    public static WantEntry block(Cid cid, int priority) {
        return new WantEntry(cid, priority, false, WantType.BLOCK, true);
    }

    /** A want-have that asks for DONT_HAVE. */
    public static WantEntry have(Cid cid, int priority) {
        return new WantEntry(cid, priority, false, WantType.HAVE, true);
    }

    /** A cancel. */
    public static WantEntry cancel(Cid cid) {
        return new WantEntry(cid, 0, true, WantType.BLOCK, false);
    }
}
