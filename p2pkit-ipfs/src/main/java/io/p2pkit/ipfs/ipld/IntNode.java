package io.p2pkit.ipfs.ipld;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An integer from -2<sup>64</sup> to 2<sup>64</sup>-1: the range DAG-CBOR can write (major types 0
 * and 1 with a 64-bit argument), which is wider than a {@code long} at both ends. Values that fit a
 * {@code long} are the common case and cost nothing extra; {@link #bigIntegerValue()} covers the rest.
 */
public final class IntNode implements Node {
    /** The smallest integer: -2<sup>64</sup>. */
    public static final BigInteger MIN = BigInteger.ONE.shiftLeft(64).negate();
    /** The largest integer: 2<sup>64</sup>-1. */
    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static final BigInteger MINUS_ONE = BigInteger.ONE.negate();

    // The value is `bits` read as unsigned when not negative, and -1 - (`bits` read as unsigned)
    // when negative: the same pair CBOR writes, so every value has exactly one representation.
    private final boolean negative;
    private final long bits;

    private IntNode(boolean negative, long bits) {
        this.negative = negative;
        this.bits = bits;
    }

    /** @return the integer {@code value} */
    public static IntNode of(long value) {
        return value >= 0 ? new IntNode(false, value) : new IntNode(true, ~value);
    }

    /**
     * @param bits a value from 0 to 2<sup>64</sup>-1, given as the bits of a {@code long}
     *             ({@code -1L} is 2<sup>64</sup>-1)
     * @return that non-negative integer
     */
    public static IntNode ofUnsigned(long bits) {
        return new IntNode(false, bits);
    }

    /**
     * @return the integer {@code value}
     * @throws IllegalArgumentException unless -2<sup>64</sup> &lt;= value &lt;= 2<sup>64</sup>-1
     */
    public static IntNode of(BigInteger value) {
        Objects.requireNonNull(value, "value");
        if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("integer " + value + " is outside -2^64 .. 2^64-1");
        }
        if (value.signum() >= 0) {
            return new IntNode(false, value.longValue());
        }
        return new IntNode(true, MINUS_ONE.subtract(value).longValue());
    }

    /** @return whether the value fits a {@code long} */
    public boolean fitsLong() {
        return bits >= 0;
    }

    /**
     * @return the value
     * @throws ArithmeticException when it does not fit a {@code long} (see {@link #fitsLong()})
     */
    public long longValue() {
        if (bits < 0) {
            throw new ArithmeticException("integer " + this + " does not fit a long");
        }
        return negative ? ~bits : bits;
    }

    /** @return the value, whatever its size */
    public BigInteger bigIntegerValue() {
        if (bits >= 0) {
            return BigInteger.valueOf(negative ? ~bits : bits);
        }
        BigInteger magnitude = new BigInteger(Long.toUnsignedString(bits));
        return negative ? MINUS_ONE.subtract(magnitude) : magnitude;
    }

    /** @return -1, 0 or 1 as the value is negative, zero or positive */
    public int signum() {
        return negative ? -1 : bits == 0 ? 0 : 1;
    }

    @Override
    public Kind kind() {
        return Kind.INTEGER;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntNode other && negative == other.negative && bits == other.bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits) * 31 + (negative ? 1 : 0);
    }

    /** @return the value in decimal */
    @Override
    public String toString() {
        return bits >= 0 ? Long.toString(negative ? ~bits : bits) : bigIntegerValue().toString();
    }
}
