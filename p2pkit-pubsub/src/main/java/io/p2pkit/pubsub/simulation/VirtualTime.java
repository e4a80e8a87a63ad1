package io.p2pkit.pubsub.simulation;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Simulated time: a clock that stands still while events run, and a queue of events run in time
 * order (ties in the order they were scheduled). Everything runs on the caller's thread, so a run
 * is the same for the same seed however busy the machine is.
 */
final class VirtualTime extends Clock {
    /** Where the clock starts (2026-01-01T00:00:00Z): TTLs and sequence numbers see a plausible date. */
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;

    private record Event(long at, long order, Runnable action) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now;
    private long scheduled;
    private long run;

    /** Nanoseconds since the start of the simulation. */
    long nanos() {
        return now;
    }

    /** Runs {@code action} {@code delayNanos} from now (at once, after what is already due, if not positive). */
    void after(long delayNanos, Runnable action) {
        queue.add(new Event(now + Math.max(0, delayNanos), scheduled++, action));
    }

    /** Runs {@code action} every {@code periodNanos}, the first time {@code firstNanos} from now. */
    void every(long firstNanos, long periodNanos, Runnable action) {
        after(firstNanos, new Runnable() {
            @Override
            public void run() {
                action.run();
                after(periodNanos, this);
            }
        });
    }

    /**
     * Runs events in order until {@code done} holds (checked after each event) or the next event
     * is later than {@code untilNanos}; the clock then stands at the last event run, or at
     * {@code untilNanos} if the deadline was reached.
     *
     * @return whether {@code done} held
     */
    boolean runUntil(long untilNanos, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            Event e = queue.peek();
            if (e == null || e.at > untilNanos) {
                now = Math.max(now, untilNanos);
                return false;
            }
            queue.poll();
            now = e.at;
            run++;
            e.action.run();
        }
        return true;
    }

    /** Events run so far. */
    long eventsRun() {
        return run;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!zone.equals(ZoneOffset.UTC)) {
            throw new UnsupportedOperationException("virtual time is kept in UTC");
        }
        return this;
    }

    @Override
    public long millis() {
        return EPOCH_MILLIS + now / 1_000_000L;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(EPOCH_MILLIS).plusNanos(now);
    }
}
