package io.p2pkit.ipfs.ipld;

/**
 * A boolean.
 *
 * @param value the value
 */
public record BoolNode(boolean value) implements Node {
    /** The true node. */
    public static final BoolNode TRUE = new BoolNode(true);
    /** The false node. */
    public static final BoolNode FALSE = new BoolNode(false);

    /** @return {@link #TRUE} or {@link #FALSE} */
    public static BoolNode of(boolean value) {
        return value ? TRUE : FALSE;
    }

    @Override
    public Kind kind() {
        return Kind.BOOLEAN;
    }

    @Override
    public String toString() {
        return Boolean.toString(value);
    }
}
