package io.p2pkit.kad;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.sim.DhtSwarm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client and server mode: advertised only as a server, changes pushed through identify. */
class KadModeTest {
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        CountDownLatch tick = new CountDownLatch(1);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            tick.await(10, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void clientsQueryButAreNotAddedAndModeChangesArePushed() throws Exception {
        try (DhtSwarm swarm = new DhtSwarm(new MemoryNetwork(), 3, b -> b.k(4))) {
            DhtSwarm.Node server = swarm.start(List.of());
            DhtSwarm.Node other = swarm.start(List.of(server.info()));
            other.dht().bootstrap();
            DhtSwarm.Node client = swarm.start(List.of(server.info()));
            client.dht().setMode(Mode.CLIENT);
            assertFalse(client.host().protocols().contains(client.dht().protocolId()));
            assertEquals(1, client.dht().bootstrap());
            PeerId c = client.host().peerId();
            assertTrue(client.dht().routingTable().contains(server.host().peerId()));
            assertFalse(server.dht().routingTable().contains(c), "a client is not a routing table entry");
            // A client still finds things.
            assertTrue(client.dht().findPeer(other.host().peerId()).peer().isPresent());

            // Becoming a server is pushed through identify: the server now adds it.
            client.dht().setMode(Mode.SERVER);
            await(() -> server.dht().routingTable().contains(c), "the server adds the new server");
            // And back to client: it is dropped.
            client.dht().setMode(Mode.CLIENT);
            await(() -> !server.dht().routingTable().contains(c), "the server drops the client");
        }
    }

    @Test
    void autoModeIsClientUntilReachable() throws Exception {
        try (DhtSwarm swarm = new DhtSwarm(new MemoryNetwork(), 4, b -> b.mode(Mode.AUTO))) {
            DhtSwarm.Node n = swarm.start(List.of());
            assertEquals(Mode.AUTO, n.dht().mode());
            assertEquals(Mode.CLIENT, n.dht().effectiveMode());
            assertFalse(n.host().protocols().contains(n.dht().protocolId()));
            n.dht().setPubliclyReachable(true);
            assertEquals(Mode.SERVER, n.dht().effectiveMode());
            assertTrue(n.host().protocols().contains(n.dht().protocolId()));
        }
    }

    @Test
    void autoModeFollowsTheHostsReachability() throws Exception {
        try (DhtSwarm swarm = new DhtSwarm(new MemoryNetwork(), 6, b -> b.mode(Mode.AUTO))) {
            DhtSwarm.Node n = swarm.start(List.of());
            assertEquals(Mode.CLIENT, n.dht().effectiveMode());
            // AutoNAT finds the node public: the DHT becomes a server and advertises the protocol.
            n.host().reachability().set(io.p2pkit.core.host.Reachability.PUBLIC);
            assertEquals(Mode.SERVER, n.dht().effectiveMode());
            assertTrue(n.host().protocols().contains(n.dht().protocolId()));
            // Then private (behind a NAT after all): back to client.
            n.host().reachability().set(io.p2pkit.core.host.Reachability.PRIVATE);
            assertEquals(Mode.CLIENT, n.dht().effectiveMode());
            assertFalse(n.host().protocols().contains(n.dht().protocolId()));
        }
    }

    @Test
    void protocolPrefixIsConfigurable() throws Exception {
        try (DhtSwarm swarm = new DhtSwarm(new MemoryNetwork(), 5, b -> b.protocolPrefix("/ipfs/lan"))) {
            DhtSwarm.Node n = swarm.start(List.of());
            assertTrue(n.host().protocols().contains("/ipfs/lan/kad/1.0.0"));
            DhtSwarm.Node m = swarm.start(List.of(n.info()));
            assertEquals(1, m.dht().bootstrap());
            assertTrue(m.dht().routingTable().contains(n.host().peerId()));
        }
    }
}
