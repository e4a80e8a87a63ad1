package io.p2pkit.node;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.transport.WebRtcTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser-to-browser WebRTC ({@code /webrtc}) in nodes made from {@link NodeConfig}: off by
 * default, and with it on, two nodes behind a p2pkit relay connect directly over it.
 */
@Timeout(180)
class NodeWebRtcTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void offByDefault() {
        NodeConfig c = NodeConfig.builder().build();
        assertTrue(c.webRtc().isEmpty());
        assertFalse(c.listen().contains(NodeConfig.WEBRTC_LISTEN), c.listen().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.builder().listen("/webrtc").build());
        assertTrue(e.getMessage().contains("webRtc("), e.getMessage());
    }

    @Test
    void onItIsListenedOnByDefaultAndNeedsTheRelayClient() throws Exception {
        NodeConfig c = NodeConfig.builder().webRtc(NodeConfig.WebRtc.defaults()).build();
        assertTrue(c.listen().contains(NodeConfig.WEBRTC_LISTEN), c.listen().toString());
        assertTrue(c.toBuilder().build().webRtc().isPresent());
        assertFalse(c.toBuilder().withoutWebRtc().listen("/ip4/127.0.0.1/tcp/0").build().webRtc().isPresent());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.builder().webRtc(NodeConfig.WebRtc.defaults()).relayClient(false).build());
        assertTrue(e.getMessage().contains("relay client"), e.getMessage());
        assertEquals(List.of(java.net.InetAddress.getByAddress(new byte[]{127, 0, 0, 1})),
                NodeConfig.WebRtc.loopback().hostCandidates());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.WebRtc.defaults()
                .withHostCandidates(List.of(java.net.InetAddress.getByAddress(new byte[16]))));
    }

    @Test
    void noStunServerUnlessGivenAndAtMostFourIpv4Ones() throws Exception {
        assertEquals(List.of(), NodeConfig.WebRtc.defaults().stunServers(), "never a public STUN server by default");
        assertEquals(List.of(), NodeConfig.WebRtc.loopback().stunServers());
        java.net.InetSocketAddress stun = new java.net.InetSocketAddress(
                java.net.InetAddress.getByAddress(new byte[]{11, 0, 0, 2}), 3478);
        NodeConfig.WebRtc w = NodeConfig.WebRtc.loopback().withStunServers(List.of(stun));
        assertEquals(List.of(stun), w.stunServers());
        assertEquals(NodeConfig.WebRtc.loopback().hostCandidates(), w.hostCandidates(), "the other settings kept");
        assertEquals(List.of(stun), NodeConfig.builder().webRtc(w).build().webRtc().orElseThrow().stunServers());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.WebRtc.defaults().withStunServers(
                List.of(new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(new byte[16]), 3478))), "IPv6");
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.WebRtc.defaults().withStunServers(
                List.of(java.net.InetSocketAddress.createUnresolved("stun.example.org", 3478))), "a name");
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.WebRtc.defaults().withStunServers(
                List.of(stun, stun, stun, stun, stun)), "five");
    }

    @Test
    void noTurnServerUnlessGivenAndAtMostFourAtDistinctAddresses() throws Exception {
        assertEquals(List.of(), NodeConfig.WebRtc.defaults().turnServers(), "never a TURN server by default");
        java.net.InetSocketAddress at = new java.net.InetSocketAddress(
                java.net.InetAddress.getByAddress(new byte[]{11, 0, 0, 2}), 3478);
        io.p2pkit.webrtc.turn.TurnServer turn = new io.p2pkit.webrtc.turn.TurnServer(at, "alice", "s3cret");
        NodeConfig.WebRtc w = NodeConfig.WebRtc.loopback().withStunServers(List.of(at)).withTurnServers(List.of(turn));
        assertEquals(List.of(turn), NodeConfig.builder().webRtc(w).build().webRtc().orElseThrow().turnServers());
        assertEquals(List.of(at), w.stunServers(), "the other settings kept");
        assertFalse(w.toString().contains("s3cret"), "printed without the password: " + w);
        assertThrows(IllegalArgumentException.class, () -> w.withTurnServers(List.of(turn,
                new io.p2pkit.webrtc.turn.TurnServer(at, "bob", "other"))), "two allocations from one socket on one server");
        assertThrows(IllegalArgumentException.class, () -> w.withTurnServers(java.util.stream.IntStream.range(1, 6)
                .mapToObj(i -> io.p2pkit.webrtc.turn.TurnServer.parse("a:b@11.0.0." + i + ":3478")).toList()), "five");
    }

    @Test
    void aPrivateNetworkTurnsItOffAndRefusesItsAddress() {
        PreSharedKey key = PreSharedKey.generate();
        NodeConfig c = NodeConfig.builder().privateNetwork(key).webRtc(NodeConfig.WebRtc.defaults()).build();
        assertTrue(c.webRtc().isEmpty());
        assertFalse(c.listen().contains(NodeConfig.WEBRTC_LISTEN), c.listen().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder()
                .privateNetwork(key).webRtc(NodeConfig.WebRtc.defaults()).listen("/webrtc").build());
        assertTrue(e.getMessage().contains("private network"), e.getMessage());
    }

    @Test
    void twoNodesBehindARelayConnectOverWebRtcAndMoveData() throws Exception {
        try (Node relay = Node.start(NodeHolePunchTest.local().relayService(RelayConfig.defaults()).build())) {
            Multiaddr circuit = relay.host().addresses().get(0).encapsulate("/p2p/" + relay.peerId())
                    .encapsulate("/p2p-circuit");
            // b is reachable through the relay only, as a node behind a NAT or a browser is
            NodeConfig.Builder b = NodeHolePunchTest.local().webRtc(NodeConfig.WebRtc.loopback())
                    .listen(List.of(circuit, NodeConfig.WEBRTC_LISTEN));
            try (Node a = Node.start(NodeHolePunchTest.local().webRtc(NodeConfig.WebRtc.loopback()).build());
                 Node listener = Node.start(b.build())) {
                listener.host().setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
                a.host().setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
                Multiaddr announced = circuit.encapsulate("/webrtc");
                assertTrue(listener.host().addresses().contains(announced), listener.host().addresses().toString());

                Connection c = a.host().connect(announced.encapsulate("/p2p/" + listener.peerId()));
                assertEquals(WebRtcTransport.PROTOCOL, c.security());
                assertFalse(c.isLimited(), "a direct connection, not the relayed one");
                assertTrue(c.remoteAddress().hasProtocol(Protocol.WEBRTC), c.remoteAddress().toString());

                byte[] data = new byte[1 << 20];
                new SplittableRandom(24).nextBytes(data);
                assertArrayEquals(data, echo(a.host(), listener.peerId(), data), "1 MiB from the dialer, echoed");
                assertFalse(a.host().service(PingService.class).orElseThrow()
                        .ping(new PeerInfo(listener.peerId(), List.of())).isNegative());

                Await.until("the listener has the /webrtc connection", () -> listener.host().network()
                        .connections(a.peerId()).stream()
                        .anyMatch(x -> WebRtcTransport.PROTOCOL.equals(x.security())), TIMEOUT);
                new SplittableRandom(25).nextBytes(data);
                assertArrayEquals(data, echo(listener.host(), a.peerId(), data), "1 MiB from the listener, echoed");
            }
        }
    }

    /** Sends {@code data} on an echo stream (never on a limited connection, so over /webrtc) and reads it back. */
    private static byte[] echo(Host from, io.p2pkit.core.identity.PeerId to, byte[] data) throws Exception {
        try (Stream s = from.newStream(new PeerInfo(to, List.of()), ECHO)) {
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            byte[] back = s.in().readAllBytes();
            Await.join(writer);
            if (failed.get() != null) {
                throw failed.get();
            }
            return back;
        }
    }
}
