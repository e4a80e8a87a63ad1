package io.p2pkit.core.connmgr;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How a decaying tag's value shrinks at each tick of its interval; empty removes the tag. The
 * factories follow go-libp2p's decay functions.
 */
@FunctionalInterface
public interface DecayFunction {
    /** The value after one tick at {@code nowNanos}, or empty to remove the tag. */
    OptionalInt decay(DecayingValue value, long nowNanos);

    /** Never decays. */
    static DecayFunction none() {
        return (v, now) -> OptionalInt.of(v.value());
    }

    /** Subtracts {@code amount} per tick; removed at zero or below. */
    static DecayFunction fixed(int amount) {
        return (v, now) -> {
            int after = v.value() - amount;
            return after <= 0 ? OptionalInt.empty() : OptionalInt.of(after);
        };
    }

    /** Multiplies by {@code coefficient} (0..1) per tick, rounding down; removed at zero. */
    static DecayFunction linear(double coefficient) {
        return (v, now) -> {
            int after = (int) Math.floor(v.value() * coefficient);
            return after <= 0 ? OptionalInt.empty() : OptionalInt.of(after);
        };
    }

    /** Keeps the value until the tag has not been bumped for {@code after}, then removes it. */
    static DecayFunction expireWhenInactive(Duration after) {
        long nanos = after.toNanos();
        return (v, now) -> now - v.lastBumpNanos() >= nanos ? OptionalInt.empty() : OptionalInt.of(v.value());
    }
}
