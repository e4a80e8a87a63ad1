package io.p2pkit.kad;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.routing.KadKey;
import io.p2pkit.kad.sim.DhtSwarm;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Announcing many keys region by region ({@link KadDht#provideSweep}) puts each record on exactly
 * the k peers closest to its key, as one lookup per key would, with far fewer lookups.
 */
@Timeout(120)
class SweepProvideTest {
    private static final int K = 8;
    private static DhtSwarm swarm;

    @BeforeAll
    static void grow() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 91, b -> b.k(K).alpha(3));
        swarm.grow(120, 8);
        for (DhtSwarm.Node n : swarm.nodes()) {
            n.dht().refresh(); // full routing tables, so that a lookup finds the true k closest
        }
    }

    @AfterAll
    static void close() {
        swarm.close();
    }

    private static List<byte[]> keys(String prefix, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Multihash.digest(Multicodec.SHA2_256, (prefix + i).getBytes(StandardCharsets.UTF_8)).bytes());
        }
        return out;
    }

    /** The k nodes closest to {@code key} but {@code except}, by the whole swarm's knowledge. */
    private static Set<PeerId> trueClosest(byte[] key, DhtSwarm.Node except) {
        KadKey point = KadKey.of(key);
        Set<PeerId> out = new HashSet<>();
        swarm.nodes().stream().map(n -> n.host().peerId()).filter(p -> !p.equals(except.host().peerId()))
                .sorted((a, b) -> point.compareDistance(KadKey.of(a), KadKey.of(b))).limit(K).forEach(out::add);
        return out;
    }

    private static Set<PeerId> holders(byte[] key, PeerId provider) {
        Set<PeerId> out = new HashSet<>();
        for (DhtSwarm.Node n : swarm.nodes()) {
            if (!n.host().peerId().equals(provider) && n.dht().providerStore().providers(key).contains(provider)) {
                out.add(n.host().peerId());
            }
        }
        return out;
    }

    /**
     * Waits until each key's record from {@code provider} is held by its k closest nodes (but
     * {@code other}, whose own records are not looked at): an ADD_PROVIDER has no reply, so the
     * sender is done once it is written and the holder stores it a moment later.
     */
    private static void awaitPlaced(List<byte[]> keys, DhtSwarm.Node provider, DhtSwarm.Node other) {
        Await.until("every record on its k closest", () -> keys.stream().allMatch(key -> {
            Set<PeerId> want = trueClosest(key, provider);
            Set<PeerId> got = holders(key, provider.host().peerId());
            if (other != null) {
                want.remove(other.host().peerId());
                got.remove(other.host().peerId());
            }
            return want.equals(got);
        }), java.time.Duration.ofSeconds(30));
    }

    @Test
    void eachRecordLandsOnItsKClosestWithFewLookups() throws Exception {
        DhtSwarm.Node from = swarm.nodes().get(17);
        List<byte[]> keys = keys("sweep ", 600);
        SweepResult r = from.dht().provideSweep(keys, 2, 4);
        assertEquals(600, r.keys());
        assertEquals(0, r.unplaced(), r.toString());
        assertEquals(0, r.oneByOne(), r.toString());
        assertEquals(600L * K, r.recordsSent(), r.toString());
        assertTrue(r.peers() >= K && r.peers() == r.reachable(), r.toString());
        // 600 keys over 120 peers with k = 8: a region holds about 8 to 16 peers, so about ten
        // regions, each explored with a lookup or a few
        assertTrue(r.lookups() <= 4 * r.regions() && r.lookups() < 600 / 10, r.toString());
        awaitPlaced(keys, from, null);
        // another node finds the provider, and the providing node counts itself in
        List<PeerInfo> found = new CopyOnWriteArrayList<>();
        swarm.nodes().get(88).dht().findProviders(keys.get(5), 1, found::add);
        assertEquals(List.of(from.host().peerId()), found.stream().map(PeerInfo::peerId).toList());
        assertTrue(from.dht().providerStore().providers(keys.get(5)).contains(from.host().peerId()));
    }

    @Test
    void aSweepMatchesOneLookupPerKey() throws Exception {
        DhtSwarm.Node a = swarm.nodes().get(40);
        DhtSwarm.Node b = swarm.nodes().get(41);
        List<byte[]> keys = keys("same keys ", 40);
        a.dht().provideSweep(keys, 1, 20);
        for (byte[] key : keys) {
            b.dht().provide(key);
        }
        awaitPlaced(keys, a, b);
        awaitPlaced(keys, b, a);
        for (byte[] key : keys) {
            Set<PeerId> bySweep = holders(key, a.host().peerId());
            bySweep.remove(b.host().peerId());
            Set<PeerId> byLookup = holders(key, b.host().peerId());
            byLookup.remove(a.host().peerId());
            Set<PeerId> want = trueClosest(key, a);
            want.remove(b.host().peerId());
            assertEquals(want, bySweep);
            Set<PeerId> wantB = trueClosest(key, b);
            wantB.remove(a.host().peerId());
            assertEquals(wantB, byLookup);
        }
    }

    @Test
    void aNetworkSmallerThanKIsOneRegion() throws Exception {
        try (DhtSwarm small = new DhtSwarm(new MemoryNetwork(), 5, b -> b.k(K))) {
            small.grow(5, 2);
            DhtSwarm.Node from = small.nodes().get(0);
            from.dht().refresh();
            SweepResult r = from.dht().provideSweep(keys("small ", 50), 1, 20);
            assertEquals(1, r.regions(), r.toString());
            assertEquals(1, r.lookups(), r.toString());
            assertEquals(50L * 4, r.recordsSent(), r.toString());
            for (DhtSwarm.Node n : small.nodes().subList(1, 5)) {
                Await.until("the records on every other node", () -> keys("small ", 50).stream()
                        .filter(k -> n.dht().providerStore().providers(k).contains(from.host().peerId())).count() == 50,
                        java.time.Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void withoutRepublishingNothingIsKeptForLater() throws Exception {
        List<PeerInfo> boot = swarm.nodes().subList(0, 3).stream().map(DhtSwarm.Node::info).toList();
        DhtSwarm.Node n = swarm.start(boot, b -> b.republishProviders(false));
        n.dht().bootstrap();
        byte[] key = keys("not kept ", 1).get(0);
        n.dht().provide(key);
        n.dht().provideSweep(keys("not kept either ", 5), 1, 20);
        assertTrue(n.dht().providerStore().localKeys().isEmpty());
        assertTrue(n.dht().providerStore().providers(key).contains(n.host().peerId()));
        DhtSwarm.Node kept = swarm.nodes().get(3);
        kept.dht().provideSweep(keys("kept ", 3), 1, 20);
        assertEquals(3, kept.dht().providerStore().localKeys().stream()
                .filter(k -> keys("kept ", 3).stream().anyMatch(x -> java.util.Arrays.equals(x, k))).count());
    }

    @Test
    void aKeyThatIsNoMultihashIsRefusedBeforeAnythingIsSent() {
        DhtSwarm.Node n = swarm.nodes().get(2);
        List<byte[]> keys = new ArrayList<>(keys("fine ", 2));
        keys.add(new byte[]{1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> n.dht().provideSweep(keys, 1, 20));
        assertTrue(n.dht().providerStore().providers(keys.get(0)).isEmpty());
    }

    @Test
    void bitHelpers() {
        byte[] zero = new byte[32];
        byte[] f = RegionSweep.flip(zero, 9);
        assertEquals((byte) 0x40, f[1]);
        assertArrayEquals(zero, RegionSweep.flip(f, 9));
        assertEquals((byte) 0x01, RegionSweep.withBit(zero, 7, true)[0]);
        assertArrayEquals(zero, RegionSweep.withBit(RegionSweep.withBit(zero, 255, true), 255, false));
        assertTrue(Comparator.<Integer>naturalOrder().compare(1, 2) < 0);
    }
}
