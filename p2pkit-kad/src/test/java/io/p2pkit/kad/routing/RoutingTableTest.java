package io.p2pkit.kad.routing;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTableTest {
    private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    private static PeerId peer(SplittableRandom r) {
        byte[] d = new byte[32];
        r.nextBytes(d);
        return PeerId.fromMultihash(Multihash.of(Multicodec.SHA2_256, d));
    }

    /** A peer whose key shares exactly {@code cpl} bits with {@code local}. */
    private static PeerId peerIn(SplittableRandom r, KadKey local, int cpl) {
        while (true) {
            PeerId p = peer(r);
            if (local.commonPrefixLength(KadKey.of(p)) == cpl) {
                return p;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void nearestIsSortedByXorDistance(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RoutingTable t = new RoutingTable(peer(r), 20, 2, 60, CLOCK);
        List<PeerId> added = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            PeerId p = peer(r);
            if (t.offer(p, Optional.empty()).outcome() == RoutingTable.Outcome.ADDED) {
                added.add(p);
            }
        }
        assertEquals(added.size(), t.size());
        KadKey target = KadKey.of(new byte[] {1, 2, 3});
        added.sort(Comparator.comparing(KadKey::of, target::compareDistance));
        assertEquals(added.subList(0, 20), t.nearest(target, 20));
        for (RoutingTable.Entry e : t.entries()) {
            assertEquals(t.bucketOf(e.key()), Math.min(t.localKey().commonPrefixLength(e.key()), 255));
        }
    }

    @Test
    void fullBucketAsksForALivenessCheckOfTheOldest() {
        SplittableRandom r = new SplittableRandom(7);
        PeerId self = peer(r);
        RoutingTable t = new RoutingTable(self, 3, 2, 60, CLOCK);
        KadKey local = KadKey.of(self);
        List<PeerId> b0 = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            b0.add(peerIn(r, local, 0));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(RoutingTable.Outcome.ADDED, t.offer(b0.get(i), Optional.empty()).outcome());
        }
        // Seeing the first again makes it the most recent; the second is now the oldest.
        assertEquals(RoutingTable.Outcome.REFRESHED, t.offer(b0.get(0), Optional.empty()).outcome());
        RoutingTable.Offer full = t.offer(b0.get(3), Optional.empty());
        assertEquals(RoutingTable.Outcome.BUCKET_FULL, full.outcome());
        assertEquals(b0.get(1), full.oldest().orElseThrow());
        // Alive: the newcomer is dropped and the oldest becomes the most recent.
        assertFalse(t.resolve(b0.get(1), true, b0.get(3), Optional.empty()));
        assertFalse(t.contains(b0.get(3)));
        assertEquals(b0.get(2), t.bucket(0).get(0).peer());
        // Dead: it is replaced.
        assertTrue(t.resolve(b0.get(2), false, b0.get(4), Optional.empty()));
        assertFalse(t.contains(b0.get(2)));
        assertTrue(t.contains(b0.get(4)));
        assertEquals(3, t.size());
    }

    @Test
    void aFullBucketChecksItsWorstScoredPeerAndReplacesABadOneAtOnce() {
        SplittableRandom r = new SplittableRandom(11);
        PeerId self = peer(r);
        RoutingTable t = new RoutingTable(self, 3, 2, 60, CLOCK);
        KadKey local = KadKey.of(self);
        List<PeerId> b0 = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            b0.add(peerIn(r, local, 0));
        }
        java.util.Map<PeerId, Double> scores = new java.util.HashMap<>();
        t.setScores(p -> scores.getOrDefault(p, 0.0));
        for (int i = 0; i < 3; i++) {
            t.offer(b0.get(i), Optional.empty());
        }
        // Without scores the oldest would be checked; the worst-scored one is instead.
        scores.put(b0.get(0), 0.5);
        scores.put(b0.get(2), -0.2);
        RoutingTable.Offer full = t.offer(b0.get(3), Optional.empty());
        assertEquals(RoutingTable.Outcome.BUCKET_FULL, full.outcome());
        assertEquals(b0.get(2), full.oldest().orElseThrow());
        // Equal scores: the least recently seen, as in Kademlia.
        scores.put(b0.get(2), 0.0);
        assertEquals(b0.get(1), t.offer(b0.get(3), Optional.empty()).oldest().orElseThrow());
        // Below REPLACE_BELOW and the newcomer better: replaced without a check.
        scores.put(b0.get(1), -0.8);
        assertEquals(RoutingTable.Outcome.ADDED, t.offer(b0.get(4), Optional.empty()).outcome());
        assertFalse(t.contains(b0.get(1)));
        assertTrue(t.contains(b0.get(4)));
        assertEquals(3, t.size());
        // ... but not by a newcomer that is no better.
        scores.put(b0.get(4), -0.9);
        scores.put(b0.get(5), -0.9);
        assertEquals(RoutingTable.Outcome.BUCKET_FULL, t.offer(b0.get(5), Optional.empty()).outcome());
    }

    @Test
    void diversityLimitPerBucketAndTable() {
        SplittableRandom r = new SplittableRandom(9);
        PeerId self = peer(r);
        RoutingTable t = new RoutingTable(self, 20, 2, 3, CLOCK);
        KadKey local = KadKey.of(self);
        Optional<String> g = IpGroup.of(Multiaddr.parse("/ip4/8.8.4.4/tcp/1"));
        assertEquals(Optional.of("ip4:8.8"), g);
        assertEquals(Optional.empty(), IpGroup.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));
        assertEquals(Optional.empty(), IpGroup.of(Multiaddr.parse("/ip4/192.168.1.1/tcp/1")));
        assertEquals(Optional.empty(), IpGroup.of(Multiaddr.parse("/memory/5")));
        assertEquals(RoutingTable.Outcome.ADDED, t.offer(peerIn(r, local, 0), g).outcome());
        assertEquals(RoutingTable.Outcome.ADDED, t.offer(peerIn(r, local, 0), g).outcome());
        assertEquals(RoutingTable.Outcome.REJECTED_DIVERSITY, t.offer(peerIn(r, local, 0), g).outcome());
        assertEquals(RoutingTable.Outcome.ADDED, t.offer(peerIn(r, local, 1), g).outcome());
        assertEquals(RoutingTable.Outcome.REJECTED_DIVERSITY, t.offer(peerIn(r, local, 2), g).outcome());
        assertEquals(RoutingTable.Outcome.ADDED, t.offer(peerIn(r, local, 2), Optional.empty()).outcome());
        assertEquals(RoutingTable.Outcome.REJECTED_SELF, t.offer(self, Optional.empty()).outcome());
    }

    @Test
    void keyDistanceBasics() {
        KadKey a = KadKey.ofRaw(new byte[32]);
        byte[] bb = new byte[32];
        bb[0] = 0x10;
        KadKey b = KadKey.ofRaw(bb);
        assertEquals(3, a.commonPrefixLength(b));
        assertEquals(256, a.commonPrefixLength(a));
        byte[] cb = new byte[32];
        cb[31] = 1;
        KadKey c = KadKey.ofRaw(cb);
        assertTrue(a.compareDistance(c, b) < 0);
        assertEquals(0, a.compareDistance(b, b));
    }
}
