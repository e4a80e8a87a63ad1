package io.p2pkit.kad;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.record.InvalidRecordException;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.kad.record.IpnsValidator;
import io.p2pkit.kad.record.PublicKeyValidator;
import io.p2pkit.kad.routing.KadKey;
import io.p2pkit.kad.sim.DhtSwarm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 30-node DHT on the memory transport: peer routing, providers and values end to end. */
class KadDhtTest {
    private static DhtSwarm swarm;

    @BeforeAll
    static void grow() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 42, b -> b.k(8).alpha(3));
        swarm.grow(30, 6);
    }

    @AfterAll
    static void close() {
        swarm.close();
    }

    @Test
    void everyNodeHasARoutingTable() {
        for (DhtSwarm.Node n : swarm.nodes()) {
            assertTrue(n.dht().routingTable().size() >= 3, n + " has " + n.dht().routingTable());
        }
    }

    @Test
    void closestPeersAreTheTrueClosest() throws Exception {
        byte[] key = "some key".getBytes(StandardCharsets.UTF_8);
        DhtSwarm.Node asker = swarm.nodes().get(7);
        LookupResult r = asker.dht().getClosestPeers(key);
        KadKey target = KadKey.of(key);
        List<io.p2pkit.core.identity.PeerId> truth = new ArrayList<>();
        for (DhtSwarm.Node n : swarm.nodes()) {
            if (!n.host().peerId().equals(asker.host().peerId())) {
                truth.add(n.host().peerId());
            }
        }
        truth.sort(Comparator.comparing(KadKey::of, target::compareDistance));
        assertEquals(truth.subList(0, 8), r.closest());
        assertTrue(r.hops() >= 1 && r.messages() >= 8, r.toString());
    }

    @Test
    void findPeerFindsAPeerNotConnected() throws Exception {
        DhtSwarm.Node a = swarm.nodes().get(3);
        for (DhtSwarm.Node b : swarm.nodes()) {
            if (b != a && a.host().network().connection(b.host().peerId()).isEmpty()) {
                FindPeerResult r = a.dht().findPeer(b.host().peerId());
                assertTrue(r.peer().isPresent(), "did not find " + b.host().peerId());
                assertEquals(b.host().addresses(), r.peer().get().addresses());
                return;
            }
        }
    }

    @Test
    void provideThenFindProviders() throws Exception {
        byte[] mh = Multihash.digest(Multicodec.SHA2_256, "content".getBytes(StandardCharsets.UTF_8)).bytes();
        DhtSwarm.Node provider = swarm.nodes().get(11);
        ProvideResult p = provider.dht().provide(mh);
        assertEquals(8, p.peers());
        List<PeerInfo> found = new CopyOnWriteArrayList<>();
        FindProvidersResult r = swarm.nodes().get(22).dht().findProviders(mh, 5, found::add);
        assertEquals(1, found.size());
        assertEquals(provider.host().peerId(), found.get(0).peerId());
        assertEquals(provider.host().addresses(), found.get(0).addresses());
        assertEquals(found, r.providers());
    }

    /**
     * Several peers name the same provider at once and the caller is slow to take it (the RPC API
     * writes each to its client): no callback runs after findProviders returns, so a streamed
     * answer is never written to once finished.
     */
    @Test
    void noProviderIsHandedOnAfterTheLookupReturns() throws Exception {
        byte[] mh = Multihash.digest(Multicodec.SHA2_256, "slow caller".getBytes(StandardCharsets.UTF_8)).bytes();
        DhtSwarm.Node provider = swarm.nodes().get(5);
        provider.dht().provide(mh); // the 8 closest peers hold the record: several answer with it
        for (int round = 0; round < 5; round++) {
            java.util.concurrent.CountDownLatch returned = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger late = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            FindProvidersResult r = swarm.nodes().get(17 + round).dht().findProviders(mh, 1, p -> {
                calls.incrementAndGet();
                try {
                    // a slow write: if the lookup can return while it runs, it returns within this wait
                    if (returned.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        late.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            returned.countDown();
            assertEquals(1, calls.get(), "one provider asked for, one handed on");
            assertEquals(0, late.get(), "no callback outlived the lookup");
            assertEquals(List.of(provider.host().peerId()), r.providers().stream().map(PeerInfo::peerId).toList());
        }
    }

    @Test
    void optimisticProvideIsFound() throws Exception {
        DhtSwarm.Node provider = swarm.nodes().get(13);
        provider.dht().refresh();
        double size = provider.dht().networkSizeEstimate().orElseThrow();
        assertTrue(size > 10 && size < 90, "estimate " + size + " for 30 nodes");
        byte[] mh = Multihash.digest(Multicodec.SHA2_256, "optimistic".getBytes(StandardCharsets.UTF_8)).bytes();
        ProvideResult p = provider.dht().provideOptimistically(mh);
        assertTrue(p.peers() >= 6, p.toString());
        List<PeerInfo> found = new CopyOnWriteArrayList<>();
        swarm.nodes().get(24).dht().findProviders(mh, 1, found::add);
        assertEquals(List.of(provider.host().peerId()), found.stream().map(PeerInfo::peerId).toList());
    }

    @Test
    void putAndGetPublicKeyRecord() throws Exception {
        PrivateKey someone = PrivateKey.generateEd25519();
        byte[] key = PublicKeyValidator.keyFor(someone.publicKey().toPeerId());
        DhtSwarm.Node putter = swarm.nodes().get(5);
        PutResult put = putter.dht().putValue(key, someone.publicKey().marshal());
        assertEquals(8, put.peers());
        GetResult got = swarm.nodes().get(17).dht().getValue(key, 3);
        assertArrayEquals(someone.publicKey().marshal(), got.value().orElseThrow());
        assertTrue(got.received() >= 3);
    }

    @Test
    void putRefusesInvalidRecords() {
        PrivateKey someone = PrivateKey.generateEd25519();
        PrivateKey other = PrivateKey.generateEd25519();
        byte[] key = PublicKeyValidator.keyFor(someone.publicKey().toPeerId());
        assertThrows(InvalidRecordException.class, () -> swarm.nodes().get(1).dht().putValue(key, other.publicKey().marshal()));
        assertThrows(InvalidRecordException.class, () -> swarm.nodes().get(1).dht().putValue("/x/1".getBytes(), new byte[1]));
    }

    @Test
    void missingValueIsEmpty() throws Exception {
        byte[] key = PublicKeyValidator.keyFor(PrivateKey.generateEd25519().publicKey().toPeerId());
        assertFalse(swarm.nodes().get(9).dht().getValue(key, 2).value().isPresent());
    }

    @Test
    void getValueCorrectsPeersThatReturnedAnOutdatedRecord() throws Exception {
        PrivateKey name = PrivateKey.generateEd25519();
        byte[] key = IpnsValidator.keyFor(name.publicKey().toPeerId());
        java.time.Instant until = java.time.Instant.now().plus(java.time.Duration.ofDays(1));
        byte[] old = IpnsRecordSigner.sign(name, "/ipfs/bafkqaaa", 1, until, java.time.Duration.ofHours(1));
        byte[] current = IpnsRecordSigner.sign(name, "/ipfs/bafkqaab", 2, until, java.time.Duration.ofHours(1));
        DhtSwarm.Node putter = swarm.nodes().get(4);
        assertEquals(8, putter.dht().putValue(key, current).peers());
        // Three of the holders missed the update and still have the old record.
        List<io.p2pkit.core.identity.PeerId> holders = putter.dht().getClosestPeers(key).closest();
        java.util.Set<io.p2pkit.core.identity.PeerId> stale = new java.util.HashSet<>(holders.subList(0, 3));
        DhtSwarm.Node getter = null;
        for (DhtSwarm.Node n : swarm.nodes()) {
            if (stale.contains(n.host().peerId())) {
                n.dht().recordStore().put(key, old);
            } else if (getter == null && n != putter && !holders.contains(n.host().peerId())) {
                getter = n;
            }
        }
        // A quorum above the number of holders: the lookup runs until the k closest all answered,
        // the stale ones included.
        GetResult got = getter.dht().getValue(key, 20);
        assertArrayEquals(current, got.value().orElseThrow());
        assertEquals(stale, new java.util.HashSet<>(got.corrected()));
        for (DhtSwarm.Node n : swarm.nodes()) {
            if (stale.contains(n.host().peerId())) {
                assertArrayEquals(current, n.dht().recordStore().get(key).orElseThrow().value(), n + " was not corrected");
            }
        }
    }

    @Test
    void refreshKeysFallInTheirBucket() {
        KadDht dht = swarm.nodes().get(0).dht();
        for (int cpl = 0; cpl <= 6; cpl++) {
            io.p2pkit.core.identity.PeerId p = dht.randomPeerIdIn(cpl);
            assertEquals(cpl, dht.routingTable().localKey().commonPrefixLength(KadKey.of(p)));
        }
    }
}
