package io.p2pkit.node.cli;

import io.p2pkit.quic.QuicTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit daemon} listening on WebRTC-direct and WebTransport from the repository's
 * {@code addresses.swarm} (Kubo's syntax), restarted from the same repository: its certhashes are
 * the same, and another node pings it and connects to it over each address, before and after.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DaemonBrowserTransportsTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[([^\\]]*)].*}");
    private static final String WEBRTC = "/webrtc-direct";
    private static final String WEBTRANSPORT = "/quic-v1/webtransport";

    /** The address whose transport part is {@code transport}, from a ready line's list. */
    private static String address(Matcher ready, String transport) {
        for (String a : ready.group(2).split(",")) {
            String s = a.replace("\"", "");
            if (s.contains("/udp/") && s.contains(transport + "/certhash/") && s.endsWith("/p2p/" + ready.group(1))) {
                return s;
            }
        }
        throw new AssertionError("no " + transport + " address with a certhash in " + ready.group(2));
    }

    /** What follows the UDP port: the transport, the certhashes and the peer ID. */
    private static String afterPort(String address) {
        String[] parts = address.split("/");
        return String.join("/", Arrays.copyOfRange(parts, 5, parts.length));
    }

    private static void assertPings(String address) {
        CliRunner r = CliRunner.run("ping", address, "--count", "2", "--interval", "10ms", "--json");
        assertEquals(0, r.status(), address + ": " + r.err());
        String[] out = r.out().strip().split("\n");
        assertEquals(3, out.length, r.out());
        assertTrue(out[0].startsWith("{\"event\":\"connected\""), out[0]);
        assertTrue(out[1].startsWith("{\"event\":\"ping\""), out[1]);
    }

    /**
     * A daemon of its own on {@code repo} (so it knows no other address of the peer) connects with
     * {@code p2pkit swarm connect ADDRESS}, over that address's transport.
     */
    private static void assertConnects(RepoFixture repo, Path home, String address, String transport) throws Exception {
        DaemonAndPingTest.Daemon dialer = DaemonAndPingTest.Daemon.start(home, "--json", "--dht", "off",
                "--listen", "/ip4/127.0.0.1/tcp/0");
        try {
            dialer.next("{\"event\":\"ready\"");
            String peer = address.substring(address.lastIndexOf("/p2p/") + "/p2p/".length());
            assertEquals("connect " + peer + " success", repo.ok("swarm", "connect", address));
            String peers = repo.ok("swarm", "peers");
            assertTrue(peers.contains(transport + "/p2p/" + peer), peers);
        } finally {
            dialer.close();
        }
    }

    /** Sets the repository's addresses.swarm, as a user editing the config would. */
    private static void listenOn(Path repo, String addresses) throws Exception {
        Path config = repo.resolve("config");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
            if (!line.startsWith("addresses.swarm")) {
                lines.add(line);
            }
        }
        lines.add("addresses.swarm = " + addresses);
        Files.write(config, lines, StandardCharsets.UTF_8);
    }

    @Test
    void aRestartedDaemonKeepsItsCerthashesAndIsDialedOverBothBrowserTransports(@TempDir Path home,
            @TempDir Path otherHome, @TempDir Path thirdHome) throws Exception {
        assertTrue(QuicTransport.isAvailable() || System.getenv("CI") == null,
                "the native QUIC library does not load, so WebTransport cannot run");
        boolean webTransport = QuicTransport.isAvailable();
        // without the test profile, which listens on loopback TCP alone: init's defaults are the subject
        CliRunner init = CliRunner.run("init", "--repo-dir", home.toString());
        assertEquals(0, init.status(), init.err());
        RepoFixture repo = new RepoFixture(home);
        String config = Files.readString(home.resolve("config"));
        assertTrue(config.contains("/ip4/0.0.0.0/udp/4002/webrtc-direct"), config);
        assertTrue(config.contains("/ip4/0.0.0.0/udp/4003/quic-v1/webtransport"), config);
        listenOn(home, "/ip4/127.0.0.1/tcp/0, /ip4/127.0.0.1/udp/0/webrtc-direct"
                + (webTransport ? ", /ip4/127.0.0.1/udp/0/quic-v1/webtransport" : ""));

        String webRtcBefore;
        String webTransportBefore = null;
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--json", "--dht", "off");
        try {
            Matcher m = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.matches(), m.toString());
            webRtcBefore = address(m, WEBRTC);
            assertPings(webRtcBefore);
            if (webTransport) {
                webTransportBefore = address(m, WEBTRANSPORT);
                assertEquals(2, webTransportBefore.split("/certhash/").length - 1, webTransportBefore);
                assertPings(webTransportBefore);
            }
            // the daemon's own addresses, as a user would copy them for a browser
            String local = repo.ok("swarm", "addrs", "local", "--id");
            assertTrue(local.contains(webRtcBefore), local);
            if (webTransport) {
                assertTrue(local.contains(webTransportBefore), local);
            }
            // and p2pkit id, as Kubo's ipfs id, when the daemon runs in the node's home
            DaemonAndPingTest.Daemon id = DaemonAndPingTest.Daemon.command(home, "id", "--json");
            try {
                String line = id.next("{\"peerId\"");
                assertTrue(line.contains("\"addresses\":[") && line.contains(webRtcBefore), line);
            } finally {
                id.close();
            }
        } finally {
            d.close();
        }

        DaemonAndPingTest.Daemon again = DaemonAndPingTest.Daemon.start(home, "--json", "--dht", "off");
        try {
            Matcher m = READY.matcher(again.next("{\"event\":\"ready\""));
            assertTrue(m.matches(), m.toString());
            String webRtcAfter = address(m, WEBRTC);
            assertEquals(afterPort(webRtcBefore), afterPort(webRtcAfter), "the same WebRTC-direct certhash");
            assertPings(webRtcAfter);
            assertConnects(RepoFixture.init(otherHome), otherHome, webRtcAfter,
                    "/udp/" + webRtcAfter.split("/")[4] + WEBRTC);
            if (webTransport) {
                String webTransportAfter = address(m, WEBTRANSPORT);
                assertEquals(afterPort(webTransportBefore), afterPort(webTransportAfter),
                        "the same WebTransport certhashes");
                assertPings(webTransportAfter);
                assertConnects(RepoFixture.init(thirdHome), thirdHome, webTransportAfter,
                        "/udp/" + webTransportAfter.split("/")[4] + WEBTRANSPORT);
            }
        } finally {
            again.close();
        }
    }
}
