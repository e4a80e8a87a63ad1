package io.p2pkit.kad;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.record.PublicKeyValidator;
import io.p2pkit.kad.sim.DhtSwarm;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provider and value records expire 48 h after they arrive; the node that provides or put them
 * republishes (every 22 h), which keeps them alive on the closest peers past the first 48 h.
 */
class RepublishTest {
    private static int holdersOf(DhtSwarm swarm, DhtSwarm.Node except, byte[] mh) {
        int n = 0;
        for (DhtSwarm.Node node : swarm.nodes()) {
            if (node != except && node.dht().providerStore().providers(mh).contains(except.host().peerId())) {
                n++;
            }
        }
        return n;
    }

    private static int holdersOfValue(DhtSwarm swarm, DhtSwarm.Node except, byte[] key) {
        int n = 0;
        for (DhtSwarm.Node node : swarm.nodes()) {
            if (node != except && node.dht().recordStore().get(key).isPresent()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void republishedRecordsOutliveTheirExpiryAndOthersDoNot() throws Exception {
        ShiftableClock clock = new ShiftableClock(Clock.systemUTC());
        try (DhtSwarm swarm = new DhtSwarm(new MemoryNetwork(), 11, b -> b.k(4).alpha(2).clock(clock))) {
            swarm.grow(12, 4);
            DhtSwarm.Node p = swarm.nodes().get(3);
            byte[] kept = Multihash.digest(Multicodec.SHA2_256, new byte[] {1}).bytes();
            byte[] dropped = Multihash.digest(Multicodec.SHA2_256, new byte[] {2}).bytes();
            PrivateKey someone = PrivateKey.generateEd25519();
            byte[] valueKey = PublicKeyValidator.keyFor(someone.publicKey().toPeerId());
            assertEquals(4, p.dht().provide(kept).peers());
            assertEquals(4, p.dht().provide(dropped).peers());
            assertEquals(4, p.dht().putValue(valueKey, someone.publicKey().marshal()).peers());
            p.dht().stopProviding(dropped);
            // ADD_PROVIDER has no answer: provide() returns once the messages are written, and a
            // peer may store its record a moment later. Both records must be in place, with their
            // arrival time, before the clock moves.
            Await.until("4 holders of each provider record",
                    () -> holdersOf(swarm, p, kept) == 4 && holdersOf(swarm, p, dropped) == 4);

            clock.advance(KadConfig.defaults().providerRepublish().plusHours(25)); // 47 h
            assertEquals(4, holdersOf(swarm, p, kept));
            p.dht().republish();
            clock.advance(Duration.ofHours(2)); // 49 h: past the first records' 48 h

            // the republished ADD_PROVIDERs too may land a moment after republish() returned
            Await.until("the republished provider record held by 4 peers", () -> holdersOf(swarm, p, kept) >= 4);
            assertEquals(0, holdersOf(swarm, p, dropped), "a record no longer provided expired everywhere");
            assertTrue(holdersOfValue(swarm, p, valueKey) >= 4, "the value put again is held");
        }
    }
}
