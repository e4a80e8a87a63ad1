package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.testing.Prerequisites;
import io.p2pkit.webrtc.transport.WebRtcDirectTransport;
import io.p2pkit.webrtc.transport.WebRtcTransport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser-to-browser WebRTC ({@code /webrtc}) between p2pkit and js-libp2p 3 in headless Chromium
 * ({@code peers/js/browser.mjs}), both directions. The relay is a p2pkit host with
 * {@link RelayService} listening on TCP (for p2pkit) and WebRTC-direct (for the browser, which
 * cannot dial TCP); the signalling runs over the relayed connection, then ICE, DTLS and SCTP run
 * directly between Chromium and p2pkit on loopback.
 */
@InteropArea("WebRTC browser-to-browser")
@Timeout(240)
class WebRtcBrowserInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ECHO = P2pkitInteropTest.ECHO;
    private static final int ECHO_BYTES = 1 << 20;
    private static final int STREAMS = 20;

    /** The relay: TCP for p2pkit, WebRTC-direct for the browser. */
    private static Host relay() throws IOException {
        Host r = Host.builder().agentVersion("p2pkit/interop-relay")
                .transport(key -> new TcpTransport()).transport(WebRtcDirectTransport::new)
                .listen("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/webrtc-direct").build();
        try {
            RelayService.attach(r, RelayConfig.defaults());
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** A p2pkit peer on TCP with the circuit transport and /webrtc (loopback host candidates). */
    private static Host peer() throws IOException {
        Host h = Host.builder().agentVersion("p2pkit/interop").listen("/ip4/127.0.0.1/tcp/0").build();
        try {
            RelayClient.attach(h);
            WebRtcTransport.attach(h, WebRtcTransport.Config.defaults()
                    .withHostAddresses(List.of(InetAddress.getByName("127.0.0.1"))));
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        return h;
    }

    /** {@code <relay's first address with this protocol>/p2p/<relay>/p2p-circuit}. */
    private static Multiaddr circuit(Host relay, Protocol via) {
        Multiaddr a = relay.addresses().stream().filter(x -> x.hasProtocol(via)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + via + " address in " + relay.addresses()));
        return a.encapsulate("/p2p/" + relay.peerId()).encapsulate("/p2p-circuit");
    }

    private static PeerProcess chromium(List<String> mode) {
        Path peers = Toolchains.require(Implementation.JS);
        Path chromium = Prerequisites.program("chromium", "Debian: apt-get install chromium; .ci/run installs it");
        Path driver = peers.resolve("js").resolve("browser.mjs");
        Prerequisites.require(Files.isDirectory(peers.resolve("js/node_modules/playwright-core")),
                "playwright-core is not installed in peers/js (peers/build.sh js)");
        List<String> command = new ArrayList<>(List.of("node", driver.toString()));
        command.addAll(mode);
        command.addAll(List.of("--chromium", chromium.toString()));
        return PeerProcess.startProgram(Implementation.JS, command);
    }

    /**
     * A dialing page's steps after "ready", each awaited: connected to {@code target} over
     * {@code /webrtc} through the circuit, identify, ping, the 1 MiB echo, the concurrent streams, done.
     */
    private static void awaitDialSteps(PeerProcess browser, PeerId target) {
        PeerEvent connected = browser.awaitEvent("connected", WAIT);
        assertEquals(target.toString(), connected.string("peerId"));
        assertTrue(connected.string("remoteAddr").contains("/p2p-circuit/webrtc"), connected.toString());
        assertEquals(WebRtcTransport.PROTOCOL, connected.string("muxer"), connected.toString());
        browser.awaitEvent("identify", WAIT);
        browser.awaitEvent("ping", WAIT).pingRoundTrip(WAIT);
        PeerEvent echo = browser.awaitEvent("echo", WAIT);
        assertTrue(echo.bool("ok"));
        assertEquals(ECHO_BYTES, echo.number("bytes").intValue());
        assertEquals(STREAMS, browser.awaitEvent("streams", WAIT).number("count").intValue());
        browser.awaitEvent("done", WAIT);
    }

    @Test
    @DisplayName("Chromium dials p2pkit over /webrtc through a p2pkit relay: identify, ping, 1 MiB echo, 20 concurrent streams")
    void chromiumDialsP2pkit() throws Exception {
        try (Host relay = relay(); Host host = peer()) {
            host.listen(circuit(relay, Protocol.TCP));
            host.listen(Multiaddr.parse("/webrtc"));
            assertTrue(host.addresses().stream().anyMatch(a -> a.hasProtocol(Protocol.WEBRTC)), host.addresses().toString());
            // the browser reaches the relay over WebRTC-direct: the same circuit, another relay address
            Multiaddr target = circuit(relay, Protocol.WEBRTC_DIRECT).encapsulate("/webrtc/p2p/" + host.peerId());
            InboundWatch inbound = InboundWatch.of(host);
            try (PeerProcess browser = chromium(List.of("--dial", target.toString(),
                    "--echo-bytes", Integer.toString(ECHO_BYTES), "--streams", Integer.toString(STREAMS)))) {
                try {
                    PeerEvent ready = browser.awaitEvent("ready", WAIT);
                    awaitDialSteps(browser, host.peerId());

                    PeerId page = PeerId.parse(ready.string("peerId"));
                    List<Connection> ours = host.network().connections(page);
                    assertTrue(ours.stream().anyMatch(c -> WebRtcTransport.PROTOCOL.equals(c.security()) && !c.isLimited()),
                            "p2pkit has the direct /webrtc connection: " + ours);
                    inbound.connection(WAIT);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + "\nChromium's console and stderr:\n" + browser.stderrTail(), e);
                }
            }
        }
    }

    /**
     * {@code p2pkit daemon --webrtc} with a reservation on {@code circuit} and loopback ICE host
     * candidates; no repository, HTTP servers, DHT or AutoRelay.
     */
    private static PeerProcess daemon(Path dir, Multiaddr circuit) {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), io.p2pkit.node.cli.Main.class.getName(), "daemon", "--json",
                "--identity", dir.resolve("identity.key").toString(), "--repo-dir", dir.resolve("no-repo").toString(),
                "--listen", "/ip4/127.0.0.1/tcp/0", "--listen", circuit.toString(),
                "--webrtc", "--webrtc-candidate", "127.0.0.1",
                "--api", "off", "--gateway", "off", "--dht", "off", "--no-port-mapping", "--no-auto-relay", "--no-mdns");
        return PeerProcess.startProgram(Implementation.JS, cmd);
    }

    @Test
    @DisplayName("Chromium dials a p2pkit daemon (--webrtc) over /webrtc through a p2pkit relay: the daemon advertises "
            + "its /p2p-circuit/webrtc address; identify, ping")
    void chromiumDialsTheDaemon(@TempDir Path dir) throws Exception {
        try (Host relay = relay(); PeerProcess daemon = daemon(dir, circuit(relay, Protocol.TCP))) {
            PeerEvent started = daemon.awaitEvent("ready", WAIT);
            String id = started.string("peerId");
            String advertised = circuit(relay, Protocol.TCP) + "/webrtc/p2p/" + id;
            assertTrue(started.strings("addrs").contains(advertised), started.toString());
            // the browser reaches the relay over WebRTC-direct: the same circuit, another relay address
            Multiaddr target = circuit(relay, Protocol.WEBRTC_DIRECT).encapsulate("/webrtc/p2p/" + id);
            try (PeerProcess browser = chromium(List.of("--dial", target.toString(), "--echo-bytes", "0",
                    "--streams", "0"))) {
                try {
                    browser.awaitEvent("ready", WAIT);
                    PeerEvent connected = browser.awaitEvent("connected", WAIT);
                    assertEquals(id, connected.string("peerId"));
                    assertTrue(connected.string("remoteAddr").contains("/p2p-circuit/webrtc"), connected.toString());
                    assertEquals(WebRtcTransport.PROTOCOL, connected.string("muxer"), connected.toString());
                    PeerEvent identified = browser.awaitEvent("identify", WAIT);
                    assertTrue(identified.string("agentVersion").startsWith("p2pkit/"), identified.toString());
                    assertTrue(identified.strings("listenAddrs").contains(advertised.substring(0,
                            advertised.lastIndexOf("/p2p/"))), identified.toString());
                    browser.awaitEvent("ping", WAIT).pingRoundTrip(WAIT);
                    browser.awaitEvent("done", WAIT);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + "\nChromium's console and stderr:\n" + browser.stderrTail()
                            + "\nthe daemon's stderr:\n" + daemon.stderrTail(), e);
                }
            }
        }
    }

    @Test
    @DisplayName("p2pkit dials Chromium over /webrtc through a p2pkit relay: 1 MiB echo, concurrent streams, ping")
    void p2pkitDialsChromium() throws Exception {
        try (Host relay = relay(); Host host = peer()) {
            try (PeerProcess browser = chromium(List.of("--listen", circuit(relay, Protocol.WEBRTC_DIRECT).toString()))) {
                try {
                    PeerId page = PeerId.parse(browser.awaitEvent("ready", WAIT).string("peerId"));
                    PeerEvent listening = browser.awaitEvent("listening", WAIT);
                    assertTrue(listening.strings("addrs").stream().anyMatch(a -> a.contains("/p2p-circuit/webrtc")),
                            listening.toString());
                    // p2pkit reaches the relay over TCP: the same circuit, the relay's other address
                    Multiaddr target = circuit(relay, Protocol.TCP).encapsulate("/webrtc/p2p/" + page);
                    Connection c = host.connect(target);
                    assertEquals(WebRtcTransport.PROTOCOL, c.security());
                    assertFalse(c.isLimited());
                    assertEquals(page, c.remotePeer());

                    P2pkitInteropTest.echo(host, page, ECHO_BYTES, 11);
                    assertEquals(ECHO_BYTES, browser.awaitEvent("served", WAIT).number("bytes").intValue());
                    P2pkitInteropTest.concurrentStreams(host, page);
                    assertTrue(host.service(PingService.class).orElseThrow()
                            .ping(new PeerInfo(page, List.of())).toNanos() > 0);
                    browser.closeStdin();
                    assertEquals(0, browser.awaitExit(WAIT), "the driver exits 0 once stdin closes");
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + "\nChromium's console and stderr:\n" + browser.stderrTail(), e);
                }
            }
        }
    }

    @Test
    @DisplayName("Chromium dials Chromium over /webrtc through a p2pkit relay (js-libp2p on both ends): identify, ping, "
            + "1 MiB echo, 20 concurrent streams")
    void chromiumDialsChromiumThroughAP2pkitRelay() throws Exception {
        try (Host relay = relay();
             PeerProcess listener = chromium(List.of("--listen", circuit(relay, Protocol.WEBRTC_DIRECT).toString()))) {
            String stage = "the listening page";
            PeerProcess dialer = null;
            try {
                PeerId page = PeerId.parse(listener.awaitEvent("ready", WAIT).string("peerId"));
                PeerEvent listening = listener.awaitEvent("listening", WAIT);
                assertTrue(listening.strings("addrs").stream().anyMatch(a -> a.contains("/p2p-circuit/webrtc")),
                        listening.toString());
                assertTrue(relay.service(RelayService.class).orElseThrow().hasReservation(page),
                        "the listening page holds a reservation on the p2pkit relay");
                Multiaddr target = circuit(relay, Protocol.WEBRTC_DIRECT).encapsulate("/webrtc/p2p/" + page);
                stage = "the dialing page";
                dialer = chromium(List.of("--dial", target.toString(),
                        "--echo-bytes", Integer.toString(ECHO_BYTES), "--streams", Integer.toString(STREAMS)));
                dialer.awaitEvent("ready", WAIT);
                awaitDialSteps(dialer, page);
                // the listening page saw the /webrtc connection and served the echo on it
                assertEquals(ECHO_BYTES, listener.awaitEvent("served", WAIT).number("bytes").intValue());
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("at " + stage + ": " + e.getMessage() + "\nthe listening page's console and stderr:\n"
                        + listener.stderrTail() + (dialer == null ? "" : "\nthe dialing page's:\n" + dialer.stderrTail()), e);
            } finally {
                if (dialer != null) {
                    dialer.close();
                }
            }
        }
    }
}
