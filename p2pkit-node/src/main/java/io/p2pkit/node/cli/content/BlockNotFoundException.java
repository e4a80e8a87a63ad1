package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;

/**
 * A block a command needs is not in the repository. Commands work offline on the local
 * repository, so the message says that too.
 */
public final class BlockNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;
    private final transient Cid parent;

    /** @param cid the missing block */
    public BlockNotFoundException(Cid cid) {
        this(cid, null);
    }

    /**
     * @param cid    the missing block
     * @param parent the block that links to it, or null
     */
    public BlockNotFoundException(Cid cid, Cid parent) {
        super("block " + cid + (parent == null ? "" : " (linked from " + parent + ")")
                + " is not in the repository (these commands work offline: import or add it first)");
        this.cid = cid;
        this.parent = parent;
    }

    /** @return the missing block's CID */
    public Cid cid() {
        return cid;
    }

    /** @return the block that links to the missing one, when known */
    public java.util.Optional<Cid> parent() {
        return java.util.Optional.ofNullable(parent);
    }
}
