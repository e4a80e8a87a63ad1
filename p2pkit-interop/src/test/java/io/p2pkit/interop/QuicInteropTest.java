package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.quic.QuicTransport;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit against real js-libp2p, go-libp2p and rust-libp2p peers over QUIC v1, in both directions:
 * connection (TLS inside QUIC, native streams), identify both ways, ping, a 1 MiB echo and 100
 * concurrent streams. The peers take the transport from the address ({@code /udp/…/quic-v1});
 * their {@code --security}/{@code --muxer} options apply to TCP only.
 */
@InteropArea("Connection over QUIC v1")
class QuicInteropTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String ECHO = "/p2pkit/echo/1.0.0";
    private static final int ECHO_BYTES = 1 << 20;
    private static final int STREAMS = 100;
    private static final String LISTEN = "/ip4/127.0.0.1/udp/0/quic-v1";
    private static final String OBSERVED_PREFIX = "/ip4/127.0.0.1/udp/";

    /**
     * Implementations whose QUIC case does not work yet, with the reason (see docs/INTEROP.md). They
     * still run and must still fail, so that extending their peer shows up as a test failure asking
     * to remove the entry.
     */
    private static final Map<Implementation, String> KNOWN_FAILURES = Map.of();

    @ParameterizedTest(name = "p2pkit dials {0} over quic-v1")
    @EnumSource(Implementation.class)
    void p2pkitDials(Implementation impl) throws Exception {
        requireQuic(impl);
        KnownFailure.expect(KNOWN_FAILURES.get(impl), () -> dialOut(impl));
    }

    @ParameterizedTest(name = "{0} dials p2pkit over quic-v1")
    @EnumSource(Implementation.class)
    void otherDials(Implementation impl) throws Exception {
        requireQuic(impl);
        KnownFailure.expect(KNOWN_FAILURES.get(impl), () -> dialIn(impl));
    }

    static void requireQuic(Implementation impl) {
        Toolchains.require(impl);
        Prerequisites.require(QuicTransport.isAvailable(), "Netty's native QUIC library does not load on this machine");
    }

    private static Host host(boolean listen) throws IOException {
        var b = Host.builder().agentVersion("p2pkit/interop").transport(key -> new io.p2pkit.core.transport.tcp.TcpTransport())
                .transport(QuicTransport::new);
        if (listen) {
            b.listen(LISTEN);
        }
        Host h = b.build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        return h;
    }

    /** p2pkit dials the other implementation's QUIC listener. */
    private static void dialOut(Implementation impl) throws Exception {
        Path peers = Toolchains.get().peers();
        try (PeerProcess listener = PeerProcess.start(impl, peers, List.of("--listen", LISTEN));
             Host host = host(false)) {
            PeerEvent ready = listener.awaitEvent("ready", STEP);
            PeerInfo target = PeerInfo.parse(ready.strings("addrs").getFirst());
            assertTrue(target.addresses().getFirst().toString().endsWith("/quic-v1"), "listener address " + target);

            Connection c = host.connect(target);
            assertEquals("/quic-v1", c.muxer());

            IdentifyResult id = host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, STEP);
            assertTrue(id.agentVersion().contains(impl.id() + "-libp2p"), "agent " + id.agentVersion());
            assertTrue(id.protocols().containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", ECHO)),
                    "protocols " + id.protocols());
            assertTrue(id.listenAddrs().contains(target.addresses().getFirst()),
                    "listen addresses " + id.listenAddrs() + " should hold " + target.addresses());
            // js-libp2p appends /p2p/<our id> to the observed address
            assertTrue(id.observedAddr().map(a -> a.withoutPeerId().toString().startsWith(OBSERVED_PREFIX)
                    && a.withoutPeerId().toString().endsWith("/quic-v1")).orElse(false),
                    "observed address " + id.observedAddr());

            assertTrue(host.service(PingService.class).orElseThrow().ping(target).toNanos() > 0);
            P2pkitInteropTest.echo(host, target.peerId(), ECHO_BYTES, 1);
            P2pkitInteropTest.concurrentStreams(host, target.peerId());

            PeerEvent inbound = listener.awaitEvent("identify", STEP);
            checkTheyIdentifiedUs(inbound, host, false);
        }
    }

    /** The other implementation dials p2pkit's QUIC listener and runs its scripted steps. */
    private static void dialIn(Implementation impl) throws Exception {
        Path peers = Toolchains.get().peers();
        try (Host host = host(true)) {
            Multiaddr addr = host.addresses().getFirst().encapsulate("/p2p/" + host.peerId());
            InboundWatch inbound = InboundWatch.of(host);
            try (PeerProcess dialer = PeerProcess.start(impl, peers, List.of("--dial", addr.toString(),
                    "--echo-bytes", Integer.toString(ECHO_BYTES), "--streams", Integer.toString(STREAMS)))) {
                PeerEvent connected = dialer.awaitEvent("connected", STEP);
                assertEquals(host.peerId().toString(), connected.string("peerId"));

                Connection c = inbound.connection(STEP);
                assertEquals("/quic-v1", c.muxer());
                IdentifyResult id = inbound.identified(STEP);
                assertTrue(id.agentVersion().contains(impl.id() + "-libp2p"), "agent " + id.agentVersion());
                assertTrue(id.protocols().contains(ECHO), "protocols " + id.protocols());

                checkTheyIdentifiedUs(dialer.awaitEvent("identify", STEP), host, true);
                dialer.awaitEvent("ping", STEP).pingRoundTrip(STEP);
                PeerEvent echo = dialer.awaitEvent("echo", STEP);
                assertTrue(echo.bool("ok"));
                assertEquals(ECHO_BYTES, echo.number("bytes").intValue());
                PeerEvent streams = dialer.awaitEvent("streams", STEP);
                assertTrue(streams.bool("ok"));
                assertEquals(STREAMS, streams.number("count").intValue());
                dialer.awaitEvent("done", STEP);
                assertEquals(0, dialer.awaitExit(STEP));
            }
        }
    }

    private static void checkTheyIdentifiedUs(PeerEvent e, Host host, boolean weListen) {
        assertEquals(host.peerId().toString(), e.string("peerId"));
        assertEquals("p2pkit/interop", e.string("agentVersion"));
        assertTrue(e.strings("protocols").containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", ECHO)),
                "protocols " + e.strings("protocols"));
        if (weListen) {
            assertTrue(e.strings("listenAddrs").contains(host.addresses().getFirst().toString()),
                    "our listen addresses as they saw them: " + e.strings("listenAddrs"));
        }
        String observed = e.string("observedAddr");
        assertTrue(observed != null && observed.startsWith(OBSERVED_PREFIX) && observed.endsWith("/quic-v1"),
                "observed " + observed);
    }

}
