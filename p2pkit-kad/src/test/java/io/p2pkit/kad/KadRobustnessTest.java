package io.p2pkit.kad;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.provider.ProviderStore;
import io.p2pkit.kad.record.PublicKeyValidator;
import io.p2pkit.kad.sim.DhtSwarm;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.KadPeer;
import io.p2pkit.kad.wire.KadRecord;
import io.p2pkit.kad.wire.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misbehaving peers cannot poison the stores, exhaust memory or stop the node serving others. */
class KadRobustnessTest {
    private MemoryNetwork network;
    private DhtSwarm swarm;
    private DhtSwarm.Node honest;
    private Host attacker;

    @BeforeEach
    void start() throws IOException {
        network = new MemoryNetwork();
        swarm = new DhtSwarm(network, 5, b -> b.k(4)
                .providerLimits(new ProviderStore.Limits(Duration.ofHours(48), 1000, 50, 100))
                .maxRecords(100));
        honest = swarm.start(List.of());
        attacker = Host.builder().transport(key -> network.transport()).security("plaintext").muxers("yamux")
                .listen("/memory/0").build();
        attacker.connect(honest.info());
    }

    @AfterEach
    void stop() {
        attacker.close();
        swarm.close();
    }

    private Stream open() throws IOException {
        return attacker.newStream(honest.host().peerId(), honest.dht().protocolId());
    }

    private KadMessage ask(Stream s, KadMessage m) throws IOException {
        LengthPrefixed.write(s.out(), m.encode());
        s.out().flush();
        return KadMessage.decode(LengthPrefixed.read(s.in(), KadMessage.MAX_BYTES));
    }

    private static byte[] mh(int i) {
        return Multihash.digest(Multicodec.SHA2_256, new byte[] {(byte) i, (byte) (i >> 8), 7}).bytes();
    }

    @Test
    void oneStreamCarriesManyRequests() throws Exception {
        try (Stream s = open()) {
            for (int i = 0; i < 5; i++) {
                KadMessage r = ask(s, KadMessage.request(MessageType.FIND_NODE, attacker.peerId().bytes()));
                assertEquals(MessageType.FIND_NODE, r.type());
            }
            assertEquals(MessageType.PING, ask(s, KadMessage.request(MessageType.PING, new byte[0])).type());
        }
    }

    @Test
    void garbageAndOversizedFramesResetOnlyThatStream() throws Exception {
        Stream s = open();
        s.out().write(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        s.out().flush();
        assertThrows(IOException.class, () -> {
            if (LengthPrefixed.read(s.in(), 1 << 20) == null) {
                throw new IOException("ended");
            }
        });
        s.reset();
        Stream big = open();
        // Announce a 100 MiB message: refused before anything is allocated.
        big.out().write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x32});
        big.out().flush();
        assertThrows(IOException.class, () -> {
            if (LengthPrefixed.read(big.in(), 1 << 20) == null) {
                throw new IOException("ended");
            }
        });
        big.reset();
        try (Stream ok = open()) {
            assertEquals(MessageType.PING, ask(ok, KadMessage.request(MessageType.PING, new byte[0])).type());
        }
        // two protocol errors of weight 5, barely decayed
        io.p2pkit.testing.Await.until("the protocol errors counted against the sender",
                () -> honest.host().reputation().details(attacker.peerId()).map(d -> d.bad() > 9.9).orElse(false),
                Duration.ofSeconds(10));
    }

    @Test
    void addProviderFloodIsCappedPerPeerAndCannotNameOthers() throws Exception {
        PeerId victim = PrivateKey.generateEd25519().publicKey().toPeerId();
        try (Stream s = open()) {
            for (int i = 0; i < 200; i++) {
                KadMessage add = KadMessage.request(MessageType.ADD_PROVIDER, mh(i)).withProviderPeers(List.of(
                        new KadPeer(attacker.peerId(), List.of(Multiaddr.parse("/memory/123"))),
                        new KadPeer(victim, List.of(Multiaddr.parse("/memory/124")))));
                LengthPrefixed.write(s.out(), add.encode());
            }
            s.out().flush();
            // A request answered after the flood proves the flood was processed in order.
            assertEquals(MessageType.PING, ask(s, KadMessage.request(MessageType.PING, new byte[0])).type());
        }
        assertEquals(50, honest.dht().providerStore().size());
        assertEquals(List.of(attacker.peerId()), honest.dht().providerStore().providers(mh(0)));
        assertTrue(honest.dht().providerStore().providers(mh(150)).isEmpty());
        assertTrue(honest.host().peerStore().addresses(victim).isEmpty());
    }

    @Test
    void invalidOrMismatchedRecordsAreNotStored() throws Exception {
        PrivateKey k = PrivateKey.generateEd25519();
        PrivateKey other = PrivateKey.generateEd25519();
        byte[] key = PublicKeyValidator.keyFor(k.publicKey().toPeerId());
        Stream s = open();
        LengthPrefixed.write(s.out(), KadMessage.request(MessageType.PUT_VALUE, key)
                .withRecord(new KadRecord(key, other.publicKey().marshal(), "")).encode());
        s.out().flush();
        assertThrows(IOException.class, () -> {
            if (LengthPrefixed.read(s.in(), 1 << 20) == null) {
                throw new IOException("ended");
            }
        });
        s.reset();
        Stream s2 = open();
        byte[] otherKey = PublicKeyValidator.keyFor(other.publicKey().toPeerId());
        LengthPrefixed.write(s2.out(), KadMessage.request(MessageType.PUT_VALUE, key)
                .withRecord(new KadRecord(otherKey, other.publicKey().marshal(), "")).encode());
        s2.out().flush();
        assertThrows(IOException.class, () -> {
            if (LengthPrefixed.read(s2.in(), 1 << 20) == null) {
                throw new IOException("ended");
            }
        });
        s2.reset();
        assertEquals(0, honest.dht().recordStore().size());
        try (Stream s3 = open()) {
            KadMessage echo = ask(s3, KadMessage.request(MessageType.PUT_VALUE, key)
                    .withRecord(new KadRecord(key, k.publicKey().marshal(), "")));
            assertEquals(MessageType.PUT_VALUE, echo.type());
        }
        assertEquals(1, honest.dht().recordStore().size());
    }

    @Test
    void lyingServersDoNotBreakLookups() throws Exception {
        // Three honest peers plus a liar that answers every request with garbage or wrong types.
        List<DhtSwarm.Node> more = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DhtSwarm.Node n = swarm.start(List.of(honest.info()));
            n.dht().bootstrap();
            more.add(n);
        }
        Host liar = Host.builder().transport(key -> network.transport()).security("plaintext").muxers("yamux")
                .listen("/memory/0").build();
        try {
            liar.setStreamHandler(honest.dht().protocolId(), st -> {
                while (LengthPrefixed.read(st.in(), 1 << 20) != null) {
                    LengthPrefixed.write(st.out(), KadMessage.request(MessageType.GET_VALUE, new byte[] {1}).encode());
                    st.out().flush();
                }
            });
            // The liar is identified as a server by everyone it connects to.
            for (DhtSwarm.Node n : swarm.nodes()) {
                liar.connect(n.info());
            }
            DhtSwarm.Node asker = more.get(2);
            awaitTableContains(asker, liar.peerId());
            byte[] key = mh(1);
            var r = asker.dht().getClosestPeers(key);
            assertFalse(r.closest().contains(liar.peerId()));
            assertEquals(3, r.closest().size());
            assertFalse(asker.dht().routingTable().contains(liar.peerId()), "a peer that fails is dropped");
            assertTrue(asker.host().reputation().score(liar.peerId()) < 0, "its wrong replies count against it");
            for (PeerId p : r.closest()) {
                assertTrue(asker.host().reputation().score(p) > 0, "an answer counts for " + p);
            }
        } finally {
            liar.close();
        }
    }

    @Test
    void pooledStreamsAreDroppedWithTheirConnection() throws Exception {
        DhtSwarm.Node other = swarm.start(List.of(honest.info()));
        other.dht().bootstrap();
        assertEquals(1, other.dht().clientForTests().idleStreams());
        other.host().network().connection(honest.host().peerId()).orElseThrow().close();
        assertEquals(0, other.dht().clientForTests().idleStreams());
    }

    private static void awaitTableContains(DhtSwarm.Node n, PeerId p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        while (!n.dht().routingTable().contains(p)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(p + " never entered the routing table");
            }
            never.await(10, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
}
