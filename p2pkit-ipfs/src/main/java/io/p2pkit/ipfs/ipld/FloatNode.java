package io.p2pkit.ipfs.ipld;

/**
 * A 64-bit float. NaN and the infinities are not IPLD values and are refused; negative zero is a
 * value of its own (it encodes differently from zero, so it is not equal to it).
 *
 * @param value the value, finite
 */
public record FloatNode(double value) implements Node {
    /**
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    public FloatNode {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("IPLD floats are finite, not " + value);
        }
    }

    @Override
    public Kind kind() {
        return Kind.FLOAT;
    }

    @Override
    public String toString() {
        return Double.toString(value);
    }
}
