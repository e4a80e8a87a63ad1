package io.p2pkit.ipfs.ipld;

/** The null value: there is only one. */
public enum NullNode implements Node {
    /** The null node. */
    INSTANCE;

    @Override
    public Kind kind() {
        return Kind.NULL;
    }

    @Override
    public String toString() {
        return "null";
    }
}
