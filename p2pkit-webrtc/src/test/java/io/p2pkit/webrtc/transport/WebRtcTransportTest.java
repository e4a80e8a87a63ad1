package io.p2pkit.webrtc.transport;

import io.p2pkit.core.Direction;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.netns.Coturn;
import io.p2pkit.webrtc.dtls.WebRtcCertificate;
import io.p2pkit.webrtc.sdp.IceCandidate;
import io.p2pkit.webrtc.sdp.SessionDescription;
import io.p2pkit.webrtc.signaling.SignalingMessage;
import io.p2pkit.webrtc.turn.TurnServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser-to-browser WebRTC between two p2pkit hosts on loopback: a p2pkit relay (TCP, circuit
 * relay v2) carries {@code /webrtc-signaling/0.0.1}, then ICE, DTLS and SCTP run directly.
 */
@Timeout(180)
class WebRtcTransportTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TURN_USER = "alice";
    private static final String TURN_PASSWORD = "wonderland";
    private static Coturn coturn;
    private final List<Host> hosts = new ArrayList<>();
    private final Map<Host, WebRtcTransport> transports = new HashMap<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host relay() throws IOException {
        Host r = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(r);
        RelayService.attach(r, RelayConfig.defaults());
        return r;
    }

    /**
     * A host with TCP (dialing only: it is reachable through the relay alone, as a node behind a
     * NAT or a browser), the circuit transport and /webrtc with loopback host candidates.
     */
    private Host peer() throws IOException {
        return peer(WebRtcTransport.Config.defaults());
    }

    private Host peer(WebRtcTransport.Config config) throws IOException {
        Host h = Host.builder().build();
        hosts.add(h);
        RelayClient.attach(h);
        transports.put(h, WebRtcTransport.attach(h, config.withHostAddresses(List.of(InetAddress.getLoopbackAddress()))));
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        return h;
    }

    private static Multiaddr circuit(Host relay) {
        return relay.addresses().get(0).encapsulate("/p2p/" + relay.peerId()).encapsulate("/p2p-circuit");
    }

    @Test
    void dialsThroughTheRelaySignalsAndConnectsDirectly() throws Exception {
        Host r = relay();
        Host a = peer();
        Host b = peer();
        b.listen(circuit(r));
        b.listen(Multiaddr.parse("/webrtc"));
        Multiaddr announced = circuit(r).encapsulate("/webrtc");
        assertTrue(b.addresses().contains(announced), b.addresses().toString());

        Connection c = a.connect(announced.encapsulate("/p2p/" + b.peerId()));
        assertEquals(WebRtcTransport.PROTOCOL, c.security());
        assertEquals(WebRtcTransport.PROTOCOL, c.muxer());
        assertFalse(c.isLimited(), "a direct connection");
        assertEquals(b.peerId(), c.remotePeer());
        assertTrue(a.network().connections(b.peerId()).stream()
                .anyMatch(x -> x.isLimited() && x.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT)),
                "the relayed connection it signalled over");

        byte[] data = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(data);
        assertArrayEquals(data, WebRtcDirectHostTest.echo(a, new PeerInfo(b.peerId(), List.of()), data),
                "1 MiB from the dialer, echoed over /webrtc (echo does not run on limited connections)");
        assertFalse(a.service(PingService.class).orElseThrow().ping(new PeerInfo(b.peerId(), List.of())).isNegative());
        IdentifyResult id = a.service(IdentifyService.class).orElseThrow().awaitIdentified(c, TIMEOUT);
        assertTrue(id.listenAddrs().contains(announced), id.listenAddrs().toString());

        Await.until("b has the /webrtc connection", () -> b.network().connections(a.peerId()).stream()
                .anyMatch(x -> WebRtcTransport.PROTOCOL.equals(x.security())), TIMEOUT);
        new SplittableRandom(4).nextBytes(data);
        assertArrayEquals(data, WebRtcDirectHostTest.echo(b, new PeerInfo(a.peerId(), List.of()), data),
                "1 MiB from the listener, echoed");

        // the answerer charged the connection from the offer on, as an inbound one; both sides'
        // buffers go back once every byte was read
        Connection inbound = b.network().connections(a.peerId()).stream()
                .filter(x -> WebRtcTransport.PROTOCOL.equals(x.security())).findFirst().orElseThrow();
        assertEquals(Direction.INBOUND, inbound.resources().direction());
        Await.until("both /webrtc connections hold nothing once idle",
                () -> c.resources().scope().used(Resource.MEMORY) == 0
                        && inbound.resources().scope().used(Resource.MEMORY) == 0, TIMEOUT);
    }

    @Test
    void anOfferToAHostNotListeningOnWebRtcFails() throws Exception {
        Host r = relay();
        Host a = peer();
        Host b = peer();
        b.listen(circuit(r)); // a relayed address, but no /webrtc listener
        assertFalse(b.addresses().stream().anyMatch(x -> x.hasProtocol(Protocol.WEBRTC)), b.addresses().toString());
        Multiaddr target = circuit(r).encapsulate("/webrtc/p2p/" + b.peerId());
        assertThrows(IOException.class, () -> a.connect(target));
        assertTrue(a.network().connections(b.peerId()).stream().allMatch(Connection::isLimited),
                "only the relayed connection");
    }

    @Test
    void aMalformedOfferResetsOnlyItsStream() throws Exception {
        Host r = relay();
        Host a = peer();
        Host b = peer();
        b.listen(circuit(r));
        b.listen(Multiaddr.parse("/webrtc"));
        Connection relayed = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));
        assertTrue(relayed.isLimited());
        try (Stream s = a.newStream(relayed, LimitedConnections.ALLOW, WebRtcTransport.SIGNALING_PROTOCOL)) {
            new SignalingMessage(SignalingMessage.Type.SDP_OFFER, "v=0\r\nnot an offer\r\n").writeTo(s.out());
            assertThrows(IOException.class, () -> {
                if (SignalingMessage.read(s.in()) == null) {
                    throw new IOException("the stream ended without an answer");
                }
            });
        }
        assertFalse(relayed.isClosed(), "the relayed connection stays");
        // a stream whose protocol refuses limited connections dials the /webrtc address beside the relayed connection
        byte[] data = {1, 2, 3};
        assertArrayEquals(data, WebRtcDirectHostTest.echo(a,
                new PeerInfo(b.peerId(), List.of(circuit(r).encapsulate("/webrtc"))), data), "a good offer still connects");
        assertTrue(a.network().connections(b.peerId()).stream()
                .anyMatch(x -> WebRtcTransport.PROTOCOL.equals(x.security()) && !x.isLimited()));
    }

    @Test
    void theAnswerCarriesTheServerReflexiveCandidateAStunServerReported() throws Exception {
        Host r = relay();
        Host a = peer();
        // 127.0.0.2 reaches the same socket (bound to every address): a "mapped" address that is not the host one
        InetAddress other = InetAddress.getByAddress(new byte[]{127, 0, 0, 2});
        try (TestStunServer stun = TestStunServer.start((request, from, n) ->
                TestStunServer.success(request, new InetSocketAddress(other, from.getPort())));
             TestStunServer truthful = TestStunServer.start((request, from, n) -> TestStunServer.success(request, from))) {
            // the truthful one reports the host candidate's own address: no candidate for that
            Host b = peer(WebRtcTransport.Config.defaults().withStunServers(List.of(truthful.address(), stun.address())));
            SessionDescription answer = answerToABareOffer(r, a, b);
            assertTrue(stun.requests() >= 1 && truthful.requests() >= 1);
            IceCandidate host = answer.candidates().get(0);
            assertEquals("host", host.type());
            assertEquals(InetAddress.getLoopbackAddress(), host.address().getAddress());
            IceCandidate srflx = answer.candidates().get(1);
            assertEquals("srflx", srflx.type(), answer.toSdp());
            assertEquals(new InetSocketAddress(other, host.address().getPort()), srflx.address());
            assertEquals(Optional.of(host.address()), srflx.related(), "its base is the host candidate");
            assertEquals(2, answer.candidates().size(), "no srflx candidate that is the host one: " + answer.toSdp());
        }
    }

    /** {@code b} listens on /webrtc through {@code r}, and {@code a} dials it there. */
    private static Connection listenAndDial(Host r, Host b, Host a) throws IOException {
        b.listen(circuit(r));
        b.listen(Multiaddr.parse("/webrtc"));
        return a.connect(circuit(r).encapsulate("/webrtc/p2p/" + b.peerId()));
    }

    /** {@code b}, listening through {@code r}, answers an offer with no candidates that {@code a} sends by hand. */
    private static SessionDescription answerToABareOffer(Host r, Host a, Host b) throws IOException {
        b.listen(circuit(r));
        b.listen(Multiaddr.parse("/webrtc"));
        Connection relayed = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));
        try (Stream s = a.newStream(relayed, LimitedConnections.ALLOW, WebRtcTransport.SIGNALING_PROTOCOL)) {
            SessionDescription offer = new SessionDescription("abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz012345",
                    WebRtcCertificate.generate().fingerprint(), SessionDescription.Setup.ACTPASS, "0", 5000, 65536,
                    List.of());
            new SignalingMessage(SignalingMessage.Type.SDP_OFFER, offer.toSdp()).writeTo(s.out());
            SessionDescription answer = SessionDescription.parse(SignalingMessage.read(s.in()).data());
            s.reset();
            return answer;
        }
    }

    /** A TURN server on loopback for the cases that need one, started by the first of them. */
    private static Coturn turn() throws IOException, InterruptedException {
        synchronized (WebRtcTransportTest.class) {
            if (coturn == null) {
                coturn = Coturn.startTurnOnLoopback(TURN_USER, TURN_PASSWORD, List.of());
            }
            return coturn;
        }
    }

    @AfterAll
    static void stopTurn() throws InterruptedException {
        synchronized (WebRtcTransportTest.class) {
            if (coturn != null) {
                coturn.close();
                coturn = null; // a rerun of a failed case starts its own
            }
        }
    }

    private static TurnServer turnServer(String password) throws IOException, InterruptedException {
        return new TurnServer(turn().address(), TURN_USER, password);
    }

    /** The lines coturn logged after the first {@code from} characters. */
    private static List<String> turnLog(int from) {
        return coturn.log().substring(from).lines().toList();
    }

    @Test
    void theAnswerCarriesARelayCandidateAfterTheOthers() throws Exception {
        Host r = relay();
        Host a = peer();
        TurnServer server = turnServer(TURN_PASSWORD);
        SessionDescription answer = answerToABareOffer(r, a, peer(WebRtcTransport.Config.defaults()
                .withTurnServers(List.of(server))));
        // the mapped address coturn saw is the host candidate itself: no srflx candidate for it
        assertEquals(List.of("host", "relay"), answer.candidates().stream().map(IceCandidate::type).toList(), answer.toSdp());
        IceCandidate host = answer.candidates().get(0);
        IceCandidate relay = answer.candidates().get(1);
        assertEquals(InetAddress.getLoopbackAddress(), relay.address().getAddress());
        assertNotEquals(server.address(), relay.address(), "the relayed address, not the server's");
        assertEquals(Optional.of(host.address()), relay.related(), "raddr/rport: the address coturn saw");
        assertEquals(0, relay.priority() >>> 24, "type preference 0: " + relay.toSdp());
        assertTrue(relay.toSdp().contains(" typ relay raddr 127.0.0.1 rport " + host.address().getPort()), relay.toSdp());

        Host c = peer();
        SessionDescription relayOnly = answerToABareOffer(relay(), c, peer(WebRtcTransport.Config.defaults()
                .withTurnServers(List.of(server)).withRelayOnly(true)));
        assertEquals(List.of("relay"), relayOnly.candidates().stream().map(IceCandidate::type).toList(), relayOnly.toSdp());
        assertEquals(Optional.empty(), relayOnly.candidates().get(0).related(),
                "relay-only hides the mapped address (raddr 0.0.0.0), as browsers do");
        assertFalse(relayOnly.toSdp().contains(" typ host"), relayOnly.toSdp());
    }

    @Test
    void relayOnlyPeersConnectThroughTurnOnLoopback() throws Exception {
        Host r = relay();
        WebRtcTransport.Config viaTurn = WebRtcTransport.Config.defaults()
                .withTurnServers(List.of(turnServer(TURN_PASSWORD))).withRelayOnly(true);
        int logged = turn().log().length();
        Host b = peer(viaTurn);
        Host a = peer(viaTurn);
        Connection c = listenAndDial(r, b, a);
        assertEquals(WebRtcTransport.PROTOCOL, c.security());
        assertFalse(c.isLimited());
        byte[] data = new byte[256 << 10];
        new SplittableRandom(5).nextBytes(data);
        assertArrayEquals(data, WebRtcDirectHostTest.echo(a, new PeerInfo(b.peerId(), List.of()), data),
                "256 KiB each way through both allocations");
        assertFalse(a.service(PingService.class).orElseThrow().ping(new PeerInfo(b.peerId(), List.of())).isNegative());
        // both sides bound a channel to the other's relayed address, and the data went through them
        Await.until("two channels bound", () -> turnLog(logged).stream()
                .filter(l -> l.contains("CHANNEL_BIND processed, success")).count() >= 2, TIMEOUT);
        c.close();
        Await.until("both allocations released", () -> turnLog(logged).stream()
                .filter(l -> l.contains("refreshed") && l.contains("lifetime=0")).count() >= 2, TIMEOUT);
    }

    @Test
    void withTurnConfiguredADirectPairStillWins() throws Exception {
        Host r = relay();
        WebRtcTransport.Config withTurn = WebRtcTransport.Config.defaults().withTurnServers(List.of(turnServer(TURN_PASSWORD)));
        int logged = turn().log().length();
        Host b = peer(withTurn);
        Host a = peer(withTurn);
        Connection c = listenAndDial(r, b, a);
        assertEquals(WebRtcTransport.PROTOCOL, c.security());
        byte[] data = {9, 8, 7};
        assertArrayEquals(data, WebRtcDirectHostTest.echo(a, new PeerInfo(b.peerId(), List.of()), data));
        // the host pair won: no channel bound, and the allocations no pair used were released at once
        Await.until("both unused allocations released", () -> turnLog(logged).stream()
                .filter(l -> l.contains("refreshed") && l.contains("lifetime=0")).count() >= 2, TIMEOUT);
        assertTrue(turnLog(logged).stream().noneMatch(l -> l.contains("CHANNEL_BIND")), String.join("\n", turnLog(logged)));
    }

    @Test
    void aWrongTurnPasswordFailsARelayOnlyDialClearly() throws Exception {
        Host r = relay();
        Host b = peer();
        Host a = peer(WebRtcTransport.Config.defaults().withTurnServers(List.of(turnServer("not-it"))).withRelayOnly(true));
        b.listen(circuit(r));
        b.listen(Multiaddr.parse("/webrtc"));
        IOException e = assertThrows(IOException.class, () -> a.connect(circuit(r).encapsulate("/webrtc/p2p/" + b.peerId())));
        String message = String.valueOf(e.getMessage()) + e.getCause();
        assertTrue(message.contains("no TURN server gave a relay candidate"), message);
        assertTrue(message.contains("refused Allocate: 401"), message);
        assertTrue(message.contains("the username or password is wrong"), message);
        assertFalse(message.contains("not-it"), "never the password: " + message);
    }

    @Test
    void peersWithAStunServerConnectOnLoopback() throws Exception {
        Host r = relay();
        try (TestStunServer stun = TestStunServer.start((request, from, n) -> TestStunServer.success(request, from))) {
            Host b = peer(WebRtcTransport.Config.defaults().withStunServers(List.of(stun.address())));
            Host a = peer(WebRtcTransport.Config.defaults().withStunServers(List.of(stun.address())));
            Connection c = listenAndDial(r, b, a);
            assertEquals(WebRtcTransport.PROTOCOL, c.security());
            assertFalse(c.isLimited());
            assertTrue(stun.requests() >= 2, "both sides asked the STUN server: " + stun.requests());
        }
    }

    @Test
    void anOffererThatNeverAnswersChecksIsCutOffAtTheDeadline() throws Exception {
        Host r = relay();
        Host a = peer();
        WebRtcTransport.Config d = WebRtcTransport.Config.defaults();
        Host b = peer(new WebRtcTransport.Config(d.maxConnections(), d.maxHandshakes(), Duration.ofSeconds(2),
                d.acceptBacklog(), List.of(), d.sctp(), List.of()));
        b.listen(circuit(r));
        b.listen(Multiaddr.parse("/webrtc"));
        Connection relayed = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));
        // a well-formed offer whose only candidate is a socket that never answers a check
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Stream s = a.newStream(relayed, LimitedConnections.ALLOW, WebRtcTransport.SIGNALING_PROTOCOL)) {
            SessionDescription offer = new SessionDescription("abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz012345",
                    WebRtcCertificate.generate().fingerprint(), SessionDescription.Setup.ACTPASS, "0", 5000, 65536,
                    List.of(IceCandidate.host("1", (InetSocketAddress) silent.getLocalAddress())));
            new SignalingMessage(SignalingMessage.Type.SDP_OFFER, offer.toSdp()).writeTo(s.out());
            SignalingMessage answer = SignalingMessage.read(s.in());
            assertEquals(SignalingMessage.Type.SDP_ANSWER, answer.type());
            assertEquals(SessionDescription.Setup.ACTIVE, SessionDescription.parse(answer.data()).setup());
            // the answerer gives up at its deadline: the stream ends or is reset, the slot comes back
            assertThrows(IOException.class, () -> {
                if (SignalingMessage.read(s.in()) == null) {
                    throw new IOException("ended");
                }
            });
        }
        Await.until("the answerer's slot is released", () -> transports.get(b).connectionCount() == 0, TIMEOUT);
        assertFalse(relayed.isClosed());
    }
}
