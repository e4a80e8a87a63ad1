package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.testing.Prerequisites;
import io.p2pkit.webrtc.transport.WebRtcDirectTransport;
import io.p2pkit.webtransport.WebTransportTransport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * js-libp2p 3 inside headless Chromium (Debian's {@code /usr/bin/chromium}, driven by
 * {@code peers/js/browser.mjs} through playwright-core) dials a p2pkit host over WebRTC-direct and
 * over WebTransport, as a web page would: the browser only dials, with nothing but the address
 * and its certhashes. For each transport, one case has the browser connect, identify, ping, echo
 * 1 MiB and run concurrent streams; the other has p2pkit open streams to the browser on the
 * connection the browser made (1 MiB and concurrent echoes, served by the page).
 *
 * <p>Chromium's console, page errors and stderr reach the failure messages through
 * {@link PeerProcess#stderrTail()}.
 */
@InteropArea("Browser")
@Timeout(180)
class ChromiumInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ECHO = P2pkitInteropTest.ECHO;
    private static final int ECHO_BYTES = 1 << 20;
    private static final int STREAMS = 20;
    private static final String AGENT = "p2pkit/interop";

    private static Host host(Transport.Factory transport, String listen) throws IOException {
        Host h = Host.builder().agentVersion(AGENT).transport(transport).listen(listen).build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        return h;
    }

    private static Host webRtcDirectHost() throws IOException {
        return host(WebRtcDirectTransport::new, "/ip4/127.0.0.1/udp/0/webrtc-direct");
    }

    private static Host webTransportHost() throws IOException {
        return host(WebTransportTransport::new, "/ip4/127.0.0.1/udp/0/quic-v1/webtransport");
    }

    private static PeerProcess chromium(Host host, Protocol transport) {
        Path peers = Toolchains.require(Implementation.JS);
        Path chromium = Prerequisites.program("chromium", "Debian: apt-get install chromium; .ci/run installs it");
        Path driver = peers.resolve("js").resolve("browser.mjs");
        Prerequisites.require(Files.isDirectory(peers.resolve("js/node_modules/playwright-core")),
                "playwright-core is not installed in peers/js (peers/build.sh js)");
        Multiaddr addr = host.addresses().stream().filter(a -> a.hasProtocol(transport)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + transport + " address in " + host.addresses()));
        assertTrue(addr.hasProtocol(Protocol.CERTHASH), addr.toString());
        return PeerProcess.startProgram(Implementation.JS, List.of("node", driver.toString(),
                "--dial", addr.encapsulate("/p2p/" + host.peerId()).toString(),
                "--echo-bytes", Integer.toString(ECHO_BYTES), "--streams", Integer.toString(STREAMS),
                "--chromium", chromium.toString()));
    }

    /** The browser's own steps: connect, identify (both ways), ping, 1 MiB echo, concurrent streams. */
    private static void browserDials(Host host, Protocol transport, String muxer) throws Exception {
        InboundWatch inbound = InboundWatch.of(host);
        try (PeerProcess browser = chromium(host, transport)) {
            try {
                PeerEvent ready = browser.awaitEvent("ready", WAIT);
                assertTrue(ready.string("userAgent").contains("Chrome/"), ready.toString());
                PeerEvent connected = browser.awaitEvent("connected", WAIT);
                assertEquals(host.peerId().toString(), connected.string("peerId"));
                assertTrue(connected.string("remoteAddr").startsWith("/ip4/127.0.0.1/udp/")
                        && connected.string("remoteAddr").contains("/" + transport.name() + "/"), connected.toString());
                Connection c = inbound.connection(WAIT);
                assertEquals(muxer, c.muxer());
                assertEquals(ready.string("peerId"), c.remotePeer().toString());

                PeerEvent theySawUs = browser.awaitEvent("identify", WAIT);
                assertEquals(host.peerId().toString(), theySawUs.string("peerId"));
                assertEquals(AGENT, theySawUs.string("agentVersion"));
                assertTrue(theySawUs.strings("protocols").containsAll(
                        List.of(IdentifyService.PROTOCOL_ID, PingService.PROTOCOL_ID, ECHO)), theySawUs.toString());
                IdentifyResult weSawThem = inbound.identified(WAIT, browser);
                assertTrue(weSawThem.agentVersion().contains("chromium-js-libp2p"), weSawThem.agentVersion());

                browser.awaitEvent("ping", WAIT).pingRoundTrip(WAIT);
                PeerEvent echo = browser.awaitEvent("echo", WAIT);
                assertTrue(echo.bool("ok"));
                assertEquals(ECHO_BYTES, echo.number("bytes").intValue());
                assertEquals(STREAMS, browser.awaitEvent("streams", WAIT).number("count").intValue());
                browser.awaitEvent("done", WAIT);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nChromium's console and stderr:\n" + browser.stderrTail(), e);
            }
        }
    }

    /** p2pkit's streams to the browser, on the connection the browser made. */
    private static void p2pkitOpensStreamsToTheBrowser(Host host, Protocol transport) throws Exception {
        try (PeerProcess browser = chromium(host, transport)) {
            try {
                browser.awaitEvent("done", WAIT);
                PeerId page = PeerId.parse(browser.events().stream().filter(e -> e.type().equals("ready"))
                        .findFirst().orElseThrow().string("peerId"));
                P2pkitInteropTest.echo(host, page, ECHO_BYTES, 7);
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

    @Test
    @DisplayName("Chromium dials p2pkit over WebRTC-direct: identify, ping, 1 MiB echo, 20 concurrent streams")
    void chromiumDialsOverWebRtcDirect() throws Exception {
        try (Host host = webRtcDirectHost()) {
            browserDials(host, Protocol.WEBRTC_DIRECT, WebRtcDirectTransport.PROTOCOL);
        }
    }

    @Test
    @DisplayName("p2pkit opens streams to Chromium on its WebRTC-direct connection: 1 MiB echo, concurrent streams, ping")
    void p2pkitStreamsToChromiumOverWebRtcDirect() throws Exception {
        try (Host host = webRtcDirectHost()) {
            p2pkitOpensStreamsToTheBrowser(host, Protocol.WEBRTC_DIRECT);
        }
    }

    @Test
    @DisplayName("Chromium dials p2pkit over WebTransport: identify, ping, 1 MiB echo, 20 concurrent streams")
    void chromiumDialsOverWebTransport() throws Exception {
        try (Host host = webTransportHost()) {
            browserDials(host, Protocol.WEBTRANSPORT, "/webtransport");
        }
    }

    @Test
    @DisplayName("p2pkit opens streams to Chromium on its WebTransport session: 1 MiB echo, concurrent streams, ping")
    void p2pkitStreamsToChromiumOverWebTransport() throws Exception {
        try (Host host = webTransportHost()) {
            p2pkitOpensStreamsToTheBrowser(host, Protocol.WEBTRANSPORT);
        }
    }
}
