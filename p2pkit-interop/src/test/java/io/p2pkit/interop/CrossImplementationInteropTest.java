package io.p2pkit.interop;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer programs against each other (js, go, rust; both directions; every security and muxer
 * both offer), proving the peers and this harness before p2pkit's own host joins the matrix.
 * The echo payloads are smaller than the contract's defaults to keep this set quick in CI.
 */
@InteropArea("Connection over TCP: the other implementations with each other (proves the peers and the harness)")
class CrossImplementationInteropTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int ECHO_BYTES = 256 * 1024;
    private static final int STREAMS = 100;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Implementation dialer : Implementation.values()) {
            for (Implementation listener : Implementation.values()) {
                if (dialer == listener) {
                    continue;
                }
                for (String security : dialer.securities()) {
                    for (String muxer : dialer.muxers()) {
                        if (listener.securities().contains(security) && listener.muxers().contains(muxer)) {
                            out.add(Arguments.of(dialer, listener, security, muxer));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} dials {1} over tcp/{2}/{3}")
    @MethodSource("cases")
    void dialerCompletesEveryStep(Implementation dialer, Implementation listener, String security, String muxer) {
        Toolchains.require(dialer);
        Path peers = Toolchains.require(listener);
        runCase(peers, dialer, listener, security, muxer);
    }

    private static void runCase(Path peers, Implementation dialerImpl, Implementation listenerImpl,
                                String security, String muxer) {
        String securityId = security.equals("tls") ? "/tls/1.0.0" : "/noise";
        String muxerId = muxer.equals("mplex") ? "/mplex/6.7.0" : "/yamux/1.0.0";
        try (PeerProcess listener = PeerProcess.start(listenerImpl, peers,
                List.of("--listen", "/ip4/127.0.0.1/tcp/0", "--security", security, "--muxer", muxer))) {
            PeerEvent ready = listener.awaitEvent("ready", STEP);
            String listenerId = ready.string("peerId");
            List<String> addrs = ready.strings("addrs");
            assertFalse(addrs.isEmpty(), "listener printed no addresses");
            String addr = addrs.getFirst();
            assertTrue(addr.startsWith("/ip4/127.0.0.1/tcp/") && addr.endsWith("/p2p/" + listenerId),
                    "listener address " + addr);

            try (PeerProcess dialer = PeerProcess.start(dialerImpl, peers, List.of("--dial", addr,
                    "--security", security, "--muxer", muxer,
                    "--echo-bytes", Integer.toString(ECHO_BYTES), "--streams", Integer.toString(STREAMS)))) {
                PeerEvent connected = dialer.awaitEvent("connected", STEP);
                assertEquals(listenerId, connected.string("peerId"), "connected peer");
                assertEquals(securityId, connected.string("security"), "negotiated security");
                assertEquals(muxerId, connected.string("muxer"), "negotiated muxer");

                PeerEvent identify = dialer.awaitEvent("identify", STEP);
                checkIdentify(identify, listenerId, listenerImpl, dialerImpl, securityId, muxerId);
                String listenAddr = addr.substring(0, addr.indexOf("/p2p/"));
                assertTrue(identify.strings("listenAddrs").contains(listenAddr),
                        "listener's identify should list " + listenAddr + ": " + identify.strings("listenAddrs"));

                dialer.awaitEvent("ping", STEP).pingRoundTrip(STEP);
                PeerEvent echo = dialer.awaitEvent("echo", STEP);
                assertTrue(echo.bool("ok"), "echo ok");
                assertEquals(ECHO_BYTES, echo.number("bytes").intValue(), "echo bytes");
                PeerEvent streams = dialer.awaitEvent("streams", STEP);
                assertTrue(streams.bool("ok"), "streams ok");
                assertEquals(STREAMS, streams.number("count").intValue(), "stream count");
                dialer.awaitEvent("done", STEP);
                assertEquals(List.of("connected", "identify", "ping", "echo", "streams", "done"),
                        dialer.events().stream().map(PeerEvent::type).toList(), "dialer event order");
                assertEquals(0, dialer.awaitExit(STEP), "dialer exit status");

                // The listener reports the inbound connection with what the dialer told it.
                PeerEvent inbound = listener.awaitEvent("identify", STEP);
                checkIdentify(inbound, null, dialerImpl, listenerImpl, securityId, muxerId);
            }
            listener.closeStdin();
            assertEquals(0, listener.awaitExit(STEP), "listener exit status after stdin closed");
        }
    }

    /** Checks an identify event describing {@code remote}, as seen by {@code local}. */
    private static void checkIdentify(PeerEvent e, String expectedPeer, Implementation remote, Implementation local,
                                      String securityId, String muxerId) {
        if (expectedPeer != null) {
            assertEquals(expectedPeer, e.string("peerId"), "identified peer");
        }
        String agent = e.string("agentVersion");
        assertTrue(agent != null && agent.contains(remote.id() + "-libp2p"), "agent version " + agent);
        assertEquals("ipfs/0.1.0", e.string("protocolVersion"), "protocol version");
        assertTrue(e.strings("protocols").containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/p2pkit/echo/1.0.0")),
                "protocols " + e.strings("protocols"));
        String observed = e.string("observedAddr");
        assertTrue(observed != null && observed.startsWith("/ip4/127.0.0.1/tcp/"), "observed address " + observed);
        // Only the listener has addresses to certify; rust-libp2p can neither send nor read standard records.
        boolean expectRecord = remote.standardPeerRecords() && local.standardPeerRecords() && expectedPeer != null;
        if (expectRecord) {
            assertTrue(e.bool("signedPeerRecord"), "signed peer record from " + remote.id());
        }
        assertEquals(securityId, e.string("security"), "security on the identified connection");
        assertEquals(muxerId, e.string("muxer"), "muxer on the identified connection");
    }

}
