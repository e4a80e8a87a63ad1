package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.pubsub.MessageIdFunction;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.pubsub.gossip.GossipRouter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The p2pkit side of the pubsub interop tests (js and go): hosts, routers and receiving. */
final class PubsubPeers {
    /** How long one expected message or event may take. */
    static final Duration STEP = Duration.ofSeconds(30);

    private PubsubPeers() {
    }

    /**
     * A p2pkit router ({@code gossipsub} or {@code floodsub}) signing strictly or not at all
     * ({@code strict} or {@code none}), with the message IDs the other implementation computes:
     * {@code signedIds} for signed messages, the SHA-256 of the data for unsigned ones.
     */
    static PubSub p2pkit(Host host, String router, String signing, MessageIdFunction signedIds) {
        SignaturePolicy policy = signing.equals("strict") ? SignaturePolicy.STRICT_SIGN : SignaturePolicy.STRICT_NO_SIGN;
        PubsubConfig config = PubsubConfig.builder().signaturePolicy(policy)
                .messageIdFunction(policy == SignaturePolicy.STRICT_SIGN ? signedIds : MessageIdFunction.SHA256_OF_DATA)
                .heartbeatInterval(Duration.ofMillis(500)).build();
        Router r = router.equals("gossipsub") ? new GossipRouter() : new FloodRouter();
        return PubSub.start(host, config, r);
    }

    /** A host on a loopback TCP port. */
    static Host host() throws IOException {
        return Host.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion("p2pkit/interop").build();
    }

    /** The host's first address with its peer ID. */
    static String addr(Host h) {
        return h.addresses().getFirst().encapsulate("/p2p/" + h.peerId()).toString();
    }

    /** The data of the next {@code n} distinct messages on {@code s}. */
    static Set<String> receive(Subscription s, int n) throws InterruptedException {
        Set<String> got = new HashSet<>();
        while (got.size() < n) {
            PubsubMessage m = s.next(STEP);
            assertNotNull(m, "received only " + got);
            got.add(new String(m.data(), StandardCharsets.UTF_8));
        }
        return got;
    }

    /** The data of the next {@code n} distinct {@code message} events a peer program prints. */
    static Set<String> receive(PeerProcess p, int n) {
        Set<String> got = new HashSet<>();
        while (got.size() < n) {
            got.add(p.awaitEvent("message", STEP).string("data"));
        }
        return got;
    }

    /** Waits until {@code p}'s gossipsub mesh for {@code topic} has {@code n} peers. */
    static void awaitMesh(PubSub p, String topic, int n) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        CountDownLatch never = new CountDownLatch(1);
        while (p.inspect(r -> ((GossipRouter) r).meshPeers(topic)).size() < n) {
            assertTrue(System.nanoTime() < deadline, "no mesh of " + n + " formed");
            never.await(50, TimeUnit.MILLISECONDS); // polling interval only
        }
    }

    /**
     * Two peer programs and two p2pkit gossipsub nodes in a line {@code other1 - A - other2 - B},
     * signed with {@code signedIds}: four messages reach all four, crossing both implementations'
     * hops in both directions. {@code start} launches a peer program with the given arguments
     * (the program's own publish-on-message flag included); its {@code name} prefixes what it
     * publishes.
     */
    static void mixedMesh(Function<List<String>, PeerProcess> start, List<String> publishOnMessage, String name,
                          MessageIdFunction signedIds, String topic) throws Exception {
        try (Host a = host(); Host b = host()) {
            PubSub pa = p2pkit(a, "gossipsub", "strict", signedIds);
            PubSub pb = p2pkit(b, "gossipsub", "strict", signedIds);
            Subscription sa = pa.join(topic).subscribe();
            Subscription sb = pb.join(topic).subscribe();
            String first = name + "1";
            String second = name + "2";
            List<String> common = List.of("--dial", addr(a), "--topic", topic);
            // The other peers publish once A's message reached them, when the meshes demonstrably work.
            try (PeerProcess other1 = start.apply(concat(common, List.of("--publish", first), publishOnMessage));
                 PeerProcess other2 = start.apply(concat(List.of("--listen", "/ip4/127.0.0.1/tcp/0"), common,
                         List.of("--publish", second), publishOnMessage))) {
                try {
                    other1.awaitEvent("ready", STEP);
                    PeerEvent ready2 = other2.awaitEvent("ready", STEP);
                    b.connect(PeerInfo.parse(ready2.strings("addrs").getFirst() + "/p2p/" + ready2.string("peerId")));
                    assertTrue(pa.join(topic).awaitPeers(2, STEP));
                    assertTrue(pb.join(topic).awaitPeers(1, STEP));
                    // Gossipsub forwards along the mesh: a message published before a node joined its
                    // neighbours' meshes can miss it for good, so wait for the meshes to form first.
                    awaitMesh(pa, topic, 2);
                    awaitMesh(pb, topic, 1);
                    pa.join(topic).publish("A".getBytes(StandardCharsets.UTF_8));
                    // B publishes once A's message reached it. The other peers publish as soon as A's
                    // message reaches them, so theirs can overtake A's on its way to B: at most two.
                    Set<String> atB = new HashSet<>();
                    for (int i = 0; i < 3 && !atB.contains("A"); i++) {
                        atB.addAll(receive(sb, 1));
                    }
                    assertTrue(atB.contains("A"), "A's message reached B: " + atB);
                    pb.join(topic).publish("B".getBytes(StandardCharsets.UTF_8));
                    atB.addAll(receive(sb, 4 - atB.size()));
                    // p2pkit subscribers also get their own node's messages; the peer programs do not report theirs.
                    assertEquals(Set.of(first, second, "A", "B"), atB);
                    assertEquals(Set.of(first, second, "A", "B"), receive(sa, 4));
                    assertEquals(Set.of(first, "A", "B"), receive(other2, 3));
                    assertEquals(Set.of(second, "A", "B"), receive(other1, 3));
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + "\nA (" + a.peerId() + "): " + state(a, pa, topic)
                            + "\nB (" + b.peerId() + "): " + state(b, pb, topic)
                            + "\n" + first + "'s events: " + other1.events() + "\n" + first + "'s stderr: " + other1.stderrTail()
                            + "\n" + second + "'s events: " + other2.events() + "\n" + second + "'s stderr: "
                            + other2.stderrTail(), e);
                }
                other1.closeStdin();
                other2.closeStdin();
            }
        }
    }

    // What a p2pkit node knows of a topic (its subscribed peers and its mesh), its counters (did
    // messages arrive and get dropped, or never arrive?) and its connections with their stream counts.
    private static String state(Host h, PubSub p, String topic) {
        StringBuilder conns = new StringBuilder();
        for (var c : h.network().connections()) {
            conns.append(' ').append(c.remotePeer()).append(' ').append(c.direction())
                    .append(c.isClosed() ? " closed" : "").append(" streams=").append(c.streamCount());
        }
        return "peers " + p.join(topic).peers() + ", mesh " + p.inspect(r -> ((GossipRouter) r).meshPeers(topic))
                + ", " + p.stats() + ", connections" + conns;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }
}
