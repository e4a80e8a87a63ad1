package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.pubsub.MessageIdFunction;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.Topic;
import io.p2pkit.pubsub.gossip.GossipRouter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit pubsub against go-libp2p-pubsub v0.14.2 (peers/go-pubsub, on go-libp2p v0.51.0) on
 * loopback: gossipsub and floodsub both ways, signed and unsigned, and a mixed mesh. Message IDs
 * are from + seqno when signed (both defaults agree) and the SHA-256 of the data when unsigned (the
 * go peer is configured the same way, since go's default would give every unsigned message one
 * empty ID).
 */
class GoPubsubInteropTest {
    private static final Duration STEP = PubsubPeers.STEP;
    private static final String TOPIC = "p2pkit-interop";

    private static Path goPubsub() {
        Toolchains tools = Toolchains.get();
        Assumptions.assumeTrue(tools.available(Implementation.GO), () -> tools.whyMissing(Implementation.GO));
        Path dir = tools.peers().resolve("go-pubsub");
        Assumptions.assumeTrue(Files.exists(dir.resolve(".built")),
                "go-pubsub peer skipped: its build failed (see the build.sh output above)");
        return dir.resolve("peer");
    }

    private static PeerProcess go(Path program, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(program.toString()));
        cmd.addAll(args);
        return PeerProcess.startProgram(Implementation.GO, cmd);
    }

    @ParameterizedTest(name = "p2pkit {0} <-> go {1}, signing {2}")
    @CsvSource({
            "gossipsub, gossipsub, strict",
            "gossipsub, gossipsub, none",
            "gossipsub, floodsub, strict",
            "gossipsub, floodsub, none",
            "floodsub, gossipsub, strict",
            "floodsub, gossipsub, none",
            "floodsub, floodsub, strict",
            "floodsub, floodsub, none"})
    void messagesFlowBothWays(String ours, String theirs, String signing) throws Exception {
        Path program = goPubsub();
        try (Host host = PubsubPeers.host()) {
            PubSub pubsub = PubsubPeers.p2pkit(host, ours, signing, MessageIdFunction.FROM_AND_SEQNO);
            Topic topic = pubsub.join(TOPIC);
            Subscription sub = topic.subscribe();
            try (PeerProcess go = go(program, List.of("--dial", PubsubPeers.addr(host), "--router", theirs, "--signing", signing,
                    "--topic", TOPIC, "--publish", "from-go"))) {
                PeerEvent ready = go.awaitEvent("ready", STEP);
                assertTrue(topic.awaitPeers(1, STEP), "go never subscribed; stderr: " + go.stderrTail());
                go.awaitEvent("subscribed", STEP);
                PubsubMessage first = sub.next(STEP);
                assertNotNull(first, "nothing from go; stderr: " + go.stderrTail());
                assertEquals("from-go", new String(first.data(), StandardCharsets.UTF_8));
                if (signing.equals("strict")) {
                    assertEquals(ready.string("peerId"), first.author().orElseThrow().toString());
                } else {
                    assertTrue(first.author().isEmpty(), "an unsigned message names no author");
                }
                assertTrue(topic.publish("from-p2pkit".getBytes(StandardCharsets.UTF_8)).recipients().size() >= 1);
                PeerEvent got = go.awaitEvent("message", STEP);
                assertEquals("from-p2pkit", got.string("data"));
                if (signing.equals("strict")) {
                    assertEquals(host.peerId().toString(), got.string("from"));
                } else {
                    assertNull(got.string("from"));
                }
                go.closeStdin();
            }
        }
    }

    private static void awaitMesh(PubSub p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        CountDownLatch never = new CountDownLatch(1);
        while (p.inspect(r -> ((GossipRouter) r).meshPeers(TOPIC)).size() < n) {
            assertTrue(System.nanoTime() < deadline, "no mesh of " + n + " formed");
            never.await(50, TimeUnit.MILLISECONDS); // polling interval only
        }
    }

    /**
     * Two go and two p2pkit gossipsub nodes in a line go1 - A - go2 - B, signed with go's default
     * IDs: four messages reach all four, crossing go and p2pkit hops in both directions.
     */
    @Test
    void mixedMeshDeliversEverythingEverywhere() throws Exception {
        Path program = goPubsub();
        try (Host a = PubsubPeers.host(); Host b = PubsubPeers.host()) {
            PubSub pa = PubsubPeers.p2pkit(a, "gossipsub", "strict", MessageIdFunction.FROM_AND_SEQNO);
            PubSub pb = PubsubPeers.p2pkit(b, "gossipsub", "strict", MessageIdFunction.FROM_AND_SEQNO);
            Subscription sa = pa.join(TOPIC).subscribe();
            Subscription sb = pb.join(TOPIC).subscribe();
            // The go peers publish once A's message reached them, when the meshes demonstrably work.
            try (PeerProcess go1 = go(program, List.of("--dial", PubsubPeers.addr(a), "--topic", TOPIC, "--publish", "go1",
                    "--publish-on-message"));
                 PeerProcess go2 = go(program, List.of("--listen", "/ip4/127.0.0.1/tcp/0", "--dial", PubsubPeers.addr(a),
                         "--topic", TOPIC, "--publish", "go2", "--publish-on-message"))) {
                go1.awaitEvent("ready", STEP);
                PeerEvent ready2 = go2.awaitEvent("ready", STEP);
                b.connect(PeerInfo.parse(ready2.strings("addrs").getFirst() + "/p2p/" + ready2.string("peerId")));
                assertTrue(pa.join(TOPIC).awaitPeers(2, STEP));
                assertTrue(pb.join(TOPIC).awaitPeers(1, STEP));
                // A message published before the meshes formed can miss a node for good: wait for them.
                awaitMesh(pa, 2);
                awaitMesh(pb, 1);
                pa.join(TOPIC).publish("A".getBytes(StandardCharsets.UTF_8));
                Set<String> atB = new HashSet<>(PubsubPeers.receive(sb, 1));
                assertEquals(Set.of("A"), atB);
                pb.join(TOPIC).publish("B".getBytes(StandardCharsets.UTF_8));
                atB.addAll(PubsubPeers.receive(sb, 3));
                // p2pkit subscribers also get their own node's messages; the go peer does not report its own.
                assertEquals(Set.of("go1", "go2", "A", "B"), atB);
                assertEquals(Set.of("go1", "go2", "A", "B"), PubsubPeers.receive(sa, 4));
                assertEquals(Set.of("go1", "A", "B"), PubsubPeers.receive(go2, 3));
                assertEquals(Set.of("go2", "A", "B"), PubsubPeers.receive(go1, 3));
                go1.closeStdin();
                go2.closeStdin();
            }
        }
    }
}
