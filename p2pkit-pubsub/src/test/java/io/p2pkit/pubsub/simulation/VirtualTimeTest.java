package io.p2pkit.pubsub.simulation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulation's clock and event queue. */
class VirtualTimeTest {
    @Test
    void eventsRunInTimeOrderAndTiesInTheOrderScheduled() {
        VirtualTime time = new VirtualTime();
        List<String> ran = new ArrayList<>();
        time.after(20, () -> ran.add("b@" + time.nanos()));
        time.after(10, () -> ran.add("a@" + time.nanos()));
        time.after(20, () -> ran.add("c@" + time.nanos()));
        time.after(-5, () -> ran.add("now@" + time.nanos()));
        assertFalse(time.runUntil(100, () -> false));
        assertEquals(List.of("now@0", "a@10", "b@20", "c@20"), ran);
        assertEquals(100, time.nanos(), "the clock stands at the deadline once nothing is left before it");
    }

    @Test
    void runUntilStopsWhenTheConditionHoldsAndLeavesLaterEvents() {
        VirtualTime time = new VirtualTime();
        int[] ticks = {0};
        time.every(5, 10, () -> ticks[0]++);
        assertTrue(time.runUntil(1_000, () -> ticks[0] == 3));
        assertEquals(25, time.nanos(), "ticks at 5, 15, 25");
        assertFalse(time.runUntil(40, () -> false));
        assertEquals(4, ticks[0], "one more tick at 35; the one at 45 waits");
        assertEquals(4, time.eventsRun(), "one event per tick");
    }

    @Test
    void theClockReadsTheSimulatedTime() {
        VirtualTime time = new VirtualTime();
        long start = time.millis();
        time.after(2_500_000_000L, () -> { });
        time.runUntil(Long.MAX_VALUE, () -> time.nanos() > 0);
        assertEquals(start + 2_500, time.millis());
        assertEquals(time.millis(), time.instant().toEpochMilli());
    }
}
