package io.p2pkit.core.reputation;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.metrics.HostMetrics;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.metrics.PrometheusText;
import io.p2pkit.core.network.dial.CircuitBreaker;
import io.p2pkit.core.network.dial.DialPolicy;
import io.p2pkit.core.network.dial.DialPolicyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PeerReputationTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PeerReputation rep = new PeerReputation(
            ReputationConfig.defaults().withHalfLife(Duration.ofMinutes(1)), now::get);

    private static PeerId peer() {
        return PrivateKey.generateEd25519().publicKey().toPeerId();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void unknownPeerScoresZero() {
        PeerId p = peer();
        assertEquals(0.0, rep.score(p));
        assertTrue(rep.details(p).isEmpty());
        assertEquals(0, rep.size());
    }

    @Test
    void eachOutcomeMovesTheScoreItsWay() {
        PeerId p = peer();
        double before = rep.score(p);
        rep.record(p, Outcome.SUCCESS);
        double afterSuccess = rep.score(p);
        assertTrue(afterSuccess > before, "a success raises it");
        assertEquals(0.5, afterSuccess, 1e-9, "(1 - 0) / (1 + 0 + 1)");
        for (Outcome bad : List.of(Outcome.DIAL_FAILURE, Outcome.TIMEOUT, Outcome.PROTOCOL_ERROR, Outcome.DONT_HAVE)) {
            double was = rep.score(p);
            rep.record(p, bad);
            assertTrue(rep.score(p) < was, bad + " lowers it");
        }
        rep.success(p, Duration.ofMillis(10), 1 << 20);
        rep.success(p, Duration.ofMillis(3), 100);
        PeerScore d = rep.details(p).orElseThrow();
        assertEquals(Duration.ofMillis(3), d.latency().orElseThrow(), "the small answer");
        assertEquals((1 << 20) / 0.010, d.throughput().orElseThrow(), 1.0, "the large one");
        assertEquals(3.0, d.good(), 1e-9);
        assertEquals(2 + 1 + 5 + 0.25, d.bad(), 1e-9);
    }

    @Test
    void protocolErrorsWeighMoreThanTimeouts() {
        PeerId a = peer();
        PeerId b = peer();
        rep.record(a, Outcome.TIMEOUT);
        rep.record(b, Outcome.PROTOCOL_ERROR);
        assertTrue(rep.score(b) < rep.score(a));
        assertTrue(rep.score(b) > -1);
    }

    @Test
    void evidenceDecaysWithTheHalfLifeOnTheGivenClock() {
        PeerId p = peer();
        for (int i = 0; i < 4; i++) {
            rep.record(p, Outcome.PROTOCOL_ERROR);
        }
        assertEquals(-20.0 / 21, rep.score(p), 1e-9);
        advance(Duration.ofMinutes(1));
        assertEquals(10.0, rep.details(p).orElseThrow().bad(), 1e-9, "half of 20 after one half-life");
        assertEquals(-10.0 / 11, rep.score(p), 1e-9);
        advance(Duration.ofMinutes(2));
        assertEquals(2.5, rep.details(p).orElseThrow().bad(), 1e-9);
        advance(Duration.ofHours(2));
        assertTrue(rep.score(p) > -1e-6, "an old fault is forgiven: " + rep.score(p));
        rep.success(p, Duration.ofMillis(100), 0);
        advance(Duration.ofMinutes(1));
        rep.success(p, Duration.ofMillis(400), 0);
        // latency mean weighted 0.5 : 1 after one half-life
        assertEquals(Duration.ofMillis(300), rep.details(p).orElseThrow().latency().orElseThrow());
    }

    @Test
    void theCapEvictsTheLeastRelevantOfTheLeastRecentlyTouched() {
        PeerReputation small = new PeerReputation(ReputationConfig.defaults().withMaxPeers(4), now::get);
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            peers.add(peer());
        }
        for (int i = 0; i < 5; i++) {
            small.record(peers.get(0), Outcome.SUCCESS); // much evidence, least recently touched
        }
        small.record(peers.get(1), Outcome.SUCCESS);     // little evidence
        for (int i = 2; i < 4; i++) {
            small.record(peers.get(i), Outcome.DIAL_FAILURE);
        }
        PeerId newcomer = peer();
        small.record(newcomer, Outcome.SUCCESS);
        assertEquals(4, small.size());
        assertTrue(small.details(peers.get(1)).isEmpty(), "the peer with the least evidence went");
        assertTrue(small.details(peers.get(0)).isPresent());
        assertTrue(small.details(newcomer).isPresent());
        for (int i = 0; i < 100; i++) {
            small.record(peer(), Outcome.TIMEOUT);
        }
        assertEquals(4, small.size(), "never past the cap");
    }

    @Test
    void bestWeighsLatencyForSmallContentAndThroughputForLarge() {
        PeerId nearSlowLink = peer();
        PeerId farFastLink = peer();
        rep.success(nearSlowLink, Duration.ofMillis(5), 0);
        rep.success(nearSlowLink, Duration.ofSeconds(1), 1 << 20);       // 1 MiB/s
        rep.success(farFastLink, Duration.ofMillis(200), 0);
        rep.success(farFastLink, Duration.ofMillis(100), 10 << 20);      // 100 MiB/s
        // both have the same good evidence, so their scores agree: 5 ms + size at 1 MiB/s against 200 ms + size at 100 MiB/s
        List<PeerId> both = List.of(nearSlowLink, farFastLink);
        assertEquals(List.of(nearSlowLink), rep.best(both, 1024, 1));
        assertEquals(List.of(farFastLink, nearSlowLink), rep.best(both, 100L << 20, 2));
    }

    @Test
    void bestPrefersTheBetterScoreWhenTheTimesAgree() {
        PeerId good = peer();
        PeerId bad = peer();
        PeerId unknown = peer();
        rep.record(good, Outcome.SUCCESS);
        rep.record(bad, Outcome.TIMEOUT);
        assertEquals(List.of(good, unknown, bad), rep.best(List.of(bad, unknown, good, good), 1000, 5));
        assertTrue(rep.cost(bad, 1000).compareTo(rep.cost(good, 1000)) > 0);
        assertEquals(List.of(), rep.best(List.of(good), 10, 0));
    }

    @Test
    void dialOutcomesComeThroughTheNetworkObserver() {
        PeerId p = peer();
        rep.dialObserver().peerDialed(p, false);
        assertEquals(2.0, rep.details(p).orElseThrow().bad(), 1e-9);
        rep.dialObserver().peerDialed(p, true);
        assertEquals(1.0, rep.details(p).orElseThrow().good(), 1e-9);
    }

    @Test
    void aHostRecordsItsFailedDialsAndItsBreakerReadsTheScore() throws Exception {
        PeerId absent = peer();
        // a closed loopback port: the dial fails at once
        io.p2pkit.core.host.PeerInfo info = new io.p2pkit.core.host.PeerInfo(absent,
                List.of(io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));
        for (int i = 0; i < 4; i++) {
            rep.record(absent, Outcome.PROTOCOL_ERROR);
        }
        try (Host host = Host.builder().reputation(rep).identify(false).ping(false).build()) {
            assertThrowsIo(() -> host.connect(info));
            assertEquals(2.0, rep.details(absent).orElseThrow().bad() - 20, 1e-6, "one DIAL_FAILURE");
            assertEquals(CircuitBreaker.State.OPEN, host.network().dialPolicy().breakerState(absent),
                    "a score of -20/21 opens the breaker at the first failed dial");
        }
    }

    private static void assertThrowsIo(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, e);
    }

    @Test
    void aBadScoreOpensTheBreakerSoonerAndForLonger() {
        DialPolicyConfig config = DialPolicyConfig.defaults(); // threshold 5, cool-down 1 min
        DialPolicy neutral = new DialPolicy(config, now::get, () -> 0);
        DialPolicy scored = new DialPolicy(config, now::get, () -> 0);
        scored.setPeerScores(rep::score);
        PeerId p = peer();
        for (int i = 0; i < 4; i++) {
            rep.record(p, Outcome.PROTOCOL_ERROR); // score -20/21
        }
        neutral.peerFailed(p);
        scored.peerFailed(p);
        assertEquals(CircuitBreaker.State.CLOSED, neutral.breakerState(p), "one failure of five");
        assertEquals(CircuitBreaker.State.OPEN, scored.breakerState(p), "ceil(5 * (1 - 20/21)) = 1 failure");
        // neutral opens at the fifth failure; both then wait their cool-downs
        for (int i = 0; i < 4; i++) {
            neutral.peerFailed(p);
        }
        assertEquals(CircuitBreaker.State.OPEN, neutral.breakerState(p));
        advance(Duration.ofMinutes(1));
        assertEquals(CircuitBreaker.State.HALF_OPEN, neutral.breakerState(p));
        assertEquals(CircuitBreaker.State.OPEN, scored.breakerState(p), "open up to four times as long");
        advance(Duration.ofMinutes(3));
        assertEquals(CircuitBreaker.State.HALF_OPEN, scored.breakerState(p));
    }

    @Test
    void aGoodOrUnknownScoreLeavesTheBreakerAsConfigured() {
        DialPolicy scored = new DialPolicy(DialPolicyConfig.defaults(), now::get, () -> 0);
        scored.setPeerScores(rep::score);
        PeerId p = peer();
        rep.record(p, Outcome.SUCCESS);
        for (int i = 0; i < 4; i++) {
            scored.peerFailed(p);
        }
        assertEquals(CircuitBreaker.State.CLOSED, scored.breakerState(p));
        scored.peerFailed(p);
        assertEquals(CircuitBreaker.State.OPEN, scored.breakerState(p));
        advance(Duration.ofMinutes(1));
        assertFalse(scored.breakerState(p) == CircuitBreaker.State.OPEN);
    }

    @Test
    void theHostFeedsItAndMetricsShowTheSpreadWithoutPeerLabels() throws Exception {
        rep.record(peer(), Outcome.SUCCESS);
        rep.record(peer(), Outcome.PROTOCOL_ERROR);
        MetricRegistry registry = new MetricRegistry();
        String text;
        try (Host host = Host.builder().reputation(rep).identify(false).ping(false).build()) {
            assertSame(rep, host.reputation());
            HostMetrics.attach(host, registry);
            text = PrometheusText.write(registry);
        }
        assertTrue(text.contains("p2pkit_reputation_tracked_peers 2"), text);
        assertTrue(text.contains("p2pkit_reputation_score_count 2"), text);
        assertTrue(text.contains("p2pkit_reputation_score_bucket{le=\"-0.75\"} 1"), text);
        assertFalse(text.contains("peer="), text);
    }
}
