package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.nat.autonat.V2Message.DialStatus;
import io.p2pkit.nat.autonat.V2Message.ResponseStatus;
import io.p2pkit.testing.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AutoNAT v1 and v2 between in-process hosts on loopback, with private addresses allowed (the
 * switch tests need: on the internet loopback is never checked).
 */
@Timeout(60)
class AutoNatTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ManualScheduler time = new ManualScheduler();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private AutoNatConfig serverConfig() {
        return AutoNatConfig.defaults().withClient(false).withAllowPrivateAddresses(true).withClock(time.clock())
                .withV1(new AutoNatConfig.V1Limits(Duration.ofSeconds(5), 16, 30, 3, Duration.ofMinutes(1),
                        Duration.ZERO, false))
                .withV2(new AutoNatConfig.V2Limits(60, 12, 12, 2, Duration.ZERO, Duration.ofSeconds(5),
                        Duration.ofSeconds(15)));
    }

    private static AutoNatConfig clientConfig() {
        // the background schedule is pushed far out: the tests probe by hand
        return AutoNatConfig.defaults().withServiceMode(AutoNatConfig.ServiceMode.DISABLED)
                .withAllowPrivateAddresses(true)
                .withProbes(new AutoNatConfig.Probes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                        Duration.ofSeconds(20), Duration.ZERO));
    }

    private record Node(Host host, AutoNat autonat) {
        PeerId id() {
            return host.peerId();
        }
    }

    private Node server(UnaryOperator<AutoNatConfig> tweak) throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        toClose.add(h);
        return new Node(h, AutoNat.attach(h, tweak.apply(serverConfig())));
    }

    private Node client(Host h) throws IOException {
        toClose.add(h);
        return new Node(h, AutoNat.attach(h, clientConfig()));
    }

    private Node listeningClient() throws IOException {
        return client(Host.builder().listen("/ip4/127.0.0.1/tcp/0").build());
    }

    /** Connects and waits until the client knows the server's protocols. */
    private static Connection connect(Node client, Node server) throws IOException {
        Connection c = client.host().connect(new io.p2pkit.core.host.PeerInfo(server.id(), server.host().addresses()));
        client.host().service(IdentifyService.class).orElseThrow().awaitIdentified(c, WAIT);
        return c;
    }

    /** An address on which nothing listens: a port bound, then closed. */
    private static Multiaddr closedPort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
            return Multiaddr.parse("/ip4/" + ip + "/tcp/" + s.getLocalPort());
        }
    }

    // ---------------------------------------------------------------- verdicts

    @Test
    void aReachableNodeIsFoundPublicOverV2AndItsAddressConfirmed() throws Exception {
        Node server = server(c -> c);
        Node client = listeningClient();
        connect(client, server);
        assertEquals(Reachability.UNKNOWN, client.host().reachability().reachability());

        assertEquals(Optional.of(Reachability.PUBLIC), client.autonat().probe());
        assertEquals(Reachability.PUBLIC, client.host().reachability().reachability());
        // A second server's word (here the same server again) confirms the address itself.
        client.autonat().probe(server.id());
        Multiaddr listen = client.host().localAddresses().getFirst();
        assertEquals(List.of(listen), client.host().reachability().reachableAddresses());
    }

    @Test
    void aReachableNodeIsFoundPublicOverV1() throws Exception {
        Node server = server(c -> c);
        server.host().removeStreamHandler(AutoNat.V2_DIAL_REQUEST); // a v1-only server
        Node client = listeningClient();
        connect(client, server);
        assertEquals(Optional.of(Reachability.PUBLIC), client.autonat().probe());
    }

    @Test
    void aNodeWhoseAddressCannotBeDialedIsFoundPrivateOverV1() throws Exception {
        Node server = server(c -> c);
        server.host().removeStreamHandler(AutoNat.V2_DIAL_REQUEST);
        // a dial-only node that advertises an address nobody listens on
        Host h = Host.builder().build();
        Multiaddr closed = closedPort("127.0.0.1");
        h.addAddressSource(() -> List.of(closed));
        Node client = client(h);
        connect(client, server);
        assertEquals(Optional.of(Reachability.PRIVATE), client.autonat().probe());
        assertEquals(Reachability.PRIVATE, client.host().reachability().reachability());
    }

    @Test
    void aNodeWhoseAddressCannotBeDialedIsFoundPrivateOverV2() throws Exception {
        Node server = server(c -> c);
        Host h = Host.builder().build();
        Multiaddr closed = closedPort("127.0.0.1");
        h.addAddressSource(() -> List.of(closed));
        Node client = client(h);
        connect(client, server);
        assertEquals(Optional.of(Reachability.PRIVATE), client.autonat().probe());
        AddressCheck again = client.autonat().check(server.id(), List.of(closed));
        assertEquals(Reachability.PRIVATE, again.reachability());
        assertEquals(Optional.of(closed), again.address());
        assertEquals(List.of(closed), client.host().reachability().state().unreachable());
    }

    @Test
    void aCandidateAddressIsCheckedAndOnceConfirmedAdvertised() throws Exception {
        Node server = server(c -> c);
        Node client = listeningClient();
        connect(client, server);
        // as a port mapping would: "here is an external address, please confirm it" (here a second listener)
        Multiaddr extra = client.host().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        client.autonat().confirm(extra);
        // probes until two have confirmed it: a background probe (the one confirm() schedules, or one for
        // a new listen address) may check another address first, so the count of probes is not fixed
        io.p2pkit.testing.Await.until("the candidate confirmed", () -> {
            client.autonat().probe(server.id());
            return client.host().reachability().reachableAddresses().contains(extra);
        }, WAIT);
        assertTrue(client.host().addresses().contains(extra));
    }

    @Test
    void aMappedAddressIsConfirmedByTwoServersOnItsOwnAndWithdrawnWhenGone() throws Exception {
        Node first = server(c -> c);
        Node second = server(c -> c);
        // listening on every address, advertising only the interfaces' ones: 127.0.0.2 reaches it, as a
        // port mapping's external address reaches a node without being one of its listen addresses
        Node client = client(Host.builder().listen("/ip4/0.0.0.0/tcp/0").build());
        int port = client.host().localAddresses().getFirst().toSocketAddress().orElseThrow().getPort();
        Multiaddr mapped = Multiaddr.parse("/ip4/127.0.0.2/tcp/" + port);
        assertFalse(client.host().addresses().contains(mapped));
        connect(client, first);
        connect(client, second);

        // no probe by hand: confirm() probes at once, and the undecided candidate brings the next server in 2 s
        client.autonat().confirm(mapped);
        awaitUntil("the mapped address confirmed by both servers",
                () -> client.host().reachability().reachableAddresses().contains(mapped));
        assertTrue(client.host().addresses().contains(mapped));
        // the verdict is published before the probe that reached it drops the candidate
        awaitUntil("the confirmed address no longer a candidate", () -> client.autonat().candidates().isEmpty());

        client.autonat().withdraw(mapped);
        assertFalse(client.host().addresses().contains(mapped));
        assertFalse(client.host().reachability().reachableAddresses().contains(mapped));
        assertEquals(List.of(), client.autonat().candidates());
    }

    // ---------------------------------------------------------------- what servers refuse

    @Test
    void v1RefusesToDialAThirdParty() throws Exception {
        Node server = server(c -> c);
        Node client = listeningClient();
        connect(client, server);
        try (ServerSocket victim = new ServerSocket()) {
            victim.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            Multiaddr third = Multiaddr.parse("/ip4/127.0.0.2/tcp/" + victim.getLocalPort());
            V1Message.DialResponse r = new AutoNatV1Client(client.host(), WAIT).dialBack(server.id(), List.of(third));
            assertEquals(V1Message.Status.E_DIAL_REFUSED, r.status());
            assertEquals(Reachability.UNKNOWN, client.autonat().askV1(server.id(), List.of(third)));
            // Nothing reached the victim: the server answered without dialing, so no accept can be pending.
            victim.setSoTimeout(1);
            assertThrows(java.net.SocketTimeoutException.class, victim::accept);
        }
    }

    @Test
    void v1ThrottlesPerPeerUntilThePeriodIsOver() throws Exception {
        Node server = server(c -> c);
        Node client = listeningClient();
        connect(client, server);
        List<Multiaddr> mine = client.host().addresses();
        for (int i = 0; i < 3; i++) {
            assertEquals(Reachability.PUBLIC, client.autonat().askV1(server.id(), mine));
        }
        V1Message.DialResponse r = new AutoNatV1Client(client.host(), WAIT).dialBack(server.id(), mine);
        assertEquals(V1Message.Status.E_DIAL_REFUSED, r.status());
        assertEquals("too many dials", r.text());
        time.advance(Duration.ofMinutes(1));
        assertEquals(Reachability.PUBLIC, client.autonat().askV1(server.id(), mine));
    }

    @Test
    void v2RateLimitsPerPeerAndDialData() throws Exception {
        Node server = server(c -> c.withV2(new AutoNatConfig.V2Limits(60, 2, 1, 2, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ofSeconds(15))));
        Node client = client(Host.builder().transport(k -> new TcpTransport(false))
                .listen("/ip4/127.0.0.2/tcp/0").build());
        connect(client, server);
        List<Multiaddr> mine = client.host().localAddresses();
        // the first needs dial data (127.0.0.2 is not the IP the server sees): it uses up that budget
        assertEquals(Reachability.PUBLIC, client.autonat().check(server.id(), mine).reachability());
        IOException e = assertThrows(IOException.class, () -> client.autonat().check(server.id(), mine));
        assertTrue(e.getMessage().contains("E_REQUEST_REJECTED"), e.getMessage());
        // a third request is over the per-peer budget of two a minute, whatever it asks
        e = assertThrows(IOException.class, () -> client.autonat().check(server.id(), mine));
        assertTrue(e.getMessage().contains("E_REQUEST_REJECTED"), e.getMessage());
        time.advance(Duration.ofMinutes(1));
        assertEquals(Reachability.PUBLIC, client.autonat().check(server.id(), mine).reachability());
    }

    @Test
    void v2RefusesWhenItWillDialNoAddress() throws Exception {
        Node server = server(c -> c.withAllowPrivateAddresses(false));
        Node client = listeningClient();
        connect(client, server);
        AddressCheck c = client.autonat().check(server.id(), client.host().localAddresses());
        assertTrue(c.refused(), "loopback is private: a server in the default mode dials none of it");
    }

    // ---------------------------------------------------------------- the amplification guard

    @Test
    void v2AsksForDialDataBeforeDialingAnotherIpAndDialsOnlyOnceItArrived() throws Exception {
        Node server = server(c -> c);
        List<ResponseStatus> answers = new CopyOnWriteArrayList<>();
        AtomicReference<Boolean> dataDemanded = new AtomicReference<>();
        server.autonat().v2Server().observe((p, s, d, data) -> {
            answers.add(s);
            dataDemanded.set(data);
        });
        // The client listens on 127.0.0.2 but dials out from 127.0.0.1 (no port reuse): the server
        // sees 127.0.0.1, so dialing 127.0.0.2 is dialing another IP.
        Host h = Host.builder().transport(k -> new TcpTransport(false)).listen("/ip4/127.0.0.2/tcp/0").build();
        toClose.add(h);
        List<Long> nonces = new CopyOnWriteArrayList<>();
        h.setStreamHandler(AutoNat.V2_DIAL_BACK, s -> {
            nonces.add(V2Message.decodeDialBack(LengthPrefixed.read(s.in(), 1024)).nonce());
            LengthPrefixed.write(s.out(), new V2Message.DialBackResponse(0).encode());
            s.closeWrite();
        });
        Connection c = h.connect(new io.p2pkit.core.host.PeerInfo(server.id(), server.host().addresses()));
        assertEquals("127.0.0.1", Addresses.ip(c.localAddress()).orElseThrow().getHostAddress());
        Multiaddr listen = h.localAddresses().getFirst();
        try (Stream s = h.newStream(c, AutoNat.V2_DIAL_REQUEST)) {
            LengthPrefixed.write(s.out(), V2Message.DialRequest.of(List.of(listen), 42).encode());
            V2Message ask = V2Message.read(s.in());
            V2Message.DialDataRequest dd = (V2Message.DialDataRequest) ask;
            assertEquals(0, dd.addrIdx());
            assertTrue(dd.numBytes() >= 30_000 && dd.numBytes() < 100_000, "asked " + dd.numBytes());
            assertEquals(List.of(), nonces, "the server waits for the data before it dials");
            for (long left = dd.numBytes(); left > 0; left -= 4000) {
                LengthPrefixed.write(s.out(), new V2Message.DialDataResponse(new byte[(int) Math.min(4000, left)]).encode());
            }
            V2Message.DialResponse r = (V2Message.DialResponse) V2Message.read(s.in());
            assertEquals(ResponseStatus.OK, r.status());
            assertEquals(DialStatus.OK, r.dialStatus());
            assertEquals(List.of(42L), nonces);
        }
        awaitUntil("the server's record", () -> dataDemanded.get() != null);
        assertEquals(List.of(ResponseStatus.OK), answers);
        assertTrue(dataDemanded.get());
    }

    @Test
    void v2NeverDialsWhenTheDialDataFallsShort() throws Exception {
        Node server = server(c -> c);
        Host h = Host.builder().transport(k -> new TcpTransport(false)).listen("/ip4/127.0.0.2/tcp/0").build();
        toClose.add(h);
        AtomicInteger dialBacks = new AtomicInteger();
        h.setStreamHandler(AutoNat.V2_DIAL_BACK, s -> dialBacks.incrementAndGet());
        Connection c = h.connect(new io.p2pkit.core.host.PeerInfo(server.id(), server.host().addresses()));
        try (Stream s = h.newStream(c, AutoNat.V2_DIAL_REQUEST)) {
            LengthPrefixed.write(s.out(), V2Message.DialRequest.of(h.localAddresses(), 7).encode());
            assertTrue(V2Message.read(s.in()) instanceof V2Message.DialDataRequest);
            // tiny chunks are abuse (the server would do a lot of work for little data): reset
            LengthPrefixed.write(s.out(), new V2Message.DialDataResponse(new byte[10]).encode());
            assertThrows(IOException.class, () -> V2Message.read(s.in()));
        }
        assertEquals(0, dialBacks.get());
        // and the connection lives on: the next, honest, request from the same IP works
        Node honest = listeningClient();
        connect(honest, server);
        assertEquals(Reachability.PUBLIC, honest.autonat().check(server.id(), honest.host().localAddresses())
                .reachability());
    }

    // ---------------------------------------------------------------- the nonce

    @Test
    void aDialBackWithTheWrongNonceIsNotBelieved() throws Exception {
        // A lying server: it dials back from a host of its own with a nonce that is not ours, then claims success.
        Host liar = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        Host liarsDialer = Host.builder().identify(false).build();
        toClose.add(liar);
        toClose.add(liarsDialer);
        AtomicReference<Throwable> ackFailure = new AtomicReference<>();
        liar.setStreamHandler(AutoNat.V2_DIAL_REQUEST, s -> {
            V2Message.DialRequest req = (V2Message.DialRequest) V2Message.read(s.in());
            Multiaddr a = req.address(0).orElseThrow();
            Connection back = liarsDialer.connect(new io.p2pkit.core.host.PeerInfo(s.connection().remotePeer(), List.of(a)));
            try (Stream b = liarsDialer.newStream(back, AutoNat.V2_DIAL_BACK)) {
                LengthPrefixed.write(b.out(), new V2Message.DialBack(req.nonce() + 1).encode());
                b.closeWrite();
                LengthPrefixed.read(b.in(), 1024);
            } catch (IOException e) {
                ackFailure.set(e); // the client reset the stream
            }
            LengthPrefixed.write(s.out(), new V2Message.DialResponse(ResponseStatus.OK, 0, DialStatus.OK).encode());
            s.closeWrite();
        });
        Node client = listeningClient();
        Node liarNode = new Node(liar, null);
        connect(client, liarNode);
        IOException e = assertThrows(IOException.class,
                () -> client.autonat().check(liar.peerId(), client.host().localAddresses()));
        assertTrue(e.getMessage().contains("no dial back with our nonce"), e.getMessage());
        assertTrue(ackFailure.get() != null, "the dial back with a foreign nonce was reset");
        assertEquals(List.of(), client.host().reachability().reachableAddresses());
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void malformedMessagesResetTheStreamOnly() throws Exception {
        Node server = server(c -> c);
        Node client = listeningClient();
        Connection c = connect(client, server);
        byte[] garbage = {(byte) 0xFF, 0x01, 0x02};
        for (String protocol : List.of(AutoNat.V1_PROTOCOL, AutoNat.V2_DIAL_REQUEST)) {
            // the server may reset before our close: any step after the write may be the one that fails
            try (Stream s = client.host().newStream(c, protocol)) {
                assertThrows(IOException.class, () -> {
                    LengthPrefixed.write(s.out(), garbage);
                    s.closeWrite();
                    LengthPrefixed.read(s.in(), 4096);
                }, protocol);
            }
            // an announced length over the cap
            try (Stream s = client.host().newStream(c, protocol)) {
                assertThrows(IOException.class, () -> {
                    s.out().write(new byte[]{(byte) 0x80, (byte) 0x80, 0x04});
                    s.out().flush();
                    LengthPrefixed.read(s.in(), 4096);
                }, protocol);
            }
        }
        // a dial-back stream with garbage, to the client
        try (Stream s = server.host().newStream(server.host().network().connection(client.id()).orElseThrow(),
                AutoNat.V2_DIAL_BACK)) {
            assertThrows(IOException.class, () -> {
                LengthPrefixed.write(s.out(), garbage);
                s.closeWrite();
                LengthPrefixed.read(s.in(), 1024);
            });
        }
        assertFalse(c.isClosed(), "only the streams were reset");
        assertEquals(Reachability.PUBLIC, client.autonat().probe(server.id()));
    }

    // ---------------------------------------------------------------- the service follows reachability

    @Test
    void theServiceStopsWhileTheNodeIsPrivate() throws Exception {
        Node server = server(c -> c);
        assertTrue(server.autonat().serving());
        server.host().reachability().set(Reachability.PRIVATE);
        assertFalse(server.autonat().serving());
        assertFalse(server.host().protocols().contains(AutoNat.V2_DIAL_REQUEST));
        server.host().reachability().set(Reachability.PUBLIC);
        assertTrue(server.host().protocols().contains(AutoNat.V1_PROTOCOL));
    }

    private static void awaitUntil(String what, java.util.function.BooleanSupplier condition) {
        io.p2pkit.testing.Await.until(what, condition, WAIT);
    }
}
