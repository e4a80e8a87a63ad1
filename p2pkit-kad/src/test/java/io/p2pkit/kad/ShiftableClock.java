package io.p2pkit.kad;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that follows a base clock plus an offset that tests move forward, so that "half an hour
 * later" needs no waiting while timeouts measured on the real clock keep working.
 */
public final class ShiftableClock extends Clock {
    private final Clock base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    /** Follows {@code base}. */
    public ShiftableClock(Clock base) {
        this.base = base;
    }

    /** A clock standing still at {@code at} (plus the offset). */
    public static ShiftableClock fixed(Instant at) {
        return new ShiftableClock(Clock.fixed(at, ZoneOffset.UTC));
    }

    /** Moves the clock forward by {@code d}. */
    public void advance(Duration d) {
        offset.updateAndGet(o -> o.plus(d));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }
}
