package io.p2pkit.core.metrics;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.host.Stream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostMetricsTest {
    @Test
    void recordsConnectionsStreamsHandshakesAndBlocks() throws Exception {
        ResourceManager limited = new ResourceManager(ResourceManagerConfig.builder()
                .protocol("/blocked/1.0.0", ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 0)).build());
        MetricRegistry registry = new MetricRegistry();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").resourceManager(limited).build();
             Host client = Host.builder().build()) {
            HostMetrics.attach(server, registry);
            server.setStreamHandler("/blocked/1.0.0", s -> s.out().write(1));
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            server.setStreamHandler("/hold/1.0.0", s -> {
                holding.countDown();
                s.in().readAllBytes();
            });
            PeerInfo info = new PeerInfo(server.peerId(), server.addresses());
            client.service(PingService.class).orElseThrow().ping(info);
            try (Stream held = client.newStream(info, "/hold/1.0.0")) {
                held.out().write(0);
                held.out().flush();
                assertTrue(holding.await(10, java.util.concurrent.TimeUnit.SECONDS));
                Stream blocked = client.newStream(info, "/blocked/1.0.0");
                assertThrows(IOException.class, () -> blocked.in().read());
                // The blocked stream and the identify and ping streams close on their own time:
                // scrape once only the held stream is open on the server.
                waitUntil("only the held stream open", () -> limited.peerScopes().values().stream()
                        .mapToLong(scope -> scope.used(Resource.INBOUND_STREAMS)).sum() == 1);
                // Buffers come and go with traffic; a fixed reservation makes the connection count.
                io.p2pkit.core.resource.ConnectionSpan span = server.network().connections().getFirst().resources();
                span.reserveMemory(1024);
                String text = PrometheusText.write(registry);
                span.releaseMemory(1024);
                assertTrue(text.contains("libp2p_swarm_connections_opened_total{dir=\"inbound\",transport=\"tcp\","
                        + "security=\"/noise\",muxer=\"/yamux/1.0.0\",early_muxer=\"true\",ip_version=\"ip4\"} 1"), text);
                assertTrue(text.contains("libp2p_rcmgr_connections{dir=\"inbound\",scope=\"system\"} 1"), text);
                assertTrue(text.contains("libp2p_rcmgr_streams{dir=\"inbound\",scope=\"protocol\",protocol=\"/hold/1.0.0\"}"),
                        text);
                assertTrue(text.contains("libp2p_swarm_handshake_latency_seconds_count{transport=\"tcp\""), text);
                assertTrue(text.contains("libp2p_rcmgr_blocked_resources{dir=\"inbound\",scope=\"protocol\","
                        + "resource=\"stream\"} 1"), text);
                assertTrue(text.contains("libp2p_swarm_key_types_total{dir=\"inbound\",key_type=\"Ed25519\"} 1"), text);
                assertTrue(text.contains("libp2p_swarm_black_hole_filter_state{name=\"UDP\"} 0"), text);
                assertTrue(text.contains("libp2p_swarm_black_hole_filter_next_request_allowed_after{name=\"IPv6\"} 0"),
                        text);
                // go's per-peer distributions: one peer with one inbound connection and one held stream.
                assertTrue(text.contains("libp2p_rcmgr_peer_connections_bucket{dir=\"inbound\",le=\"1\"} 1"), text);
                assertTrue(text.contains("libp2p_rcmgr_peer_connections_count{dir=\"outbound\"} 0"), text);
                assertTrue(text.contains("libp2p_rcmgr_previous_peer_connections_count{dir=\"inbound\"} 0"), text);
                assertTrue(text.contains("libp2p_rcmgr_peer_streams_bucket{dir=\"inbound\",le=\"1\"} 1"), text);
                assertTrue(text.contains("libp2p_rcmgr_conn_memory_count 1"), "the reserved connection: " + text);
                assertTrue(text.contains("libp2p_rcmgr_previous_conn_memory_count 0"), text);
            }
        }
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
    }

    private static double value(MetricRegistry r, String name, String... labels) {
        return ((Counter) r.family(name).orElseThrow()).value(labels);
    }

    @Test
    void recordsBytesByProtocolAndPeerGroupDialsPerPeerAndIdentifyPushes() throws Exception {
        MetricRegistry serverMetrics = new MetricRegistry();
        MetricRegistry clientMetrics = new MetricRegistry();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host client = Host.builder().build()) {
            HostMetrics.attach(server, serverMetrics);
            HostMetrics.attach(client, clientMetrics);
            server.setStreamHandler("/echo/1.0.0", s -> {
                s.out().write(s.in().readAllBytes());
                s.out().flush();
            });
            io.p2pkit.core.network.Connection c = client.connect(new PeerInfo(server.peerId(), server.addresses()));
            io.p2pkit.core.identify.IdentifyService clientId =
                    client.service(io.p2pkit.core.identify.IdentifyService.class).orElseThrow();
            clientId.awaitIdentified(c, java.time.Duration.ofSeconds(30));
            io.p2pkit.core.network.Connection serverSide = server.network().connections(client.peerId()).get(0);
            server.service(io.p2pkit.core.identify.IdentifyService.class).orElseThrow()
                    .awaitIdentified(serverSide, java.time.Duration.ofSeconds(30));

            byte[] data = new byte[100_000];
            new java.util.SplittableRandom(1).nextBytes(data);
            try (Stream s = client.newStream(c, "/echo/1.0.0")) {
                s.out().write(data);
                s.closeWrite();
                assertEquals(data.length, s.in().readAllBytes().length);
            }
            String proto = "/echo/1.0.0";
            waitUntil("the server's handler done", () -> value(serverMetrics,
                    "libp2p_bandwidth_protocol_bytes_total", "out", proto) == data.length);
            assertEquals(data.length, value(serverMetrics, "libp2p_bandwidth_protocol_bytes_total", "in", proto));
            assertEquals(data.length, value(clientMetrics, "libp2p_bandwidth_protocol_bytes_total", "out", proto));
            assertEquals(data.length, value(clientMetrics, "libp2p_bandwidth_protocol_bytes_total", "in", proto));
            assertTrue(value(serverMetrics, "libp2p_bandwidth_peer_group_bytes_total", "in", "p2pkit") >= data.length,
                    "the echo came from a p2pkit peer");

            assertEquals(1, value(clientMetrics, "libp2p_swarm_dials_per_peer_total", "success", "1"));
            String text = PrometheusText.write(clientMetrics);
            assertTrue(text.contains("libp2p_swarm_dial_latency_seconds_count{outcome=\"success\",num_dials=\"1\"} 1"),
                    text);
            // one address, dialed at once: a ranking delay of 0, in go's first bucket
            assertTrue(text.contains("libp2p_swarm_dial_ranking_delay_seconds_bucket{le=\"0.001\"} 1"), text);
            assertTrue(text.contains("libp2p_swarm_dial_ranking_delay_seconds_count 1"), text);

            assertEquals(1, value(clientMetrics, "libp2p_identify_identify_total", "outbound"));
            assertEquals(1, value(clientMetrics, "libp2p_identify_conn_push_support_total", "supported"));
            waitUntil("the server answered identify", () ->
                    value(serverMetrics, "libp2p_identify_identify_total", "inbound") >= 1);
            // A new protocol on the server is pushed to the connected client.
            server.setStreamHandler("/new/1.0.0", s -> s.close());
            waitUntil("the push arrived", () ->
                    value(clientMetrics, "libp2p_identify_identify_push_total", "inbound") >= 1);
            // the server counts its push once written, which may be after the client has read it
            waitUntil("the server counted its push", () ->
                    value(serverMetrics, "libp2p_identify_identify_push_total", "outbound") >= 1);
            // the two handlers set since the metrics were attached (/echo, /new)
            assertEquals(2, value(serverMetrics, "libp2p_identify_identify_pushes_triggered_total", "protocols_updated"));
            assertEquals(0, value(serverMetrics, "libp2p_identify_identify_pushes_triggered_total", "addresses_updated"));
            // A new listen address is pushed too, labelled with what changed.
            double pushesBefore = value(clientMetrics, "libp2p_identify_identify_push_total", "inbound");
            server.listen(io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            assertEquals(1, value(serverMetrics, "libp2p_identify_identify_pushes_triggered_total", "addresses_updated"));
            assertEquals(2, value(serverMetrics, "libp2p_identify_identify_pushes_triggered_total", "protocols_updated"));
            waitUntil("the address push arrived", () ->
                    value(clientMetrics, "libp2p_identify_identify_push_total", "inbound") > pushesBefore);
            assertEquals(0, value(serverMetrics, "libp2p_identify_identify_pushes_triggered_total", "unknown"));
        }
    }

    /** A loopback TCP address where nothing listens (a port just released). */
    private static io.p2pkit.core.multiaddr.Multiaddr closedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/tcp/" + socket.getLocalPort());
        }
    }

    @Test
    void recordsTheRankingDelayOfTheWinningAddressOncePerSuccessfulDial() throws Exception {
        MetricRegistry clientMetrics = new MetricRegistry();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host client = Host.builder().build()) {
            HostMetrics.attach(client, clientMetrics);
            // a dial that fails everywhere observes nothing
            io.p2pkit.core.identity.PeerId nobody =
                    io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519).publicKey().toPeerId();
            assertThrows(IOException.class, () -> client.connect(new PeerInfo(nobody, java.util.List.of(closedPort()))));
            assertTrue(!PrometheusText.write(clientMetrics).contains("libp2p_swarm_dial_ranking_delay_seconds_count 1"));
            // two addresses, one refused: the winner's delay is observed once
            java.util.List<io.p2pkit.core.multiaddr.Multiaddr> addrs = new java.util.ArrayList<>();
            addrs.add(closedPort());
            addrs.addAll(server.addresses());
            client.connect(new PeerInfo(server.peerId(), addrs));
            String text = PrometheusText.write(clientMetrics);
            assertTrue(text.contains("libp2p_swarm_dial_ranking_delay_seconds_count 1"), text);
            assertTrue(text.contains("libp2p_swarm_dial_ranking_delay_seconds_bucket{le=\"+Inf\"} 1"), text);
            assertEquals(1, value(clientMetrics, "libp2p_swarm_dials_per_peer_total", "success", "2")
                    + value(clientMetrics, "libp2p_swarm_dials_per_peer_total", "success", "1"));
        }
    }

    @Test
    void countsRedialsFromAnEphemeralPort() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        try (java.net.ServerSocket garbage = new java.net.ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
             Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            HostMetrics.attach(host, metrics);
            // answers with bytes no handshake accepts, so the dial from the listening port fails its upgrade
            Thread.ofVirtual().start(() -> {
                while (!garbage.isClosed()) {
                    try (java.net.Socket s = garbage.accept()) {
                        s.getOutputStream().write("not libp2p\n".repeat(8).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return; // closed at the end of the test
                    }
                }
            });
            io.p2pkit.core.identity.PeerId nobody =
                    io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519).publicKey().toPeerId();
            io.p2pkit.core.multiaddr.Multiaddr target =
                    io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/tcp/" + garbage.getLocalPort());
            assertThrows(IOException.class, () -> host.connect(new PeerInfo(nobody, java.util.List.of(target))));
            assertEquals(1, value(metrics, "p2pkit_swarm_ephemeral_port_redials_total", "tcp", "ip4"));
            assertTrue(PrometheusText.write(metrics).contains(
                    "p2pkit_swarm_ephemeral_port_redials_total{transport=\"tcp\",ip_version=\"ip4\"} 1"));
        }
    }

    @Test
    void labelsDialCountsAndPeerGroupsAsGoDoes() {
        assertEquals("0", HostMetrics.numDials(0));
        assertEquals("5", HostMetrics.numDials(5));
        assertEquals(">=6", HostMetrics.numDials(6));
        assertEquals(">=6", HostMetrics.numDials(40));
        assertEquals("kubo", HostMetrics.peerGroup(java.util.Optional.of("kubo/0.30.0/")));
        assertEquals("go-libp2p", HostMetrics.peerGroup(java.util.Optional.of("github.com/libp2p/go-libp2p")));
        assertEquals("rust-libp2p", HostMetrics.peerGroup(java.util.Optional.of("rust-libp2p/0.44.0")));
        assertEquals("js-libp2p", HostMetrics.peerGroup(java.util.Optional.of("js-libp2p/2.0.0 UserAgent=v20")));
        assertEquals("p2pkit", HostMetrics.peerGroup(java.util.Optional.of("p2pkit/0.1")));
        assertEquals("other", HostMetrics.peerGroup(java.util.Optional.of("something")));
        assertEquals("unknown", HostMetrics.peerGroup(java.util.Optional.empty()));
        assertEquals("protocols_updated", HostMetrics.pushTrigger(io.p2pkit.core.host.LocalChange.PROTOCOLS));
        assertEquals("addresses_updated", HostMetrics.pushTrigger(io.p2pkit.core.host.LocalChange.ADDRESSES));
        assertEquals("unknown", HostMetrics.pushTrigger(null));
    }

    @Test
    void theGrafanaDashboardUsesOnlyMetricsWeExport() throws Exception {
        java.nio.file.Path dashboard = java.nio.file.Path.of("..", "docs", "grafana", "p2pkit.json");
        String json = java.nio.file.Files.readString(dashboard);
        MetricRegistry registry = new MetricRegistry();
        try (Host host = Host.builder().build()) {
            HostMetrics.attach(host, registry);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((?:libp2p|p2pkit)_[a-z0-9_]+)").matcher(json);
        int found = 0;
        while (m.find()) {
            String name = m.group(1);
            if (registry.family(name).isEmpty()) {
                name = name.replaceAll("_(bucket|count|sum)$", ""); // a histogram's series
            }
            assertTrue(registry.family(name).isPresent(), "the dashboard uses " + name + ", which is not exported");
            found++;
        }
        assertTrue(found >= 12, "panels found: " + found);
    }

    @Test
    void classifiesDialErrorsAndAddresses() {
        assertEquals("connection refused", HostMetrics.errorKind(new ConnectException("refused")));
        assertEquals("timeout", HostMetrics.errorKind(new SocketTimeoutException("x")));
        assertEquals("canceled", HostMetrics.errorKind(new java.io.InterruptedIOException("x")));
        assertEquals("other", HostMetrics.errorKind(new IOException("x")));
        assertEquals("quic-v1", HostMetrics.transport(io.p2pkit.core.multiaddr.Multiaddr.parse("/ip4/1.2.3.4/udp/1/quic-v1")));
        assertEquals("ip6", HostMetrics.ipVersion(io.p2pkit.core.multiaddr.Multiaddr.parse("/ip6/::1/tcp/1")));
        assertEquals("unknown", HostMetrics.ipVersion(io.p2pkit.core.multiaddr.Multiaddr.parse("/dns/x/tcp/1")));
    }
}
