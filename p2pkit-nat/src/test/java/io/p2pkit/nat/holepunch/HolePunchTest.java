package io.p2pkit.nat.holepunch;

import io.p2pkit.core.Direction;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.quic.QuicTransport;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DCUtR between p2pkit hosts over TCP (and one case over QUIC) on loopback, where there is no NAT to punch through: the
 * protocol, its roles and outcomes, and the relayed connection's fate. A relay R, a node B that
 * listens through it, a node A that dials B through it. Loopback addresses are let through the
 * address filter, which outside tests keeps only public ones.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HolePunchTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HolePunchConfig LOOPBACK = HolePunchConfig.defaults().withAddressFilter(a -> true)
            .withDirectDialFirst(false).withRelayedCloseGrace(Duration.ofMillis(200));

    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(String... listen) throws IOException {
        Host h = Host.builder().listen(listen).build();
        hosts.add(h);
        RelayClient.attach(h);
        return h;
    }

    /** A host with QUIC only, listening on {@code listen}, as a relay client. */
    private Host quicHost(String... listen) throws IOException {
        Host h = Host.builder().transport(QuicTransport::new).listen(listen).build();
        hosts.add(h);
        RelayClient.attach(h);
        return h;
    }

    private Host relay() throws IOException {
        Host r = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(r);
        RelayService.attach(r, RelayConfig.defaults());
        return r;
    }

    private static Multiaddr circuit(Host relay) {
        return relay.addresses().get(0).encapsulate("/p2p/" + relay.peerId()).encapsulate("/p2p-circuit");
    }

    private static List<HolePunchEvent> events(HolePunchService s) {
        List<HolePunchEvent> out = new CopyOnWriteArrayList<>();
        s.addListener(out::add);
        return out;
    }

    private static boolean relayed(Connection c) {
        return c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT);
    }

    @Test
    void holePunchesAndClosesTheRelayedConnection() throws Exception {
        Host r = relay();
        Host b = host("/ip4/127.0.0.1/tcp/0");
        Host a = host("/ip4/127.0.0.1/tcp/0");
        List<HolePunchEvent> bEvents = events(HolePunchService.attach(b, LOOPBACK));
        List<HolePunchEvent> aEvents = events(HolePunchService.attach(a, LOOPBACK));
        b.listen(circuit(r));

        Connection viaRelay = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));
        assertTrue(viaRelay.isLimited());

        Await.until("B's hole punch event", () -> !bEvents.isEmpty(), WAIT);
        HolePunchEvent be = bEvents.get(0);
        assertEquals(HolePunchEvent.Role.INITIATOR, be.role());
        assertEquals(HolePunchEvent.Outcome.HOLE_PUNCHED, be.outcome(), be.detail());
        assertEquals(1, be.attempts());
        assertFalse(be.direct().orElseThrow().hasProtocol(Protocol.P2P_CIRCUIT));
        Await.until("A's hole punch event", () -> !aEvents.isEmpty(), WAIT);
        assertEquals(HolePunchEvent.Role.RECEIVER, aEvents.get(0).role());
        assertTrue(aEvents.get(0).succeeded(), aEvents.get(0).detail());

        Await.until("the relayed connection closes", viaRelay::isClosed, WAIT);
        Await.until("only direct connections are left on both sides",
                () -> a.network().connections(b.peerId()).stream().noneMatch(HolePunchTest::relayed)
                        && b.network().connections(a.peerId()).stream().noneMatch(HolePunchTest::relayed)
                        && !a.network().connections(b.peerId()).isEmpty(), WAIT);
        // and the direct connection is usable by protocols that refuse limited ones
        assertFalse(a.connect(b.peerId()).isLimited());
    }

    /**
     * Over QUIC only A dials: B, the initiator and QUIC server, sends punch packets to A's
     * address (here they land on A's listening socket, which drops them) and accepts A's dial.
     * So there is one direct connection, inbound at B and outbound at A.
     */
    @Test
    void overQuicOnlyTheReceiverDialsAndTheInitiatorAccepts() throws Exception {
        Host r = Host.builder().transport(QuicTransport::new).listen("/ip4/127.0.0.1/udp/0/quic-v1").build();
        hosts.add(r);
        RelayService.attach(r, RelayConfig.defaults());
        Host b = quicHost("/ip4/127.0.0.1/udp/0/quic-v1");
        Host a = quicHost("/ip4/127.0.0.1/udp/0/quic-v1");
        List<HolePunchEvent> bEvents = events(HolePunchService.attach(b, LOOPBACK));
        List<HolePunchEvent> aEvents = events(HolePunchService.attach(a, LOOPBACK));
        b.listen(circuit(r));

        Connection viaRelay = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));

        Await.until("B's hole punch event", () -> !bEvents.isEmpty(), WAIT);
        HolePunchEvent be = bEvents.get(0);
        assertEquals(HolePunchEvent.Outcome.HOLE_PUNCHED, be.outcome(), be.detail());
        assertEquals(1, be.attempts());
        assertEquals(a.network().listenAddresses().get(0), be.direct().orElseThrow(), "A's dial came from its listening port");
        Await.until("A's hole punch event", () -> !aEvents.isEmpty(), WAIT);
        assertTrue(aEvents.get(0).succeeded(), aEvents.get(0).detail());
        Await.until("the relayed connection closes", viaRelay::isClosed, WAIT);
        Await.until("only direct connections are left on both sides",
                () -> a.network().connections(b.peerId()).stream().noneMatch(HolePunchTest::relayed)
                        && b.network().connections(a.peerId()).stream().noneMatch(HolePunchTest::relayed), WAIT);

        List<Connection> atB = b.network().connections(a.peerId());
        assertEquals(1, atB.size(), "one direct connection: " + atB);
        assertEquals(Direction.INBOUND, atB.get(0).direction(), "B punched and did not dial");
        List<Connection> atA = a.network().connections(b.peerId());
        assertEquals(1, atA.size(), "one direct connection: " + atA);
        assertEquals(Direction.OUTBOUND, atA.get(0).direction());
        assertTrue(atA.get(0).remoteAddress().hasProtocol(Protocol.QUIC_V1), atA.get(0).remoteAddress().toString());
    }

    @Test
    void dialsDirectlyFirstWhenThePeerHasPublicAddresses() throws Exception {
        Host r = relay();
        Host b = host("/ip4/127.0.0.1/tcp/0");
        Host a = host("/ip4/127.0.0.1/tcp/0");
        List<HolePunchEvent> bEvents = events(HolePunchService.attach(b, LOOPBACK.withDirectDialFirst(true)));
        HolePunchService.attach(a, LOOPBACK);
        b.listen(circuit(r));

        a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));

        Await.until("B's event", () -> !bEvents.isEmpty(), WAIT);
        assertEquals(HolePunchEvent.Outcome.DIRECT_DIAL, bEvents.get(0).outcome(), bEvents.get(0).detail());
        assertEquals(0, bEvents.get(0).attempts());
    }

    @Test
    void fallsBackToTheRelayWhenThePeerHasNoAddress() throws Exception {
        Host r = relay();
        Host b = host("/ip4/127.0.0.1/tcp/0");
        Host a = host(); // listens nowhere: nothing to offer in its CONNECT
        List<HolePunchEvent> bEvents = events(HolePunchService.attach(b, LOOPBACK));
        List<HolePunchEvent> aEvents = events(HolePunchService.attach(a, LOOPBACK));
        b.listen(circuit(r));

        Connection viaRelay = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));

        Await.until("B's event", () -> !bEvents.isEmpty(), WAIT);
        HolePunchEvent be = bEvents.get(0);
        assertEquals(HolePunchEvent.Outcome.FAILED, be.outcome());
        assertTrue(be.detail().contains("staying on the relayed connection"), be.detail());
        Await.until("A's event", () -> !aEvents.isEmpty(), WAIT);
        assertTrue(aEvents.get(0).detail().contains("no public address"), aEvents.get(0).detail());
        assertFalse(viaRelay.isClosed(), "the relayed connection stays");
        assertTrue(a.connect(b.peerId()).isLimited());
    }

    @Test
    void doesNothingWithAPeerThatDoesNotSpeakDcutr() throws Exception {
        Host r = relay();
        Host b = host("/ip4/127.0.0.1/tcp/0");
        Host a = host("/ip4/127.0.0.1/tcp/0"); // no hole punching
        List<HolePunchEvent> bEvents = events(HolePunchService.attach(b, LOOPBACK));
        b.listen(circuit(r));

        Connection viaRelay = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));
        Await.until("B sees the relayed connection", () -> !b.network().connections(a.peerId()).isEmpty(), WAIT);
        Connection atB = b.network().connections(a.peerId()).get(0);
        b.service(io.p2pkit.core.identify.IdentifyService.class).orElseThrow().awaitIdentified(atB, WAIT);

        // identify done, and B did not start: its relayed connection is the only one, and no event came
        assertEquals(List.of(), bEvents);
        assertFalse(viaRelay.isClosed());
        assertEquals(1, b.network().connections(a.peerId()).size());
    }

    @Test
    void aMalformedMessageResetsOnlyItsStream() throws Exception {
        Host r = relay();
        Host b = host("/ip4/127.0.0.1/tcp/0"); // B sends garbage on DCUtR, by hand
        Host a = host("/ip4/127.0.0.1/tcp/0");
        List<HolePunchEvent> aEvents = events(HolePunchService.attach(a, LOOPBACK));
        b.listen(circuit(r));
        Connection viaRelay = a.connect(circuit(r).encapsulate("/p2p/" + b.peerId()));
        Await.until("B sees the relayed connection", () -> !b.network().connections(a.peerId()).isEmpty(), WAIT);
        Connection atB = b.network().connections(a.peerId()).get(0);

        try (Stream s = b.newStream(atB, LimitedConnections.ALLOW, HolePunchService.PROTOCOL_ID)) {
            LengthPrefixed.write(s.out(), new byte[]{0x08, (byte) 0xc8, 0x01}); // type 200
            s.out().flush();
            assertThrows(IOException.class, () -> s.in().read(), "A resets the stream");
        }
        Await.until("A's event", () -> !aEvents.isEmpty(), WAIT);
        assertEquals(HolePunchEvent.Outcome.FAILED, aEvents.get(0).outcome());
        assertFalse(viaRelay.isClosed(), "the connection lives on");
        assertFalse(a.isClosed());
    }
}
