package io.p2pkit.kad.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small run of the simulation (60 nodes, 10 % churn) as a CI test. */
class KadSimulationTest {
    @Test
    void smallNetworkWithChurn() throws Exception {
        KadSimulation.Settings s = new KadSimulation.Settings(60, 40, 10, 0.10, 7, 1, 5, 10, 3, 8, 24,
                io.p2pkit.kad.OptimisticFallback.CLASSIC, 300);
        List<KadSimulation.ManyKeys> many = new ArrayList<>();
        List<KadSimulation.Stats> rows = KadSimulation.runWithManyKeys(s, many);
        System.out.print(KadSimulation.table(s, rows));
        System.out.print(KadSimulation.manyKeysTable(many));
        assertEquals(2, many.size());
        KadSimulation.ManyKeys alone = many.get(0);
        KadSimulation.ManyKeys swept = many.get(1);
        assertEquals(300, alone.lookups());
        assertTrue(swept.lookups() < alone.lookups() / 5, swept.toString());
        // records land where one lookup per key puts them
        assertTrue(swept.closestHeld() >= alone.closestHeld() - 0.05, many.toString());
        assertEquals(0, swept.keysOnNoPeer(), swept.toString());
        assertEquals(14, rows.size());
        for (KadSimulation.Stats r : rows) {
            if (r.operation().equals("findProviders (old content)")) {
                continue; // some providers left with the churn
            }
            assertTrue(r.successRate() >= 0.95, r.toString());
        }
    }
}
