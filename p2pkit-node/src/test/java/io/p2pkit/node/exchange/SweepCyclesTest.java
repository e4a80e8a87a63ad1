package io.p2pkit.node.exchange;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the sweeping provider's next cycle begins, from what a restart finds kept. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SweepCyclesTest {
    private static final Duration INTERVAL = Duration.ofHours(22);
    private static final Duration SLICE = INTERVAL.dividedBy(SweepKeystore.SLICES);
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    /** The start of a cycle whose every slice is due now. */
    private static final Instant EVERY_DUE = NOW.minus(SLICE.multipliedBy(SweepKeystore.SLICES - 1));

    private static SweepCycles.Cycle plan(Optional<SweepCycles.Cycle> kept, Optional<Instant> lastRun, boolean stored) {
        return SweepCycles.plan(kept, lastRun, stored, NOW, INTERVAL);
    }

    @Test
    void withNothingKeptEverySliceIsDueAtOnce() {
        SweepCycles.Cycle c = plan(Optional.empty(), Optional.empty(), false);
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false), c);
        assertEquals(NOW, c.start().plus(SLICE.multipliedBy(SweepKeystore.SLICES - 1)), "the last slice due now");
        assertEquals(NOW.plus(SLICE), c.start().plus(INTERVAL), "the next cycle one slice later");
    }

    @Test
    void aCycleUnderWayGoesOnWhereItWas() {
        Instant start = NOW.minus(SLICE.multipliedBy(100));
        SweepCycles.Cycle kept = new SweepCycles.Cycle(start, 97, true);
        assertEquals(new SweepCycles.Cycle(start, 97, true), plan(Optional.of(kept), Optional.empty(), true),
                "slices 97 to 100 due now, the rest at their times");
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false), plan(Optional.of(kept), Optional.empty(), false),
                "its keystore lost: everything again");
    }

    @Test
    void aCycleBegunMoreThanAnIntervalAgoIsNotResumed() {
        SweepCycles.Cycle kept = new SweepCycles.Cycle(NOW.minus(INTERVAL).minusSeconds(1), 200, true);
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false), plan(Optional.of(kept), Optional.empty(), true));
    }

    @Test
    void theCycleAfterAFinishedOneBeginsAnIntervalLater() {
        Instant start = NOW.minus(Duration.ofHours(3));
        SweepCycles.Cycle kept = new SweepCycles.Cycle(start, SweepKeystore.SLICES, true);
        assertEquals(new SweepCycles.Cycle(start.plus(INTERVAL), 0, false), plan(Optional.of(kept), Optional.empty(), true));
        // finished long ago: its next cycle would leave slices unswept for more than an interval
        SweepCycles.Cycle old = new SweepCycles.Cycle(NOW.minus(Duration.ofHours(50)), SweepKeystore.SLICES, true);
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false), plan(Optional.of(old), Optional.empty(), true));
        // finished 30 h ago: the next cycle began 8 h ago, its first slices are due now, the rest at their times
        SweepCycles.Cycle late = new SweepCycles.Cycle(NOW.minus(Duration.ofHours(30)), SweepKeystore.SLICES, true);
        assertEquals(new SweepCycles.Cycle(NOW.minus(Duration.ofHours(8)), 0, false),
                plan(Optional.of(late), Optional.empty(), true));
    }

    @Test
    void aWholeRunKeptByAnOlderBuildStartsTheFirstCycleOneSliceAfterIt() {
        Instant last = NOW.minus(Duration.ofHours(2));
        assertEquals(new SweepCycles.Cycle(last.plus(SLICE), 0, false), plan(Optional.empty(), Optional.of(last), false),
                "each slice's next sweep at most an interval after that run");
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false),
                plan(Optional.empty(), Optional.of(NOW.minus(Duration.ofDays(3))), false));
    }

    @Test
    void timesInTheFutureAreNotBelieved() {
        SweepCycles.Cycle future = new SweepCycles.Cycle(NOW.plus(Duration.ofDays(30)), 5, true);
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false), plan(Optional.of(future), Optional.empty(), true));
        assertEquals(new SweepCycles.Cycle(EVERY_DUE, 0, false),
                plan(Optional.empty(), Optional.of(NOW.plus(Duration.ofDays(30))), false));
    }
}
