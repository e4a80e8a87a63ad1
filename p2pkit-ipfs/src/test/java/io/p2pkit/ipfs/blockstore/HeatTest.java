package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeatTest {
    private static final Duration HALF_LIFE = Duration.ofMinutes(10);
    private static final double EPS = 1e-9;

    private static Multihash key(int i) {
        return Multihash.digest(Multicodec.SHA2_256, new byte[] {(byte) i, (byte) (i >> 8)});
    }

    @Test
    void heatHalvesEveryHalfLifeAndTouchesAdd() {
        ManualClock clock = new ManualClock();
        Heat heat = new Heat(clock, HALF_LIFE, 10);
        assertEquals(0, heat.heatOf(key(1)));
        assertEquals(1, heat.touch(key(1)), EPS);
        clock.advance(HALF_LIFE);
        assertEquals(0.5, heat.heatOf(key(1)), EPS);
        assertEquals(1.5, heat.touch(key(1)), EPS);
        clock.advance(HALF_LIFE.multipliedBy(2));
        assertEquals(0.375, heat.heatOf(key(1)), EPS);
    }

    @Test
    void manyTouchesAddUpAndDecayTogether() {
        ManualClock clock = new ManualClock();
        Heat heat = new Heat(clock, HALF_LIFE, 10);
        for (int i = 0; i < 8; i++) {
            heat.touch(key(1));
        }
        assertEquals(8, heat.heatOf(key(1)), EPS);
        clock.advance(HALF_LIFE.multipliedBy(3));
        assertEquals(1, heat.heatOf(key(1)), EPS);
    }

    @Test
    void theTableIsBoundedAndForgetsTheColdestFirst() {
        ManualClock clock = new ManualClock();
        Heat heat = new Heat(clock, HALF_LIFE, 3);
        heat.touch(key(1));
        heat.touch(key(1));
        heat.touch(key(2));
        clock.advance(Duration.ofMinutes(1));
        heat.touch(key(3)); // 1.0 now; key 2 has decayed below 1
        heat.touch(key(4));
        assertEquals(3, heat.size());
        assertEquals(0, heat.heatOf(key(2)), "the coldest was dropped");
        assertTrue(heat.heatOf(key(1)) > 1.8);
    }

    @Test
    void heatSurvivesASnapshotAndKeepsDecaying() {
        ManualClock clock = new ManualClock();
        Heat heat = new Heat(clock, HALF_LIFE, 10);
        heat.touch(key(1));
        heat.touch(key(1));
        heat.touch(key(2));
        HeatSnapshot saved = heat.unsaved().snapshot(); // what a save writes
        assertEquals(Map.of(key(1), 2.0, key(2), 1.0), saved.heat());
        clock.advance(HALF_LIFE);
        Heat restored = new Heat(clock, HALF_LIFE, 10);
        restored.restore(saved);
        assertEquals(1.0, restored.heatOf(key(1)), EPS);
        assertEquals(0.5, restored.heatOf(key(2)), EPS);
    }

    @Test
    void restoreSkipsValuesThatAreNotHeat() {
        ManualClock clock = new ManualClock();
        Heat heat = new Heat(clock, HALF_LIFE, 10);
        heat.restore(new HeatSnapshot(clock.instant(), Map.of(key(1), Double.NaN, key(2), -1.0, key(3),
                Double.POSITIVE_INFINITY, key(4), 0.0, key(5), 3.0)));
        assertEquals(1, heat.size());
        assertEquals(3, heat.heatOf(key(5)), EPS);
        // a snapshot from the future counts as taken now
        heat.restore(new HeatSnapshot(clock.instant().plusSeconds(3600), Map.of(key(6), 2.0)));
        assertEquals(2, heat.heatOf(key(6)), EPS);
    }

    @Test
    void aYearOfRunningKeepsThePrecision() {
        ManualClock clock = new ManualClock();
        Heat heat = new Heat(clock, Duration.ofSeconds(1), 10);
        clock.advance(Duration.ofDays(365));
        heat.touch(key(1));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0.25, heat.heatOf(key(1)), 1e-6);
    }
}
