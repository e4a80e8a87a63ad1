package io.p2pkit.pubsub.gossip;

import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.TestNet;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.flood.FloodRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.p2pkit.pubsub.TestNet.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real hosts over the memory transport, with fast heartbeats; waits are on conditions with deadlines. */
class GossipsubNetworkTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOPIC = "net";

    private static PubsubConfig config(SignaturePolicy policy, long seed) {
        return PubsubConfig.builder().signaturePolicy(policy).heartbeatInterval(Duration.ofMillis(100))
                .random(new Random(seed)).build();
    }

    @ParameterizedTest
    @EnumSource(SignaturePolicy.class)
    void everySubscriberGetsEveryMessageInARandomNetwork(SignaturePolicy policy) throws Exception {
        Random random = new Random(42);
        try (TestNet net = new TestNet()) {
            List<PubSub> nodes = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                PubSub p = net.node(config(policy, i), () -> new GossipRouter(GossipParams.defaults()));
                subs.add(p.join(TOPIC).subscribe());
                for (int k = 0; k < Math.min(i, 3); k++) {
                    connect(p, nodes.get(random.nextInt(nodes.size())));
                }
                nodes.add(p);
            }
            for (PubSub p : nodes) {
                assertTrue(p.join(TOPIC).awaitPeers(1, WAIT));
            }
            // Let meshes form: each node's mesh is non-empty once a heartbeat or graft has run.
            for (PubSub p : nodes) {
                awaitMesh(p);
            }
            Set<String> sent = new HashSet<>();
            for (int m = 0; m < 10; m++) {
                String text = "message " + m;
                nodes.get(random.nextInt(nodes.size())).join(TOPIC).publish(text.getBytes(StandardCharsets.UTF_8));
                sent.add(text);
            }
            for (Subscription s : subs) {
                Set<String> got = new HashSet<>();
                while (got.size() < sent.size()) {
                    PubsubMessage m = s.next(WAIT);
                    assertNotNull(m, "missing messages; got " + got);
                    got.add(new String(m.data(), StandardCharsets.UTF_8));
                }
                assertEquals(sent, got);
            }
        }
    }

    private static void awaitMesh(PubSub p) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        while (p.inspect(r -> ((GossipRouter) r).meshPeers(TOPIC)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no mesh formed");
            never.await(20, java.util.concurrent.TimeUnit.MILLISECONDS); // poll interval, not a timing assumption
        }
    }

    @Test
    void floodsubAndGossipsubPeersExchangeMessagesBothWays() throws Exception {
        try (TestNet net = new TestNet()) {
            PubSub flood = net.node(config(SignaturePolicy.STRICT_SIGN, 1), FloodRouter::new);
            PubSub g1 = net.node(config(SignaturePolicy.STRICT_SIGN, 2), GossipRouter::new);
            PubSub g2 = net.node(config(SignaturePolicy.STRICT_SIGN, 3), GossipRouter::new);
            connect(flood, g1);
            connect(g1, g2);
            Subscription sf = flood.join(TOPIC).subscribe();
            Subscription s1 = g1.join(TOPIC).subscribe();
            Subscription s2 = g2.join(TOPIC).subscribe();
            assertTrue(g1.join(TOPIC).awaitPeers(2, WAIT));
            assertTrue(flood.join(TOPIC).awaitPeers(1, WAIT));
            assertTrue(g2.join(TOPIC).awaitPeers(1, WAIT));
            assertEquals("/floodsub/1.0.0", g1.protocolOf(flood.host().peerId()).orElseThrow());
            awaitMesh(g2);
            flood.join(TOPIC).publish(new byte[]{1});
            g2.join(TOPIC).publish(new byte[]{2});
            for (Subscription s : List.of(sf, s1, s2)) {
                Set<Byte> got = new HashSet<>();
                for (int i = 0; i < 2; i++) {
                    PubsubMessage m = s.next(WAIT);
                    assertNotNull(m, s.toString());
                    got.add(m.data()[0]);
                }
                assertEquals(Set.of((byte) 1, (byte) 2), got);
            }
        }
    }

    @Test
    void rejectedMessagesAreNeitherDeliveredNorForwarded() throws Exception {
        try (TestNet net = new TestNet()) {
            PubSub a = net.node(config(SignaturePolicy.STRICT_SIGN, 1), GossipRouter::new);
            PubSub b = net.node(config(SignaturePolicy.STRICT_SIGN, 2), GossipRouter::new);
            PubSub c = net.node(config(SignaturePolicy.STRICT_SIGN, 3), GossipRouter::new);
            connect(a, b);
            connect(b, c);
            b.join(TOPIC).validator((src, m) -> m.data()[0] == 0 ? ValidationResult.REJECT : ValidationResult.ACCEPT);
            Subscription sb = b.join(TOPIC).subscribe();
            Subscription sc = c.join(TOPIC).subscribe();
            a.join(TOPIC).subscribe();
            assertTrue(b.join(TOPIC).awaitPeers(2, WAIT));
            assertTrue(a.join(TOPIC).awaitPeers(1, WAIT));
            assertTrue(c.join(TOPIC).awaitPeers(1, WAIT));
            awaitMesh(c);
            awaitMesh(a);
            a.join(TOPIC).publish(new byte[]{0});
            a.join(TOPIC).publish(new byte[]{1});
            assertEquals(1, sb.next(WAIT).data()[0], "the rejected message is not delivered");
            assertEquals(1, sc.next(WAIT).data()[0], "nor forwarded");
        }
    }
}
