package io.p2pkit.node.cli;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.command.PerfCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit perf} in both roles, and {@code p2pkit daemon --enable-perf}. */
class PerfCommandTest {
    private static final Pattern FINAL = Pattern.compile(
            "\\{\"type\":\"final\",\"timeSeconds\":[0-9.eE-]+,\"uploadBytes\":(\\d+),\"downloadBytes\":(\\d+)}");

    private static void assertFinal(CliRunner r, long upload, long download) {
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            assertTrue(lines[i].startsWith("{\"type\":\"intermediary\",\"timeSeconds\":"), lines[i]);
        }
        Matcher m = FINAL.matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), r.out());
        assertEquals(upload, Long.parseLong(m.group(1)));
        assertEquals(download, Long.parseLong(m.group(2)));
    }

    @Test
    void serverIdentityIsTheTestPlansOne() {
        assertEquals(PerfCommand.SERVER_PEER_ID, PerfCommand.serverIdentity().publicKey().toPeerId().toString());
    }

    /**
     * QUIC's transport is made on its first QUIC dial or listen (NodeConfig's transports): a client
     * that dials TCP, in a process of its own, never initialises a Netty class, so never loads the
     * native QUIC library nor starts its event loop (docs/PERFORMANCE.md, "QUIC made on its first
     * use").
     */
    @Test
    void aTcpClientNeverStartsQuic(@TempDir Path dir) throws Exception {
        try (Host server = Host.builder().identity(PerfCommand.serverIdentity()).listen("/ip4/127.0.0.1/tcp/0")
                .perf(true).build()) {
            String hostPort = "127.0.0.1:" + server.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            Path log = dir.resolve("init.log");
            ChildCommand r = ChildCommand.run(dir, List.of("-Xlog:class+init=info:file=" + log), "perf",
                    "--server-address", hostPort, "--upload-bytes", "1000", "--download-bytes", "1000");
            assertEquals(0, r.status(), r.output());
            Matcher m = FINAL.matcher(r.output());
            assertTrue(m.find(), r.output());
            List<String> initialised = java.nio.file.Files.readAllLines(log);
            assertTrue(initialised.stream().anyMatch(l -> l.contains("Initializing 'io/p2pkit/core/transport/tcp/")),
                    "the log names the classes the client initialised");
            List<String> netty = initialised.stream().filter(l -> l.contains("Initializing 'io/netty/")).toList();
            assertTrue(netty.isEmpty(), "a TCP client initialised Netty: " + netty.stream().limit(5).toList());
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1000000, 0", "0, 3000000", "123457, 65537"})
    void clientAgainstAFixedIdentityServer(long upload, long download) throws Exception {
        try (Host server = Host.builder().identity(PerfCommand.serverIdentity()).listen("/ip4/127.0.0.1/tcp/0")
                .perf(true).build()) {
            String hostPort = "127.0.0.1:" + server.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            assertFinal(CliRunner.run("perf", "--server-address", hostPort, "--transport", "tcp",
                    "--upload-bytes", Long.toString(upload), "--download-bytes", Long.toString(download)), upload, download);
        }
    }

    @Test
    void clientTakesAFullMultiaddrAndSecurityChoice() throws Exception {
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security("tls").perf(true).build()) {
            String addr = server.addresses().get(0).encapsulate("/p2p/" + server.peerId()).toString();
            assertFinal(CliRunner.run("perf", "--server-address", addr, "--security", "tls",
                    "--upload-bytes", "5000", "--download-bytes", "7000"), 5000, 7000);
        }
    }

    @Test
    void runsRepeatOnNewConnections() throws Exception {
        try (Host server = Host.builder().identity(PerfCommand.serverIdentity()).listen("/ip4/127.0.0.1/tcp/0")
                .perf(true).build()) {
            String hostPort = "127.0.0.1:" + server.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            CliRunner r = CliRunner.run("perf", "--server-address", hostPort, "--upload-bytes", "1",
                    "--download-bytes", "1", "--runs", "3");
            assertEquals(0, r.status(), r.err());
            String[] lines = r.out().strip().split("\n");
            assertEquals(3, lines.length, r.out());
            for (String l : lines) {
                assertTrue(FINAL.matcher(l).matches(), l);
            }
        }
    }

    private static final Pattern STREAM = Pattern.compile(
            "\\{\"type\":\"stream\",\"timeSeconds\":[0-9.eE-]+,\"uploadBytes\":3000,\"downloadBytes\":5000}");

    @ParameterizedTest
    @CsvSource({"--streams, 1", "--conns, 5"})
    void concurrentStreamsPrintALinePerStreamThenTheTotals(String option, int connections) throws Exception {
        try (Host server = Host.builder().identity(PerfCommand.serverIdentity()).listen("/ip4/127.0.0.1/tcp/0")
                .perf(true).build()) {
            java.util.Set<io.p2pkit.core.identity.PeerId> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();
            server.addConnectionListener(new io.p2pkit.core.network.ConnectionListener() {
                @Override
                public void connected(io.p2pkit.core.network.Connection c) {
                    clients.add(c.remotePeer());
                }
            });
            String hostPort = "127.0.0.1:" + server.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            CliRunner r = CliRunner.run("perf", "--server-address", hostPort, "--upload-bytes", "3000",
                    "--download-bytes", "5000", option, "5", "--runs", "2");
            assertEquals(0, r.status(), r.err());
            String[] lines = r.out().strip().split("\n");
            assertEquals(12, lines.length, r.out());
            for (int run = 0; run < 2; run++) {
                for (int i = 0; i < 5; i++) {
                    assertTrue(STREAM.matcher(lines[run * 6 + i]).matches(), lines[run * 6 + i]);
                }
                Matcher m = FINAL.matcher(lines[run * 6 + 5]);
                assertTrue(m.matches(), r.out());
                assertEquals(15000, Long.parseLong(m.group(1)));
                assertEquals(25000, Long.parseLong(m.group(2)));
            }
            // Every connection of a run is closed after it; --conns dials from a host of its own each.
            io.p2pkit.testing.Await.until("the client's connections closed",
                    () -> server.network().connections().isEmpty(), java.time.Duration.ofSeconds(10));
            assertEquals(connections, clients.size(), "distinct client peers");
        }
    }

    @Test
    void runsOverWebSocket() throws Exception {
        try (Host server = Host.builder().identity(PerfCommand.serverIdentity())
                .transport(key -> new io.p2pkit.core.transport.tcp.TcpTransport())
                .transport(key -> new io.p2pkit.websocket.WebSocketTransport()).listen("/ip4/127.0.0.1/tcp/0/ws")
                .perf(true).build()) {
            String hostPort = "127.0.0.1:" + server.addresses().get(0).toSocketAddress().orElseThrow().getPort();
            CliRunner r = CliRunner.run("perf", "--server-address", hostPort, "--transport", "ws",
                    "--upload-bytes", "1000", "--download-bytes", "1000", "--runs", "2");
            assertEquals(0, r.status(), r.err());
            String[] lines = r.out().strip().split("\n");
            assertEquals(2, lines.length, r.out());
            for (String l : lines) {
                assertTrue(FINAL.matcher(l).matches(), l);
            }
        }
    }

    @Test
    void quicServerAddressesAreUdp() {
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1"), PerfCommand.serverAddress("127.0.0.1:4001", true));
        assertEquals(Multiaddr.parse("/ip6/::1/udp/4001/quic-v1"), PerfCommand.serverAddress("[::1]:4001", true));
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), PerfCommand.serverAddress("127.0.0.1:4001", false));
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/ws"), PerfCommand.serverAddress("127.0.0.1:4001", "ws"));
        assertEquals(Multiaddr.parse("/ip6/::1/tcp/4001/ws"), PerfCommand.serverAddress("[::1]:4001", "ws"));
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1"), PerfCommand.serverAddress("127.0.0.1:4001", "quic-v1"));
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/udp/4001/webrtc-direct"),
                PerfCommand.serverAddress("127.0.0.1:4001", "webrtc-direct"));
        assertEquals(Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1/webtransport"),
                PerfCommand.serverAddress("127.0.0.1:4001", "webtransport"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-direct", "webtransport"})
    void browserTransportClientsNeedTheServersMultiaddr(String transport) {
        CliRunner r = CliRunner.run("perf", "--transport", transport, "--server-address", "127.0.0.1:4001",
                "--download-bytes", "10");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("certhash"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"webrtc-direct", "webtransport"})
    void runsOverTheBrowserTransports(String transport) throws Exception {
        String listen = transport.equals("webrtc-direct") ? "/ip4/127.0.0.1/udp/0/webrtc-direct"
                : "/ip4/127.0.0.1/udp/0/quic-v1/webtransport";
        HostBuilder b = Host.builder().identity(PerfCommand.serverIdentity()).listen(listen).perf(true);
        try (Host server = NodeConfig.Transports.defaults().applyTo(b).build()) {
            Multiaddr addr = server.addresses().getFirst();
            assertTrue(addr.toString().contains("/certhash/"), addr.toString());
            CliRunner r = CliRunner.run("perf", "--transport", transport, "--server-address", addr.toString(),
                    "--upload-bytes", "100000", "--download-bytes", "100000", "--runs", "2");
            assertEquals(0, r.status(), r.err());
            // intermediary lines come once a second, which a loaded machine may reach
            List<String> finals = r.out().lines().filter(l -> l.startsWith("{\"type\":\"final\"")).toList();
            assertEquals(2, finals.size(), r.out());
            for (String l : finals) {
                Matcher m = FINAL.matcher(l);
                assertTrue(m.matches(), l);
                assertEquals(100000, Long.parseLong(m.group(1)));
                assertEquals(100000, Long.parseLong(m.group(2)));
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--server-address|127.0.0.1",
            "--server-address|::1:4001",
            "--transport|udp",
            "--upload-bytes|-1",
            "--download-bytes|lots",
            "--runs|0",
            "--streams|0",
            "--conns|-1",
    })
    void badOptionsAreUsageErrors(String option, String value) {
        CliRunner r = option.equals("--server-address")
                ? CliRunner.run("perf", option, value)
                : CliRunner.run("perf", "--server-address", "127.0.0.1:1", option, value);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("p2pkit perf:"), r.err());
    }

    @Test
    void streamsAndConnsTogetherAreAUsageError() {
        CliRunner r = CliRunner.run("perf", "--server-address", "127.0.0.1:1", "--streams", "2", "--conns", "2");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("only one of them"), r.err());
    }

    @Test
    void unreachableServerFails() {
        CliRunner r = CliRunner.run("perf", "--server-address", "127.0.0.1:1", "--download-bytes", "10");
        assertEquals(1, r.status(), r.err());
    }

    @Test
    void serverProcessServesAClient(@TempDir Path home) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (DaemonAndPingTest.Daemon server = DaemonAndPingTest.Daemon.command(home, "perf", "--run-server",
                "--server-address", "127.0.0.1:" + port)) {
            String line = server.next("/ip4/127.0.0.1/tcp/" + port);
            assertEquals("/ip4/127.0.0.1/tcp/" + port + "/p2p/" + PerfCommand.SERVER_PEER_ID, line);
            assertFinal(CliRunner.run("perf", "--server-address", "127.0.0.1:" + port,
                    "--upload-bytes", "2000000", "--download-bytes", "2000000"), 2_000_000, 2_000_000);
        }
    }

    @Test
    void serverProcessServesAClientOverQuic(@TempDir Path home) throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (DaemonAndPingTest.Daemon server = DaemonAndPingTest.Daemon.command(home, "perf", "--run-server",
                "--transport", "quic-v1", "--server-address", "127.0.0.1:" + port)) {
            String line = server.next("/ip4/127.0.0.1/udp/" + port);
            assertEquals("/ip4/127.0.0.1/udp/" + port + "/quic-v1/p2p/" + PerfCommand.SERVER_PEER_ID, line);
            assertFinal(CliRunner.run("perf", "--transport", "quic-v1", "--server-address", "127.0.0.1:" + port,
                    "--upload-bytes", "1000000", "--download-bytes", "1000000"), 1_000_000, 1_000_000);
        }
    }

    @Test
    void daemonServesPerfOnlyWhenEnabled(@TempDir Path home) throws Exception {
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--json", "--enable-perf")) {
            String addr = readyAddress(d);
            assertFinal(CliRunner.run("perf", "--server-address", addr, "--upload-bytes", "100000",
                    "--download-bytes", "100000"), 100_000, 100_000);
        }
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--json")) {
            CliRunner r = CliRunner.run("perf", "--server-address", readyAddress(d), "--download-bytes", "10");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("/perf/1.0.0"), r.err());
        }
    }

    private static String readyAddress(DaemonAndPingTest.Daemon d) throws InterruptedException, IOException {
        Matcher m = Pattern.compile(".*\"addrs\":\\[\"([^\"]+)\".*").matcher(d.next("{\"event\":\"ready\""));
        assertTrue(m.matches());
        return m.group(1);
    }
}
