package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
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
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;

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
}
