package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.metrics.Counter;
import io.p2pkit.core.metrics.Gauge;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.metrics.PrometheusText;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What go's address manager does with AutoNAT beyond the protocol: observed addresses become v2
 * candidates by themselves, addresses found unreachable are withdrawn from what the host
 * advertises; and AutoNAT's metrics.
 */
@Timeout(60)
class AutoNatAddressesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Host host(String... listen) throws IOException {
        var b = Host.builder();
        for (String l : listen) {
            b.listen(l);
        }
        Host h = b.build();
        toClose.add(h);
        return h;
    }

    private static AutoNatConfig client(boolean allowPrivate) {
        return AutoNatConfig.defaults().withServiceMode(AutoNatConfig.ServiceMode.DISABLED)
                .withAllowPrivateAddresses(allowPrivate)
                .withProbes(new AutoNatConfig.Probes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                        Duration.ofSeconds(20), Duration.ZERO));
    }

    private static AutoNatConfig server() {
        return AutoNatConfig.defaults().withClient(false).withAllowPrivateAddresses(true)
                .withV2(new AutoNatConfig.V2Limits(60, 12, 12, 2, Duration.ZERO, Duration.ofSeconds(5),
                        Duration.ofSeconds(15)));
    }

    @Test
    void believedObservedAddressesBecomeCandidatesByThemselves() throws Exception {
        AutoNat autonat = AutoNat.attach(host("/ip4/127.0.0.1/tcp/0"), client(false));
        Multiaddr observed = Multiaddr.parse("/ip4/12.0.0.2/tcp/4001");
        Multiaddr withId = Multiaddr.parse("/ip4/13.0.0.2/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        autonat.observedAddressesChanged(List.of(observed, withId, Multiaddr.parse("/ip4/192.168.1.11/tcp/4001"),
                Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")));
        // public ones only (private are never checked by default), without a peer ID
        assertEquals(List.of(observed, Multiaddr.parse("/ip4/13.0.0.2/tcp/4001")), autonat.candidates());
        autonat.observedAddressesChanged(List.of(observed));
        assertEquals(2, autonat.candidates().size(), "a waiting candidate is not added twice");
    }

    @Test
    void anObservedAddressAlreadyCheckedIsNotQueuedAgain() throws Exception {
        Host s = host("/ip4/127.0.0.1/tcp/0");
        AutoNat.attach(s, server());
        Host c = host("/ip4/127.0.0.1/tcp/0");
        AutoNat autonat = AutoNat.attach(c, client(true));
        Connection conn = c.connect(new PeerInfo(s.peerId(), s.addresses()));
        c.service(IdentifyService.class).orElseThrow().awaitIdentified(conn, WAIT);
        Multiaddr listen = c.localAddresses().getFirst();
        autonat.observedAddressesChanged(List.of(listen));
        assertEquals(List.of(listen), autonat.candidates());
        assertEquals(Reachability.PUBLIC, autonat.probe(s.peerId()));
        assertEquals(List.of(listen), autonat.candidates(), "one result is no verdict: still waiting");
        autonat.probe(s.peerId());
        assertEquals(List.of(), autonat.candidates(), "decided: no longer waiting");
        assertEquals(List.of(listen), autonat.confirmedAddresses().reachable(), "go's ConfirmedAddrs: two dials decided it");
        autonat.observedAddressesChanged(List.of(listen));
        assertEquals(List.of(), autonat.candidates(), "a verdict is known: not queued again");
    }

    @Test
    void unreachableAddressesAreWithdrawnAndUncheckedListenAddressesStay() throws Exception {
        Host h = host("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0");
        List<Multiaddr> listen = h.localAddresses();
        assertEquals(2, listen.size());
        Multiaddr confirmed = Multiaddr.parse("/ip4/12.0.0.2/tcp/4001");
        h.reachability().setAddress(confirmed, true);
        assertTrue(h.addresses().containsAll(listen) && h.addresses().contains(confirmed));

        h.reachability().setAddress(listen.getFirst(), false);
        h.reachability().setAddress(confirmed, false);
        assertEquals(List.of(listen.get(1)), h.addresses(), "the unknown listen address stays");

        h.reachability().setAddress(listen.getFirst(), true);
        assertEquals(List.of(listen.getFirst(), listen.get(1)), h.addresses(), "reachable again: advertised again");
    }

    @Test
    void aClosedPortCheckedByV2IsWithdrawnOnceTheEvidenceIsClear() throws Exception {
        Host s = host("/ip4/127.0.0.1/tcp/0");
        AutoNat.attach(s, server());
        Host c = host("/ip4/127.0.0.1/tcp/0");
        AutoNat autonat = AutoNat.attach(c, client(true));
        Connection conn = c.connect(new PeerInfo(s.peerId(), s.addresses()));
        c.service(IdentifyService.class).orElseThrow().awaitIdentified(conn, WAIT);
        // A second listener that nothing answers on: a port the host advertises but cannot serve
        Multiaddr closed = closedPort();
        for (int i = 0; i < 3 && !c.reachability().unreachableAddresses().contains(closed); i++) {
            assertEquals(Reachability.PRIVATE, autonat.check(s.peerId(), List.of(closed)).reachability());
        }
        assertEquals(List.of(closed), c.reachability().unreachableAddresses());
        assertFalse(c.addresses().contains(closed));
        assertTrue(c.addresses().contains(c.localAddresses().getFirst()));
        // go's ConfirmedAddrs (Kubo's 'swarm addrs autonat'): the closed port is unreachable, the rest not checked
        AutoNat.ConfirmedAddresses confirmed = autonat.confirmedAddresses();
        assertEquals(List.of(closed), confirmed.unreachable());
        assertEquals(List.of(), confirmed.reachable());
        assertTrue(confirmed.unknown().contains(c.localAddresses().getFirst()), confirmed.toString());
        // the closed port's failed dial-backs do not back the client off on the server's dialer: its
        // working address, checked next, is reachable (it was judged unreachable while they did)
        assertEquals(Reachability.PUBLIC, autonat.probe(s.peerId()));
        assertEquals(Reachability.PUBLIC, autonat.probe(s.peerId()));
        assertEquals(List.of(c.localAddresses().getFirst()), autonat.confirmedAddresses().reachable());
    }

    @Test
    void metricsCountServedRequestsClientResultsAndTheReachability() throws Exception {
        MetricRegistry serverMetrics = new MetricRegistry();
        MetricRegistry clientMetrics = new MetricRegistry();
        Host s = host("/ip4/127.0.0.1/tcp/0");
        AutoNat.attach(s, server()).registerMetrics(serverMetrics);
        Host c = host("/ip4/127.0.0.1/tcp/0");
        AutoNat autonat = AutoNat.attach(c, client(true));
        autonat.registerMetrics(clientMetrics);
        Connection conn = c.connect(new PeerInfo(s.peerId(), s.addresses()));
        c.service(IdentifyService.class).orElseThrow().awaitIdentified(conn, WAIT);

        assertEquals(1.0, gauge(clientMetrics, "p2pkit_autonat_reachability").value("unknown"));
        assertEquals(Reachability.PUBLIC, autonat.probe(s.peerId()));
        // the server counts once it has answered, which the client may see first
        Await.until("the server counted its answer",
                () -> counter(serverMetrics, "p2pkit_autonat_server_requests_total").value("v2", "ok") == 1.0, WAIT);
        assertEquals(1.0, counter(clientMetrics, "p2pkit_autonat_client_results_total").value("v2", "public"));
        assertEquals(1.0, gauge(clientMetrics, "p2pkit_autonat_reachability").value("public"));
        assertEquals(0.0, gauge(clientMetrics, "p2pkit_autonat_reachability").value("unknown"));

        // v1: a third party's address is refused, and the refusal counted by its reason
        assertEquals(Reachability.UNKNOWN, autonat.askV1(s.peerId(), List.of(Multiaddr.parse("/ip4/127.0.0.2/tcp/4001"))));
        Await.until("the server counted its refusal",
                () -> counter(serverMetrics, "p2pkit_autonat_server_requests_total").value("v1", "third_party") == 1.0, WAIT);
        assertEquals(1.0, counter(clientMetrics, "p2pkit_autonat_client_results_total").value("v1", "refused"));
        String text = PrometheusText.write(clientMetrics);
        assertTrue(text.contains("p2pkit_autonat_reachability_confidence"), text);
    }

    private static Counter counter(MetricRegistry r, String name) {
        return (Counter) r.family(name).orElseThrow();
    }

    private static Gauge gauge(MetricRegistry r, String name) {
        return (Gauge) r.family(name).orElseThrow();
    }

    private static Multiaddr closedPort() throws IOException {
        try (java.net.ServerSocket sock = new java.net.ServerSocket()) {
            sock.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + sock.getLocalPort());
        }
    }
}
