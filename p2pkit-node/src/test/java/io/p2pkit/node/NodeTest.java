package io.p2pkit.node;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Topic;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nodes made from a {@link NodeConfig}: two of them find each other, route and exchange messages. */
class NodeTest {
    /** Records what a node tells, in order, as short event names. */
    private static final class Recorder implements NodeListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        volatile int bootstrapPeers = -1;

        @Override
        public void ready(Node node) {
            events.add("ready");
        }

        @Override
        public void connected(Connection connection) {
            events.add("connected");
        }

        @Override
        public void dhtBootstrapped(KadDht dht, int reached) {
            bootstrapPeers = reached;
            events.add("dht-bootstrapped");
        }

        @Override
        public void message(PubsubMessage m) {
            messages.add(new String(m.data(), StandardCharsets.UTF_8));
        }

        @Override
        public void stopped() {
            events.add("stopped");
        }
    }

    private static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .transports(new NodeConfig.Transports(List.of(), List.of(), false, java.util.Optional.empty(),
                        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()));
    }

    @Test
    void twoNodesBootstrapRouteAndPublish() throws Exception {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        NodeConfig a = local().dht(NodeConfig.Dht.of(Mode.SERVER)).pubsub(NodeConfig.Pubsub.gossipsub().subscribe("news"))
                .metrics(new InetSocketAddress("127.0.0.1", 0)).build();
        try (Node nodeA = Node.start(a, first)) {
            assertEquals("ready", first.events.getFirst(), "ready comes first");
            assertTrue(nodeA.metricsAddress().orElseThrow().getPort() > 0);
            NodeConfig b = local().bootstrap(new PeerInfo(nodeA.peerId(), nodeA.host().addresses()))
                    .dht(NodeConfig.Dht.of(Mode.SERVER)).pubsub(NodeConfig.Pubsub.gossipsub()
                            .withSeen(new NodeConfig.Pubsub.Seen(java.time.Duration.ofMinutes(5), true))).build();
            try (Node nodeB = Node.start(b, second)) {
                assertEquals(java.time.Duration.ofMinutes(5), nodeB.pubsub().orElseThrow().config().seenTtl());
                assertTrue(nodeB.pubsub().orElseThrow().config().seenSliding(), "Kubo's last-seen");
                Await.until("B's DHT bootstrapped from A", () -> second.bootstrapPeers >= 0);
                assertEquals(1, second.bootstrapPeers);
                assertEquals(nodeA.peerId(), nodeB.dht().orElseThrow().findPeer(nodeA.peerId()).peer().orElseThrow().peerId());

                Topic news = nodeB.pubsub().orElseThrow().join("news");
                assertTrue(news.awaitPeers(1, Await.DEFAULT), "A's subscription reached B");
                news.publish("hello".getBytes(StandardCharsets.UTF_8));
                Await.until("A's listener got the message", () -> first.messages.contains("hello"));
            }
            assertEquals("stopped", second.events.getLast(), "stopped comes last");
            assertTrue(second.events.containsAll(List.of("ready", "connected", "dht-bootstrapped")), second.events.toString());
        }
    }

    /**
     * {@link NodeListener#beforeServing} comes before "ready", with the DHT up and no HTTP server
     * taking requests yet: what it puts in place is there for the gateway's first request.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void beforeServingComesWithTheDhtUpAndTheGatewayNotYetListening() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        NodeListener listener = new NodeListener() {
            @Override
            public void beforeServing(Node node) {
                seen.add("before-serving dht=" + node.dht().isPresent() + " gateway=" + node.gatewayAddress().isPresent());
            }

            @Override
            public void ready(Node node) {
                seen.add("ready gateway=" + node.gatewayAddress().isPresent());
            }
        };
        NodeConfig config = local().dht(NodeConfig.Dht.of(Mode.CLIENT))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build();
        try (Node node = Node.start(config, listener)) {
            assertEquals(List.of("before-serving dht=true gateway=false", "ready gateway=true"), seen);
            assertTrue(node.gatewayAddress().orElseThrow().getPort() > 0);
        }
    }

    @Test
    void aConfigurationIsAValueThatPresetsCanVary() {
        NodeConfig base = local().dht(NodeConfig.Dht.of(Mode.CLIENT)).build();
        NodeConfig server = base.toBuilder().dht(NodeConfig.Dht.of(Mode.SERVER)).build();
        assertEquals(base.identity(), server.identity());
        assertEquals(Mode.CLIENT, base.dht().orElseThrow().mode());
        assertEquals(Mode.SERVER, server.dht().orElseThrow().mode());
        assertThrows(IllegalArgumentException.class, () -> new NodeConfig.Pubsub(NodeConfig.Pubsub.RouterKind.FLOODSUB,
                io.p2pkit.pubsub.SignaturePolicy.STRICT_SIGN, java.util.Optional.empty(),
                List.of(new PeerInfo(base.identity().publicKey().toPeerId(), List.of())), List.of()));
    }
}
