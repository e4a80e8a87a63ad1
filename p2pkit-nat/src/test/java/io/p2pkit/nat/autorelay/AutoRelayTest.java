package io.p2pkit.nat.autorelay;

import io.p2pkit.core.host.Host;
import io.p2pkit.nat.LoopbackHosts;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.nat.relay.RelayAcl;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AutoRelay between p2pkit hosts on loopback; the test sets the private node's reachability
 * through {@code host.reachability()} instead of running AutoNAT.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AutoRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Quick re-checks so that a test does not wait for go's 30 s interval. */
    private static final AutoRelayConfig QUICK = AutoRelayConfig.defaults()
            .withBootDelay(Duration.ZERO).withCheckInterval(Duration.ofMillis(500));

    private final LoopbackHosts hosts = new LoopbackHosts();

    @AfterEach
    void closeHosts() {
        hosts.close();
    }

    private Host host() throws IOException {
        return hosts.host();
    }

    private Host relay(RelayConfig config) throws IOException {
        return hosts.relay(config);
    }

    private static Multiaddr addressOf(Host h) {
        return h.addresses().get(0).encapsulate("/p2p/" + h.peerId());
    }

    private static List<Multiaddr> relayed(Host h) {
        return h.addresses().stream().filter(a -> a.hasProtocol(Protocol.P2P_CIRCUIT)).toList();
    }

    /** Whether {@code h} announces a relayed address through {@code relay}. */
    private static boolean announcesVia(Host h, Host relay) {
        return relayed(h).stream().anyMatch(a -> a.toString().contains("/p2p/" + relay.peerId() + "/p2p-circuit"));
    }

    /** An ACL that counts reservation requests in {@code asked} and grants the n-th when {@code grant} says so. */
    private static RelayAcl reservations(AtomicInteger asked, IntPredicate grant) {
        return new RelayAcl() {
            @Override
            public boolean allowReserve(PeerId peer, Multiaddr address) {
                return grant.test(asked.incrementAndGet());
            }

            @Override
            public boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target) {
                return true;
            }
        };
    }

    /** Connects {@code h} to each relay and waits until identify told it they relay. */
    private static void meet(Host h, Host... relays) throws Exception {
        for (Host r : relays) {
            h.connect(PeerInfo.fromMultiaddr(addressOf(r)));
        }
        Await.until("identify of the relays", () -> {
            for (Host r : relays) {
                if (!h.peerStore().supports(r.peerId(), RelayService.HOP_PROTOCOL)) {
                    return false;
                }
            }
            return true;
        }, WAIT);
    }

    /** A node with AutoRelay, connected to {@code relays} candidates, still of unknown reachability. */
    private record Setup(Host node, AutoRelay auto, List<Host> relays) {
        /** Makes the node private and waits for its two relays and their addresses. */
        void goPrivate() {
            node.reachability().set(Reachability.PRIVATE);
            Await.until("two relays", () -> auto.relays().size() == 2 && relayed(node).size() >= 2, WAIT);
        }
    }

    private Setup setup(int relays) throws Exception {
        List<Host> rs = new ArrayList<>();
        for (int i = 0; i < relays; i++) {
            rs.add(relay(RelayConfig.defaults()));
        }
        Host a = host();
        AutoRelay auto = AutoRelay.attach(a, QUICK);
        meet(a, rs.toArray(Host[]::new));
        return new Setup(a, auto, rs);
    }

    @Test
    void privateNodeReservesOnTwoOfThreeCandidatesAndAdvertisesThem() throws Exception {
        Setup s = setup(3);
        Host a = s.node();
        AutoRelay auto = s.auto();
        assertTrue(auto.relays().isEmpty(), "unknown reachability without static relays: no relays");
        assertTrue(relayed(a).isEmpty());

        s.goPrivate();
        RelayClient client = a.service(RelayClient.class).orElseThrow();
        assertEquals(2, client.reservations().size());
        for (PeerId p : auto.relays()) {
            assertTrue(relayed(a).stream().anyMatch(m -> m.toString().contains("/p2p/" + p + "/p2p-circuit")),
                    "relayed address through " + p + " in " + a.addresses());
        }

        // someone else reaches the private node through one of its advertised relayed addresses
        Host b = host();
        RelayClient.attach(b);
        Multiaddr via = relayed(a).get(0).encapsulate("/p2p/" + a.peerId());
        Connection c = b.connect(via);
        assertEquals(a.peerId(), c.remotePeer());
        assertTrue(c.isLimited());
    }

    @Test
    void aLostRelayIsReplaced() throws Exception {
        Setup s = setup(3);
        Host a = s.node();
        AutoRelay auto = s.auto();
        s.goPrivate();

        List<Host> all = s.relays();
        Host used = all.stream().filter(r -> auto.relays().contains(r.peerId())).findFirst().orElseThrow();
        Host spare = all.stream().filter(r -> !auto.relays().contains(r.peerId())).findFirst().orElseThrow();
        used.close();
        Await.until("the spare relay replaces the closed one",
                () -> auto.relays().contains(spare.peerId()) && !auto.relays().contains(used.peerId())
                        && auto.relays().size() == 2 && announcesVia(a, spare) && !announcesVia(a, used), WAIT);
    }

    @Test
    void becomingPublicDropsTheRelaysAndPrivateOrUnknownTakesThemAgain() throws Exception {
        Setup s = setup(2);
        Host a = s.node();
        AutoRelay auto = s.auto();
        s.goPrivate();

        a.reachability().set(Reachability.PUBLIC);
        RelayClient client = a.service(RelayClient.class).orElseThrow();
        Await.until("no relays once public",
                () -> auto.relays().isEmpty() && relayed(a).isEmpty() && client.reservations().isEmpty(), WAIT);

        s.goPrivate(); // and the relays come back

        // after a verdict, UNKNOWN (AutoNAT lost confidence) wants relays, as go's relay finder does
        a.reachability().set(Reachability.PUBLIC);
        Await.until("no relays once public again", () -> auto.relays().isEmpty() && relayed(a).isEmpty(), WAIT);
        a.reachability().set(Reachability.UNKNOWN);
        Await.until("relays again once unknown after a verdict",
                () -> auto.relays().size() == 2 && relayed(a).size() >= 2, WAIT);
    }

    @Test
    void staticRelaysAreUsedEvenWhileReachabilityIsUnknown() throws Exception {
        Host r1 = relay(RelayConfig.defaults());
        Host r2 = relay(RelayConfig.defaults());
        Host other = relay(RelayConfig.defaults()); // connected and relaying, but not in the list
        Host a = host();
        AutoRelay auto = AutoRelay.attach(a, QUICK.withStaticRelays(List.of(addressOf(r1), addressOf(r2))));
        meet(a, other);
        Await.until("both static relays", () -> Set.copyOf(auto.relays()).equals(Set.of(r1.peerId(), r2.peerId()))
                && announcesVia(a, r1) && announcesVia(a, r2), WAIT);
        assertFalse(auto.relays().contains(other.peerId()));
        assertFalse(announcesVia(a, other));
    }

    @Test
    void aRelayThatStopsRenewingIsBackedOffAndReplaced() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        RelayAcl onlyOnce = reservations(asked, n -> n == 1);
        // reservations of 3 s, renewed after about 2 s: the renewal is refused and the reservation lapses
        Host fickle = relay(RelayConfig.defaults().withReservationTtl(Duration.ofSeconds(3)).withAcl(onlyOnce));
        Host good = relay(RelayConfig.defaults());
        Host a = host();
        // static relays are tried in order: the fickle one first
        AutoRelay auto = AutoRelay.attach(a, QUICK.withStaticRelays(List.of(addressOf(fickle), addressOf(good)))
                .withNumRelays(1));
        Await.until("the fickle relay refused a renewal", () -> asked.get() >= 2, WAIT);
        Await.until("the good relay replaces it", () -> auto.relays().equals(List.of(good.peerId()))
                && announcesVia(a, good) && !announcesVia(a, fickle), WAIT);
        assertTrue(auto.backedOff().contains(fickle.peerId()), "backed off: " + auto.backedOff());
        assertFalse(a.network().connections(fickle.peerId()).isEmpty(), "still connected to the fickle relay");
    }

    @Test
    void aRefusingRelayIsBackedOff() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        RelayAcl refuseAll = reservations(asked, n -> false);
        Host refusing = relay(RelayConfig.defaults().withAcl(refuseAll));
        Host good = relay(RelayConfig.defaults());
        Host a = host();
        AutoRelay auto = AutoRelay.attach(a, QUICK.withNumRelays(2));
        meet(a, refusing, good);
        a.reachability().set(Reachability.PRIVATE);
        Await.until("the good relay", () -> auto.relays().equals(List.of(good.peerId())) && announcesVia(a, good), WAIT);
        Await.until("the refusing relay backed off", () -> auto.backedOff().contains(refusing.peerId()), WAIT);
        // the periodic checks (every 500 ms here) do not ask the refusing relay again while backed off
        Host third = relay(RelayConfig.defaults());
        meet(a, third);
        Await.until("a third relay fills the second slot", () -> auto.relays().size() == 2
                && auto.relays().contains(third.peerId()), WAIT);
        assertFalse(auto.relays().contains(refusing.peerId()));
        assertTrue(auto.backedOff().contains(refusing.peerId()));
        assertEquals(1, asked.get(), "the refusing relay was asked once");
    }

    @Test
    void candidatesAreRankedByRttThenByAge() throws Exception {
        PeerId p1 = host().peerId();
        PeerId p2 = host().peerId();
        PeerId p3 = host().peerId();
        PeerId p4 = host().peerId();
        java.time.Instant t = java.time.Instant.parse("2026-11-23T00:00:00Z");
        RelayCandidate slowOld = new RelayCandidate(p1, t, java.util.Optional.of(Duration.ofMillis(80)));
        RelayCandidate fastNew = new RelayCandidate(p2, t.plusSeconds(60), java.util.Optional.of(Duration.ofMillis(5)));
        RelayCandidate unmeasuredOld = new RelayCandidate(p3, t.minusSeconds(60), java.util.Optional.empty());
        RelayCandidate unmeasuredNew = new RelayCandidate(p4, t.plusSeconds(120), java.util.Optional.empty());
        List<RelayCandidate> ranked = new ArrayList<>(List.of(unmeasuredNew, slowOld, unmeasuredOld, fastNew));
        ranked.sort(RelayCandidate.RANKING);
        assertEquals(List.of(fastNew, slowOld, unmeasuredOld, unmeasuredNew), ranked);
    }

    @Test
    void candidatesAreMeasuredAgeOutAndAreFoundAgainOnlyAfterTheMinInterval() throws Exception {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-11-23T00:00:00Z"));
        List<Host> rs = List.of(relay(RelayConfig.defaults()), relay(RelayConfig.defaults()));
        Host a = host();
        meet(a, rs.toArray(Host[]::new));   // identified before AutoRelay starts: found by its first search
        AutoRelay auto = AutoRelay.attach(a, QUICK.withMaxCandidateAge(Duration.ofMinutes(30))
                .withMinInterval(Duration.ofHours(1)), now::get);
        io.p2pkit.core.metrics.MetricRegistry registry = new io.p2pkit.core.metrics.MetricRegistry();
        auto.registerMetrics(registry);
        Await.until("both candidates found and pinged", () -> auto.candidates().size() == 2
                && auto.candidates().stream().allMatch(c -> c.rtt().isPresent()), WAIT);
        List<java.time.Duration> rtts = auto.candidates().stream().map(c -> c.rtt().orElseThrow()).toList();
        assertTrue(rtts.get(0).compareTo(rtts.get(1)) <= 0, "lowest RTT first: " + auto.candidates());

        // 31 minutes on: both aged out; the connected peers are not searched again within the hour
        now.set(now.get().plus(Duration.ofMinutes(31)));
        Await.until("the candidates aged out", () -> auto.candidates().isEmpty(), WAIT);
        assertEquals(2.0, counter(registry, "p2pkit_autorelay_candidates_total").value("removed"));
        // an identify push from an aged-out relay does not make it a candidate before the next search
        List<PeerId> pushedBy = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.service(io.p2pkit.core.identify.IdentifyService.class).orElseThrow().addListener(r -> pushedBy.add(r.peerId()));
        rs.get(0).setStreamHandler("/p2pkit/test/pushed/1", s -> s.reset());
        Await.until("the push arrived", () -> pushedBy.contains(rs.get(0).peerId()), WAIT);
        auto.settle(WAIT);
        assertTrue(auto.candidates().isEmpty(), auto.candidates()::toString);
        // an hour after the first search: found again, with the time they were found again
        double addedBefore = counter(registry, "p2pkit_autorelay_candidates_total").value("added");
        now.set(now.get().plus(Duration.ofMinutes(30)));
        Await.until("found again", () -> auto.candidates().size() == 2, WAIT);
        assertTrue(auto.candidates().stream().allMatch(c -> c.added().equals(now.get())), auto.candidates()::toString);
        // the two finds again are counted (the first finds may have come before registerMetrics,
        // which counts from then on; a peer identified again while not a candidate may add one more)
        Await.until("both counted as added again",
                () -> counter(registry, "p2pkit_autorelay_candidates_total").value("added") >= addedBefore + 2, WAIT);
        a.reachability().set(Reachability.PRIVATE);
        Await.until("reserved on both", () -> auto.relays().size() == 2, WAIT);
    }

    @Test
    void metricsCountReservationsRequestsAndTheFindersStatus() throws Exception {
        Setup s = setup(3);
        io.p2pkit.core.metrics.MetricRegistry registry = new io.p2pkit.core.metrics.MetricRegistry();
        s.auto().registerMetrics(registry);
        assertEquals(0.0, gauge(registry, "p2pkit_autorelay_status").value());
        assertEquals(0.0, gauge(registry, "p2pkit_autorelay_desired_reservations").value());

        s.goPrivate();
        Await.until("two reservations counted",
                () -> counter(registry, "p2pkit_autorelay_reservations_total").value("opened") == 2.0, WAIT);
        assertEquals(2.0, counter(registry, "p2pkit_autorelay_reservation_requests_total").value("ok"));
        assertEquals(1.0, gauge(registry, "p2pkit_autorelay_status").value());
        assertEquals(2.0, gauge(registry, "p2pkit_autorelay_relays").value());
        assertEquals(2.0, gauge(registry, "p2pkit_autorelay_desired_reservations").value());
        assertEquals(3.0, gauge(registry, "p2pkit_autorelay_candidates").value());

        s.node().reachability().set(Reachability.PUBLIC);
        Await.until("both reservations closed",
                () -> counter(registry, "p2pkit_autorelay_reservations_total").value("closed") == 2.0, WAIT);
        assertEquals(0.0, gauge(registry, "p2pkit_autorelay_status").value());
        assertEquals(0.0, gauge(registry, "p2pkit_autorelay_relays").value());
        String text = io.p2pkit.core.metrics.PrometheusText.write(registry);
        assertTrue(text.contains("p2pkit_autorelay_reservations_total{event=\"opened\"} 2"), text);
    }

    private static io.p2pkit.core.metrics.Counter counter(io.p2pkit.core.metrics.MetricRegistry r, String name) {
        return (io.p2pkit.core.metrics.Counter) r.family(name).orElseThrow();
    }

    private static io.p2pkit.core.metrics.Gauge gauge(io.p2pkit.core.metrics.MetricRegistry r, String name) {
        return (io.p2pkit.core.metrics.Gauge) r.family(name).orElseThrow();
    }
}
