package io.p2pkit.pubsub.simulation;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small versions of the simulation (the 1,000-node runs are scripts/sim-pubsub, not CI). */
class PubsubSimulationTest {
    private static PubsubSimulation.Settings settings(PubsubSimulation.Scenario scenario, int attackers) {
        return settings(scenario, attackers, Duration.ofSeconds(3));
    }

    private static PubsubSimulation.Settings settings(PubsubSimulation.Scenario scenario, int attackers,
                                                      Duration warmup) {
        return new PubsubSimulation.Settings(scenario, 30, attackers, 6, 20, 20, 128,
                Duration.ofMillis(1), Duration.ofMillis(10), warmup, Duration.ofSeconds(20), true, 7);
    }

    @Test
    void thirtyHonestNodesDeliverEverything() throws Exception {
        SimulationResult r = PubsubSimulation.run(settings(PubsubSimulation.Scenario.BASELINE, 0));
        assertEquals(1.0, r.deliveryRatio(), r.toJson());
        assertTrue(r.duplicatesPerMessagePerNode() > 0, "a mesh of degree > 1 sees duplicates: " + r.toJson());
    }

    @Test
    @Disabled("known gap, issue 7: in full CI runs 10 silent sybils among 30 nodes cost 16-69 % of deliveries "
            + "(0.31 with a 3 s warm-up, 0.84 with 6 s), while the same test alone delivers everything; lost "
            + "messages are not recovered by gossip. Measured at scale by scripts/sim-pubsub.")
    void silentSybilsDoNotStopDelivery() throws Exception {
        SimulationResult r = PubsubSimulation.run(settings(PubsubSimulation.Scenario.SYBIL, 10, Duration.ofSeconds(6)));
        assertTrue(r.deliveryRatio() >= 0.99, r.toJson());
    }
}
