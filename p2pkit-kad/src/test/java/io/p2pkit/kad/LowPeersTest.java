package io.p2pkit.kad;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.sim.DhtSwarm;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's question for the DHT: does anything bring a routing table back once events emptied
 * it? Peers leave the table on events (a failed request), and came back only through lookups,
 * which an empty table cannot make; now a timer tops it up from the connections and the
 * bootstrap peers, as go-libp2p-kad-dht's fixLowPeers.
 */
class LowPeersTest {
    private DhtSwarm swarm;

    @AfterEach
    void close() {
        if (swarm != null) {
            swarm.close();
        }
    }

    private static PeerInfo info(DhtSwarm.Node n) {
        return new PeerInfo(n.host().peerId(), n.host().addresses());
    }

    @Test
    void anEmptiedTableRejoinsThroughTheBootstrapPeersOnTheTimer() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 16, b -> b);
        DhtSwarm.Node boot = swarm.start(List.of());
        DhtSwarm.Node other = swarm.start(List.of(info(boot)));
        other.dht().bootstrap();
        DhtSwarm.Node node = swarm.start(List.of(info(boot)), b -> b.periodicTasks(true)
                .lowPeersInterval(Duration.ofMillis(200)));
        node.dht().bootstrap();
        Await.until("the node knows the other two", () -> node.dht().routingTable().size() == 2);

        // What a network outage does: every connection gone, every peer out of the table.
        for (DhtSwarm.Node n : List.of(boot, other)) {
            node.dht().routingTable().remove(n.host().peerId());
            node.host().network().connection(n.host().peerId()).ifPresent(c -> c.close());
        }
        assertEquals(0, node.dht().routingTable().size());
        Await.until("the table is topped up from the bootstrap peer and a refresh",
                () -> node.dht().routingTable().size() == 2, Duration.ofSeconds(30));
    }

    @Test
    void aFullEnoughTableIsLeftAlone() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 17, b -> b);
        DhtSwarm.Node boot = swarm.start(List.of());
        for (int i = 0; i < KadDht.LOW_PEERS + 1; i++) {
            swarm.start(List.of(info(boot))).dht().bootstrap();
        }
        DhtSwarm.Node node = swarm.start(List.of(info(boot)));
        node.dht().bootstrap();
        assertTrue(node.dht().routingTable().size() > KadDht.LOW_PEERS, node.dht().routingTable().toString());
        assertFalse(node.dht().fixLowPeers(), "no refresh above the threshold");
    }

    @Test
    void connectedServersGoBackInWithoutDialing() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 18, b -> b);
        DhtSwarm.Node boot = swarm.start(List.of());
        DhtSwarm.Node node = swarm.start(List.of(info(boot)));
        node.dht().bootstrap();
        node.dht().routingTable().remove(boot.host().peerId());
        assertTrue(node.dht().fixLowPeers());
        assertTrue(node.dht().routingTable().contains(boot.host().peerId()));
    }
}
