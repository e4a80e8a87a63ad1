package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.ShiftableClock;
import io.p2pkit.kad.routing.KadKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network-size estimate from the true closest peers of lookups in synthetic networks. */
class NetworkSizeEstimatorTest {
    private static final int K = 20;
    /** The routing table's size in the tests that do not change it. */
    private static final int TABLE = 100;
    private static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");

    private static NetworkSizeEstimator estimator(ShiftableClock clock) {
        return new NetworkSizeEstimator(clock, Duration.ofMinutes(30), K / 2);
    }

    private static PeerId randomPeer(SplittableRandom random) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return PeerId.fromMultihash(Multihash.of(Multicodec.SHA2_256, digest));
    }

    private static List<PeerId> network(SplittableRandom random, int size) {
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            PeerId p = randomPeer(random);
            KEYS.put(p, KadKey.of(p));
            peers.add(p);
        }
        return peers;
    }

    /** What a converged lookup from {@code self} returns: the k closest, without {@code self}. */
    private static List<PeerId> closest(List<PeerId> network, PeerId self, KadKey target) {
        return network.stream().filter(p -> !p.equals(self))
                .sorted(Comparator.comparing(KEYS::get, target::compareDistance)).limit(K).toList();
    }

    /** Each peer's SHA-256 key, hashed once: sorting would otherwise hash on every comparison. */
    private static final java.util.Map<PeerId, KadKey> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void lookups(NetworkSizeEstimator e, List<PeerId> network, PeerId self, SplittableRandom random, int count) {
        for (int i = 0; i < count; i++) {
            KadKey target = KadKey.of(randomPeer(random));
            e.record(target, closest(network, self, target), self, TABLE);
        }
    }

    private static void assertNear(double expected, double actual, double tolerance) {
        assertEquals(expected, actual, expected * tolerance, "estimate " + actual + " for " + expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomLookupsEstimateTheSize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<PeerId> net = network(random, 1000);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        lookups(e, net, net.get(0), random, NetworkSizeEstimator.WINDOW);
        // 64 lookups of 20 ranks: the standard error is about 4 %.
        assertNear(1000, e.estimate(TABLE).size().orElseThrow(), 0.15);
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void selfLookupsCountTheLocalNode(long seed) {
        // Every target is the local node's own key: without it among the ranks the estimate ran low.
        SplittableRandom random = new SplittableRandom(seed);
        List<PeerId> net = network(random, 500);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        for (PeerId self : net.subList(0, 40)) {
            e.record(KadKey.of(self), closest(net, self, KadKey.of(self)), self, TABLE);
        }
        assertNear(500, e.estimate(TABLE).size().orElseThrow(), 0.2);
    }

    @Test
    void aNewRoundReplacesMeasurementsOfASmallerNetwork() {
        SplittableRandom random = new SplittableRandom(7);
        List<PeerId> net = network(random, 1000);
        PeerId self = net.get(0);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        // Measured when a quarter of the network existed (as during the joins of a growing network).
        lookups(e, net.subList(0, 250), self, random, 40);
        assertNear(250, e.estimate(TABLE).size().orElseThrow(), 0.2);
        e.startRound();
        lookups(e, net, self, random, NetworkSizeEstimator.MIN_SAMPLES - 1);
        // Too few new lookups yet: the old and new ones are used together.
        assertFalse(e.estimate(TABLE).size().orElseThrow() > 800);
        lookups(e, net, self, random, 20);
        assertNear(1000, e.estimate(TABLE).size().orElseThrow(), 0.2);
    }

    @Test
    void noEstimateFromTooFewLookups() {
        SplittableRandom random = new SplittableRandom(8);
        List<PeerId> net = network(random, 100);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        lookups(e, net, net.get(0), random, NetworkSizeEstimator.MIN_SAMPLES - 1);
        assertFalse(e.estimate(TABLE).size().isPresent());
    }

    @Test
    void tooFewLookupsAreReportedAsSuch() {
        SplittableRandom random = new SplittableRandom(9);
        List<PeerId> net = network(random, 200);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        assertEquals(NetworkSizeEstimator.Status.TOO_FEW_LOOKUPS, e.estimate(TABLE).status());
        lookups(e, net, net.get(0), random, NetworkSizeEstimator.MIN_SAMPLES - 1);
        NetworkSizeEstimator.Estimate verdict = e.estimate(TABLE);
        assertEquals(NetworkSizeEstimator.Status.TOO_FEW_LOOKUPS, verdict.status());
        assertFalse(verdict.usable());
        assertFalse(verdict.size().isPresent());
        lookups(e, net, net.get(0), random, 1);
        assertTrue(e.estimate(TABLE).usable());
    }

    @Test
    void lookupsOlderThanTheMaximumAgeAreNotUsed() {
        SplittableRandom random = new SplittableRandom(10);
        List<PeerId> net = network(random, 400);
        ShiftableClock clock = ShiftableClock.fixed(T0);
        NetworkSizeEstimator e = estimator(clock);
        lookups(e, net, net.get(0), random, 10);
        clock.advance(Duration.ofMinutes(30));
        assertTrue(e.estimate(TABLE).usable(), "exactly the maximum age is still recent");
        clock.advance(Duration.ofSeconds(1));
        NetworkSizeEstimator.Estimate old = e.estimate(TABLE);
        assertEquals(NetworkSizeEstimator.Status.OUTDATED, old.status());
        // The stale figure is still given for information, from all the lookups kept.
        assertNear(400, old.size().orElseThrow(), 0.3);
        assertEquals(10, old.lookups());
        // New lookups make it usable again, from those alone.
        lookups(e, net, net.get(0), random, NetworkSizeEstimator.MIN_SAMPLES);
        NetworkSizeEstimator.Estimate fresh = e.estimate(TABLE);
        assertTrue(fresh.usable());
        assertEquals(NetworkSizeEstimator.MIN_SAMPLES, fresh.lookups());
    }

    @Test
    void lookupsMadeWithARoutingTableOfAnotherSizeAreNotUsed() {
        SplittableRandom random = new SplittableRandom(11);
        List<PeerId> net = network(random, 1000);
        PeerId self = net.get(0);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        // Measured while a quarter of the network existed, with a table of 60 peers.
        for (int i = 0; i < 20; i++) {
            KadKey target = KadKey.of(randomPeer(random));
            e.record(target, closest(net.subList(0, 250), self, target), self, 60);
        }
        assertTrue(e.estimate(60 + K / 2 - 1).usable(), "a change under k/2 is tolerated");
        NetworkSizeEstimator.Estimate grown = e.estimate(60 + K / 2);
        assertEquals(NetworkSizeEstimator.Status.TABLE_CHANGED, grown.status());
        assertEquals(NetworkSizeEstimator.Status.TABLE_CHANGED, e.estimate(60 - K / 2).status());
        assertNear(250, grown.size().orElseThrow(), 0.2);
        // Lookups made with the present table (the network as it is now) count, and only they.
        for (int i = 0; i < 20; i++) {
            KadKey target = KadKey.of(randomPeer(random));
            e.record(target, closest(net, self, target), self, 90);
        }
        NetworkSizeEstimator.Estimate now = e.estimate(90);
        assertTrue(now.usable());
        assertEquals(20, now.lookups());
        assertNear(1000, now.size().orElseThrow(), 0.2);
    }

    @Test
    void aRefreshCountsWithTheTableItLeft() {
        // A node's first refresh starts from its bootstrap peers and fills the table as it goes.
        SplittableRandom random = new SplittableRandom(12);
        List<PeerId> net = network(random, 300);
        PeerId self = net.get(0);
        NetworkSizeEstimator e = estimator(ShiftableClock.fixed(T0));
        e.startRound();
        for (int i = 0; i < 8; i++) {
            KadKey target = KadKey.of(randomPeer(random));
            e.record(target, closest(net, self, target), self, 3 + 8 * i);
        }
        assertEquals(NetworkSizeEstimator.Status.TABLE_CHANGED, e.estimate(70).status());
        e.endRound(70);
        assertTrue(e.estimate(70).usable());
        assertEquals(8, e.estimate(70).lookups());
    }
}
