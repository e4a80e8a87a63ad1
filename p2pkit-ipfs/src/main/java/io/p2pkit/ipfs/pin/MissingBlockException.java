package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;

/**
 * A DAG walk needed a block that is neither here nor (where the walk may fetch) on the network.
 * Pinning refuses to record the pin; garbage collection refuses to delete anything.
 */
public final class MissingBlockException extends PinException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;
    private final transient Cid root;

    /**
     * @param cid  the missing block
     * @param root the root of the DAG being walked
     * @param what what the walk was for
     */
    public MissingBlockException(Cid cid, Cid root, String what) {
        super(what + ": block " + cid + (cid.equals(root) ? "" : " under " + root) + " is not available");
        this.cid = cid;
        this.root = root;
    }

    /** @return the missing block */
    public Cid cid() {
        return cid;
    }

    /** @return the root of the DAG being walked */
    public Cid root() {
        return root;
    }
}
