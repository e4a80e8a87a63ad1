package io.p2pkit.pubsub.discovery;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.testing.SeededRandom;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.TestNet;
import io.p2pkit.pubsub.gossip.GossipRouter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.p2pkit.pubsub.TestNet.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PubsubPeerDiscoveryTest {
    @Test
    void announcementRoundTrip() {
        PrivateKey k = PrivateKey.generate(KeyType.SECP256K1, new SeededRandom(1));
        PeerAnnouncement a = new PeerAnnouncement(k.publicKey(),
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/memory/7")));
        PeerAnnouncement b = PeerAnnouncement.decode(a.encode());
        assertEquals(a, b);
        assertEquals(k.publicKey().toPeerId(), b.peerId());
        assertThrows(DecodeException.class, () -> PeerAnnouncement.decode(new byte[0]));
        ProtobufWriter many = new ProtobufWriter().bytes(1, k.publicKey().marshal());
        for (int i = 0; i <= PeerAnnouncement.MAX_ADDRESSES; i++) {
            many.bytes(2, Multiaddr.parse("/memory/" + i).bytes());
        }
        assertThrows(DecodeException.class, () -> PeerAnnouncement.decode(many.toByteArray()));
    }

    @Test
    void aPeerTwoHopsAwayIsLearned() throws Exception {
        try (TestNet net = new TestNet()) {
            PubsubConfig config = PubsubConfig.builder().heartbeatInterval(Duration.ofMillis(100)).build();
            PubSub a = net.node(config, GossipRouter::new);
            PubSub b = net.node(config, GossipRouter::new);
            PubSub c = net.node(config, GossipRouter::new);
            connect(a, b);
            connect(b, c);
            LinkedBlockingQueue<PeerInfo> learnedByC = new LinkedBlockingQueue<>();
            PubsubPeerDiscovery da = PubsubPeerDiscovery.start(a, Duration.ofMillis(200), p -> { }, false);
            PubsubPeerDiscovery db = PubsubPeerDiscovery.start(b, Duration.ofMillis(200), p -> { }, false);
            PubsubPeerDiscovery dc = PubsubPeerDiscovery.start(c, Duration.ofHours(1), learnedByC::add, true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            PeerInfo fromA = null;
            while (fromA == null && System.nanoTime() < deadline) {
                PeerInfo p = learnedByC.poll(1, TimeUnit.SECONDS);
                if (p != null && p.peerId().equals(a.host().peerId())) {
                    fromA = p;
                }
            }
            assertNotNull(fromA, "c never learned a");
            assertEquals(a.host().addresses(), fromA.addresses());
            assertTrue(c.host().peerStore().addresses(a.host().peerId()).containsAll(a.host().addresses()));
            da.close();
            db.close();
            dc.close();
        }
    }
}
