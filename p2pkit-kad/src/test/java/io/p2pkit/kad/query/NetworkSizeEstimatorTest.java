package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.routing.KadKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The network-size estimate from the true closest peers of lookups in synthetic networks. */
class NetworkSizeEstimatorTest {
    private static final int K = 20;

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
            e.record(target, closest(network, self, target), self);
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
        NetworkSizeEstimator e = new NetworkSizeEstimator();
        lookups(e, net, net.get(0), random, NetworkSizeEstimator.WINDOW);
        // 64 lookups of 20 ranks: the standard error is about 4 %.
        assertNear(1000, e.estimate().orElseThrow(), 0.15);
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void selfLookupsCountTheLocalNode(long seed) {
        // Every target is the local node's own key: without it among the ranks the estimate ran low.
        SplittableRandom random = new SplittableRandom(seed);
        List<PeerId> net = network(random, 500);
        NetworkSizeEstimator e = new NetworkSizeEstimator();
        for (PeerId self : net.subList(0, 40)) {
            e.record(KadKey.of(self), closest(net, self, KadKey.of(self)), self);
        }
        assertNear(500, e.estimate().orElseThrow(), 0.2);
    }

    @Test
    void aNewRoundReplacesMeasurementsOfASmallerNetwork() {
        SplittableRandom random = new SplittableRandom(7);
        List<PeerId> net = network(random, 1000);
        PeerId self = net.get(0);
        NetworkSizeEstimator e = new NetworkSizeEstimator();
        // Measured when a quarter of the network existed (as during the joins of a growing network).
        lookups(e, net.subList(0, 250), self, random, 40);
        assertNear(250, e.estimate().orElseThrow(), 0.2);
        e.startRound();
        lookups(e, net, self, random, NetworkSizeEstimator.MIN_SAMPLES - 1);
        // Too few new lookups yet: the old and new ones are used together.
        assertFalse(e.estimate().orElseThrow() > 800);
        lookups(e, net, self, random, 20);
        assertNear(1000, e.estimate().orElseThrow(), 0.2);
    }

    @Test
    void noEstimateFromTooFewLookups() {
        SplittableRandom random = new SplittableRandom(8);
        List<PeerId> net = network(random, 100);
        NetworkSizeEstimator e = new NetworkSizeEstimator();
        lookups(e, net, net.get(0), random, NetworkSizeEstimator.MIN_SAMPLES - 1);
        assertFalse(e.estimate().isPresent());
    }
}
