package io.p2pkit.pubsub.simulation;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small versions of the simulation (the 1,000-node runs are scripts/sim-pubsub, not CI). */
class PubsubSimulationTest {
    /** Publishing starts once the meshes have formed (60 s is only the deadline for that). */
    private static PubsubSimulation.Settings settings(PubsubSimulation.Scenario scenario, int attackers) {
        return new PubsubSimulation.Settings(scenario, 30, attackers, 6, 12, 20, 20, 128,
                Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofSeconds(60), Duration.ofSeconds(20), true, 7);
    }

    @Test
    void thirtyHonestNodesDeliverEverything() throws Exception {
        SimulationResult r = PubsubSimulation.run(settings(PubsubSimulation.Scenario.BASELINE, 0));
        assertTrue(r.settleSeconds() >= 0, "the meshes never formed: " + r.toJson());
        assertEquals(1.0, r.deliveryRatio(), r.toJson());
        assertTrue(r.duplicatesPerMessagePerNode() > 0, "a mesh of degree > 1 sees duplicates: " + r.toJson());
    }

    @Test
    void silentSybilsDoNotStopDelivery() throws Exception {
        SimulationResult r = PubsubSimulation.run(settings(PubsubSimulation.Scenario.SYBIL, 10));
        assertTrue(r.settleSeconds() >= 0, "the meshes never formed: " + r.toJson());
        assertTrue(r.deliveryRatio() >= 0.99, r.toJson());
    }
}
