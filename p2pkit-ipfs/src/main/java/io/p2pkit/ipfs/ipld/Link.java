package io.p2pkit.ipfs.ipld;

import io.p2pkit.core.multiformats.Cid;

import java.util.Objects;

/**
 * A link to another block: its CID.
 *
 * @param cid the CID linked to
 */
public record Link(Cid cid) implements Node {
    public Link {
        Objects.requireNonNull(cid, "cid");
    }

    @Override
    public Kind kind() {
        return Kind.LINK;
    }

    @Override
    public String toString() {
        return "Link(" + cid + ")";
    }
}
