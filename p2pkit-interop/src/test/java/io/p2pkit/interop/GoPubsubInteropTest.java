package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.pubsub.MessageIdFunction;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.Topic;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
@InteropArea("Pubsub with go-libp2p-pubsub")
class GoPubsubInteropTest {
    private static final Duration STEP = PubsubPeers.STEP;
    private static final String TOPIC = "p2pkit-interop";

    private static Path goPubsub() {
        return Toolchains.requireBuilt(Implementation.GO, "go-pubsub").resolve("peer");
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

    /** Two go and two p2pkit gossipsub nodes in a line go1 - A - go2 - B: four messages reach all four. */
    @Test
    @DisplayName("a mixed mesh of two p2pkit and two other nodes delivers every message to every node")
    void mixedMeshDeliversEverythingEverywhere() throws Exception {
        Path program = goPubsub();
        PubsubPeers.mixedMesh(args -> go(program, args), List.of("--publish-on-message"), "go",
                MessageIdFunction.FROM_AND_SEQNO, TOPIC);
    }
}
