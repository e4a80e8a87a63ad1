package io.p2pkit.core.connmgr;

/** How a bump changes a decaying tag's value; the factories follow go-libp2p's bump functions. */
@FunctionalInterface
public interface BumpFunction {
    /** The value after bumping {@code value} by {@code delta}. */
    int bump(DecayingValue value, int delta);

    /** Adds the delta, saturating at the int range. */
    static BumpFunction sumUnbounded() {
        return (v, d) -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) v.value() + d));
    }

    /** Adds the delta and clamps to {@code [min, max]}. */
    static BumpFunction sumBounded(int min, int max) {
        return (v, d) -> (int) Math.max(min, Math.min(max, (long) v.value() + d));
    }

    /** Replaces the value with the delta. */
    static BumpFunction overwrite() {
        return (v, d) -> d;
    }
}
