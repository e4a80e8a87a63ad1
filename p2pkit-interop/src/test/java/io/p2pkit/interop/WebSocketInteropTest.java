package io.p2pkit.interop;

import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.websocket.WebSocketConfig;
import io.p2pkit.websocket.WebSocketTransport;
import io.p2pkit.websocket.WssTls;
import io.p2pkit.testing.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.p2pkit.interop.P2pkitInteropTest.ECHO;
import static io.p2pkit.interop.P2pkitInteropTest.ECHO_BYTES;
import static io.p2pkit.interop.P2pkitInteropTest.STEP;
import static io.p2pkit.interop.P2pkitInteropTest.STREAMS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit against real js-libp2p, go-libp2p and rust-libp2p peers over WebSocket, both directions:
 * {@code /ws} and {@code /tls/ws} (wss) with all three,
 * the server certificate issued by a CA made here. Noise and yamux only: the security and muxer
 * pairs are covered over TCP; what is new here is the transport. Each case checks identify,
 * ping, a 1 MiB echo and 100 concurrent streams.
 */
@InteropArea("Connection over WebSocket (noise, yamux)")
class WebSocketInteropTest {
    private static final String SECURITY = "noise";
    private static final String MUXER = "yamux";

    @TempDir
    static Path dir;
    static Path chain;
    static Path key;
    static Path caFile;
    static WebSocketTransport transport;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa ca = new TestCa("p2pkit interop CA");
        chain = dir.resolve("chain.pem");
        key = dir.resolve("key.pem");
        ca.issue(new String[] {"localhost"}, new String[] {"127.0.0.1"}).write(chain, key, ca);
        caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        transport = new WebSocketTransport(WebSocketConfig.defaults(), WssTls.serverContext(chain, key),
                WssTls.clientContext(caFile));
    }

    static java.util.stream.Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Implementation impl : Implementation.values()) {
            out.add(Arguments.of(impl, "ws"));
        }
        out.add(Arguments.of(Implementation.JS, "wss"));
        out.add(Arguments.of(Implementation.GO, "wss"));
        out.add(Arguments.of(Implementation.RUST, "wss"));
        return out.stream();
    }

    @ParameterizedTest(name = "p2pkit dials {0} over {1}")
    @MethodSource("cases")
    void p2pkitDials(Implementation impl, String ws) throws Exception {
        Toolchains.require(impl);
        dialOut(impl, ws);
    }

    @ParameterizedTest(name = "{0} dials p2pkit over {1}")
    @MethodSource("cases")
    void otherDials(Implementation impl, String ws) throws Exception {
        Toolchains.require(impl);
        dialIn(impl, ws);
    }

    private static String listenAddress(String ws) {
        return ws.equals("wss") ? "/ip4/127.0.0.1/tcp/0/tls/ws" : "/ip4/127.0.0.1/tcp/0/ws";
    }

    private static boolean isSecure(String addr) {
        return addr.contains("/tls/") || addr.contains("/wss");
    }

    private static Host host(boolean listen, String ws) throws IOException {
        var b = Host.builder().security(SECURITY).muxers(MUXER).agentVersion("p2pkit/interop").transport(key -> new TcpTransport()).transport(key -> transport);
        if (listen) {
            b.listen(listenAddress(ws));
        }
        Host h = b.build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        return h;
    }

    /** p2pkit dials the other implementation's WebSocket listener. */
    private static void dialOut(Implementation impl, String ws) throws Exception {
        List<String> args = new ArrayList<>(List.of("--listen", listenAddress(ws), "--security", SECURITY, "--muxer", MUXER));
        if (ws.equals("wss")) {
            args.addAll(List.of("--wss-cert", chain.toString(), "--wss-key", key.toString()));
        }
        try (PeerProcess listener = PeerProcess.start(impl, Toolchains.get().peers(), args);
             Host host = host(false, ws)) {
            PeerEvent ready = listener.awaitEvent("ready", STEP);
            String addr = ready.strings("addrs").stream()
                    .filter(a -> a.contains("/ws/p2p/") && isSecure(a) == ws.equals("wss")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + ws + " address in " + ready.strings("addrs")));
            PeerInfo target = PeerInfo.parse(addr);

            Connection c = host.connect(target);
            assertTrue(c.remoteAddress().toString().endsWith("/ws"), "connection over " + c.remoteAddress());
            assertEquals(P2pkitInteropTest.securityId(SECURITY), c.security());
            assertEquals(P2pkitInteropTest.muxerId(MUXER), c.muxer());
            IdentifyResult id = host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, STEP);
            assertTrue(id.agentVersion().contains(impl.id() + "-libp2p"), "agent " + id.agentVersion());
            assertTrue(id.protocols().containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", ECHO)),
                    "protocols " + id.protocols());
            assertTrue(id.listenAddrs().stream().anyMatch(a -> a.toString().contains("/ws")),
                    "listen addresses " + id.listenAddrs());
            assertTrue(host.service(PingService.class).orElseThrow().ping(target).toNanos() > 0);
            P2pkitInteropTest.echo(host, target.peerId(), ECHO_BYTES, 1);
            P2pkitInteropTest.concurrentStreams(host, target.peerId());
            P2pkitInteropTest.checkTheyIdentifiedUs(listener.awaitEvent("identify", STEP), host, impl, SECURITY, MUXER, false);
        }
    }

    /** The other implementation dials p2pkit's WebSocket listener and runs its scripted steps. */
    private static void dialIn(Implementation impl, String ws) throws Exception {
        try (Host host = host(true, ws)) {
            Multiaddr addr = host.addresses().getFirst().encapsulate("/p2p/" + host.peerId());
            List<String> args = new ArrayList<>(List.of("--dial", addr.toString(), "--security", SECURITY, "--muxer", MUXER,
                    "--echo-bytes", Integer.toString(ECHO_BYTES), "--streams", Integer.toString(STREAMS)));
            if (ws.equals("wss")) {
                args.addAll(List.of("--wss-ca", caFile.toString()));
            }
            InboundWatch inbound = InboundWatch.of(host);
            try (PeerProcess dialer = PeerProcess.start(impl, Toolchains.get().peers(), args)) {
                PeerEvent connected = dialer.awaitEvent("connected", STEP);
                assertEquals(host.peerId().toString(), connected.string("peerId"));
                Connection c = inbound.connection(STEP);
                assertTrue(c.remoteAddress().toString().endsWith("/ws"), "connection over " + c.remoteAddress());
                IdentifyResult id = inbound.identified(STEP);
                assertTrue(id.agentVersion().contains(impl.id() + "-libp2p"), "agent " + id.agentVersion());
                P2pkitInteropTest.checkTheyIdentifiedUs(dialer.awaitEvent("identify", STEP), host, impl, SECURITY, MUXER, true);
                dialer.awaitEvent("ping", STEP).pingRoundTrip(STEP);
                assertTrue(dialer.awaitEvent("echo", STEP).bool("ok"));
                assertEquals(STREAMS, dialer.awaitEvent("streams", STEP).number("count").intValue());
                dialer.awaitEvent("done", STEP);
                assertEquals(0, dialer.awaitExit(STEP));
            }
        }
    }

}
