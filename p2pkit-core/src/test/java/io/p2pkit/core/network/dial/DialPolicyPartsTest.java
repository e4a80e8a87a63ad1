package io.p2pkit.core.network.dial;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialPolicyPartsTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final PeerId peer = PrivateKey.generateEd25519().publicKey().toPeerId();

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void blackHoleBlocksAfterAFullWindowOfFailuresAndProbes() {
        BlackHoleDetector d = new BlackHoleDetector("UDP", 10, 2);
        assertEquals(BlackHoleDetector.State.PROBING, d.state());
        for (int i = 0; i < 10; i++) {
            assertTrue(d.allowDial());
            d.record(i == 0);
        }
        assertEquals(BlackHoleDetector.State.BLOCKED, d.state(), "1 success in 10 < 2");
        int allowed = 0;
        for (int i = 0; i < 30; i++) {
            if (d.allowDial()) {
                allowed++;
            }
        }
        assertEquals(3, allowed, "one probe per window of requests");
        d.record(true);
        assertEquals(BlackHoleDetector.State.PROBING, d.state(), "a successful probe starts it afresh, as go's");
        assertEquals(0.0, d.successFraction(), 1e-9);
        assertTrue(d.allowDial());
        for (int i = 0; i < 10; i++) {
            d.record(i < 2);
        }
        assertEquals(BlackHoleDetector.State.ALLOWED, d.state());
        assertEquals(0.2, d.successFraction(), 1e-9);
    }

    @Test
    void blackHoleProbesAreRequestsAndAnswerProbing() {
        BlackHoleDetector d = new BlackHoleDetector("IPv6", 4, 1);
        for (int i = 0; i < 4; i++) {
            d.record(false);
        }
        assertEquals(BlackHoleDetector.State.BLOCKED, d.state());
        assertEquals(4, d.nextProbeAfter());
        assertEquals(BlackHoleDetector.State.BLOCKED, d.handleRequest());
        assertEquals(BlackHoleDetector.State.BLOCKED, d.handleRequest());
        assertEquals(BlackHoleDetector.State.BLOCKED, d.handleRequest());
        assertEquals(1, d.nextProbeAfter(), "the next request is the probe");
        assertEquals(BlackHoleDetector.State.PROBING, d.handleRequest(), "every window-th request probes");
        d.record(false);
        assertEquals(BlackHoleDetector.State.BLOCKED, d.state(), "a failed probe keeps it blocked");
    }

    @Test
    void ipv6OverUdpIsHeldBackByEitherDetectorAndFeedsBoth() {
        DialPolicyConfig cfg = new DialPolicyConfig(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMinutes(5), 0, 2, Duration.ofMinutes(1), 4, 1, 2, 100);
        DialPolicy p = new DialPolicy(cfg, now::get, () -> 0);
        Multiaddr v6Tcp = Multiaddr.parse("/ip6/2001:db8::1/tcp/1");
        Multiaddr v6Quic = Multiaddr.parse("/ip6/2001:db8::1/udp/1/quic-v1");
        Multiaddr v4Quic = Multiaddr.parse("/ip4/1.2.3.4/udp/1/quic-v1");
        Multiaddr v4Tcp = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
        BlackHoleDetector udp = p.blackHoleDetectors().get(0);
        BlackHoleDetector ip6 = p.blackHoleDetectors().get(1);

        // IPv6 QUIC outcomes count for both classes.
        PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
        for (int i = 0; i < 4; i++) {
            p.addressFailed(other, v6Quic);
        }
        assertEquals(BlackHoleDetector.State.BLOCKED, udp.state());
        assertEquals(BlackHoleDetector.State.BLOCKED, ip6.state());

        // IPv4 UDP works again: UDP is open, IPv6 still is not, so the IPv6 QUIC address stays held back.
        for (int i = 0; i < 3; i++) {
            p.plan(peer, List.of(v4Quic), DialRanker.PUBLIC_DELAY, new LinkedHashMap<>());
        }
        Map<Multiaddr, Throwable> skipped = new LinkedHashMap<>();
        List<RankedAddress> probe = p.plan(peer, List.of(v4Quic), DialRanker.PUBLIC_DELAY, skipped);
        assertEquals(List.of(v4Quic), probe.stream().map(RankedAddress::address).toList(), "the fourth request probes");
        p.addressSucceeded(peer, v4Quic);
        assertEquals(BlackHoleDetector.State.PROBING, udp.state());
        skipped.clear();
        List<RankedAddress> plan = p.plan(peer, List.of(v6Tcp, v6Quic, v4Quic, v4Tcp), DialRanker.PUBLIC_DELAY, skipped);
        assertEquals(java.util.Set.of(v4Quic, v4Tcp),
                plan.stream().map(RankedAddress::address).collect(java.util.stream.Collectors.toSet()));
        assertTrue(skipped.get(v6Quic).getMessage().contains("IPv6 black hole"), skipped.toString());
        assertTrue(skipped.get(v6Tcp).getMessage().contains("IPv6 black hole"), skipped.toString());

        // Three more dials of that peer are three requests, not six (two IPv6 addresses each); the fourth probes.
        for (int i = 0; i < 2; i++) {
            skipped.clear();
            assertEquals(1, p.plan(peer, List.of(v6Tcp, v6Quic, v4Tcp), DialRanker.PUBLIC_DELAY, skipped).size());
            assertEquals(2, skipped.size(), "both IPv6 addresses held back");
        }
        skipped.clear();
        plan = p.plan(peer, List.of(v6Tcp, v6Quic, v4Tcp), DialRanker.PUBLIC_DELAY, skipped);
        assertTrue(plan.stream().anyMatch(r -> r.address().equals(v6Tcp)), "the IPv6 probe: " + skipped);
    }

    @Test
    void backoffGrowsQuadraticallyWithJitterAndIsForgottenOnSuccess() {
        Backoff<String> b = new Backoff<>(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2,
                2, now::get, () -> 0.5);
        assertEquals(Duration.ofMillis(6600), b.failed("a"), "(5 + 1·1²) s · (1 + 0.2·0.5)");
        assertEquals(Duration.ofMillis(9900), b.failed("a"), "(5 + 1·2²) s · 1.1");
        advance(Duration.ofSeconds(9));
        assertEquals(Duration.ofMillis(900), b.remaining("a"));
        advance(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, b.remaining("a"));
        for (int i = 0; i < 10; i++) {
            b.failed("a");
        }
        assertEquals(Duration.ofSeconds(33), b.remaining("a"), "capped at the max, plus jitter");
        b.succeeded("a");
        assertEquals(Duration.ZERO, b.remaining("a"));
        b.failed("x");
        b.failed("y");
        b.failed("z");
        assertEquals(2, b.size(), "the oldest key is evicted past the capacity");
        assertEquals(Duration.ZERO, b.remaining("x"));
    }

    @Test
    void circuitBreakerOpensHalfOpensAndCloses() {
        CircuitBreaker c = new CircuitBreaker(3, Duration.ofMinutes(1), now::get);
        c.failed();
        c.failed();
        assertEquals(CircuitBreaker.State.CLOSED, c.state());
        assertTrue(c.tryAcquire());
        c.failed();
        assertEquals(CircuitBreaker.State.OPEN, c.state());
        assertFalse(c.tryAcquire());
        advance(Duration.ofMinutes(1));
        assertEquals(CircuitBreaker.State.HALF_OPEN, c.state());
        assertTrue(c.tryAcquire(), "the probe");
        assertFalse(c.tryAcquire(), "only one probe");
        c.failed();
        assertEquals(CircuitBreaker.State.OPEN, c.state(), "a failed probe reopens it");
        advance(Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(30), c.remainingCoolDown());
        advance(Duration.ofSeconds(30));
        assertTrue(c.tryAcquire());
        c.succeeded();
        assertEquals(CircuitBreaker.State.CLOSED, c.state());
        assertEquals(0, c.consecutiveFailures());
    }

    @Test
    void policyCombinesBackoffBreakerAndBlackHoles() {
        DialPolicyConfig cfg = new DialPolicyConfig(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMinutes(5), 0, 2, Duration.ofMinutes(1), 4, 1, 2, 100);
        DialPolicy p = new DialPolicy(cfg, now::get, () -> 0);
        Multiaddr tcp = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
        Multiaddr quic = Multiaddr.parse("/ip4/1.2.3.4/udp/1/quic-v1");
        Multiaddr lanQuic = Multiaddr.parse("/ip4/10.0.0.1/udp/1/quic-v1");

        p.addressFailed(peer, tcp);
        Map<Multiaddr, Throwable> skipped = new LinkedHashMap<>();
        List<RankedAddress> plan = p.plan(peer, List.of(tcp, quic), DialRanker.PUBLIC_DELAY, skipped);
        assertEquals(List.of(quic), plan.stream().map(RankedAddress::address).toList());
        assertTrue(skipped.get(tcp).getMessage().contains("backed off"), skipped.toString());

        // Four public UDP failures fill the window with no success: UDP is a black hole.
        for (int i = 0; i < 4; i++) {
            p.addressFailed(PrivateKey.generateEd25519().publicKey().toPeerId(), quic);
        }
        skipped.clear();
        advance(Duration.ofSeconds(10));
        plan = p.plan(peer, List.of(tcp, quic, lanQuic), DialRanker.PUBLIC_DELAY, skipped);
        assertTrue(skipped.get(quic).getMessage().contains("UDP black hole"), skipped.toString());
        assertTrue(plan.stream().anyMatch(r -> r.address().equals(lanQuic)), "private addresses are never held back");

        assertEquals(Optional.empty(), p.refusePeer(peer));
        p.peerFailed(peer);
        assertTrue(p.refusePeer(peer).orElseThrow().contains("backing off"));
        advance(Duration.ofSeconds(2));
        p.peerFailed(peer);
        advance(Duration.ofSeconds(10));
        assertTrue(p.refusePeer(peer).orElseThrow().contains("circuit breaker open"), "two failures open it");
        advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), p.refusePeer(peer), "half-open: the probe goes");
        assertTrue(p.refusePeer(peer).orElseThrow().contains("probe dial is in progress"));
        p.peerNotDialed(peer); // the probe found nothing to dial: given back
        assertEquals(Optional.empty(), p.refusePeer(peer));
        p.peerSucceeded(peer);
        assertEquals(CircuitBreaker.State.CLOSED, p.breakerState(peer));
        p.peerFailed(peer);
        p.forget(peer);
        assertEquals(Optional.empty(), p.refusePeer(peer));
    }

    @Test
    void dialSlotsCapConcurrentDials() throws Exception {
        DialPolicy p = new DialPolicy(new DialPolicyConfig(Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(5), 0, 5, Duration.ofMinutes(1), 100,
                5, 2, 100), now::get, () -> 0);
        assertTrue(p.acquireDialSlot(Duration.ZERO));
        assertTrue(p.acquireDialSlot(Duration.ZERO));
        assertFalse(p.acquireDialSlot(Duration.ZERO));
        assertEquals(2, p.dialsInProgress());
        p.releaseDialSlot();
        assertTrue(p.acquireDialSlot(Duration.ZERO));
    }
}
