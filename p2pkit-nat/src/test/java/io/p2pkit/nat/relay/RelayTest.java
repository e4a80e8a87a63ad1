package io.p2pkit.nat.relay;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.nat.LoopbackHosts;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.network.LimitedConnectionException;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Circuit relay v2 between p2pkit hosts over TCP on loopback: a relay R, a listener A, a dialer B. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RelayTest {
    static final String ECHO = "/p2pkit/echo/1.0.0";

    private final LoopbackHosts hosts = new LoopbackHosts();

    @AfterEach
    void closeHosts() {
        hosts.close();
    }

    private Host host() throws IOException {
        return hosts.host();
    }

    private Host relay(RelayConfig config) throws IOException {
        return hosts.relay(config);
    }

    private Host client() throws IOException {
        Host h = host();
        RelayClient.attach(h);
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()), LimitedConnections.ALLOW);
        return h;
    }

    /** {@code <relay address>/p2p/<relay>/p2p-circuit}. */
    static Multiaddr circuit(Host relay) {
        return relay.addresses().get(0).encapsulate("/p2p/" + relay.peerId()).encapsulate("/p2p-circuit");
    }

    static Multiaddr circuitTo(Host relay, Host target) {
        return circuit(relay).encapsulate("/p2p/" + target.peerId());
    }

    static byte[] echo(Host from, Connection c, byte[] data) throws IOException {
        try (Stream s = from.newStream(c, LimitedConnections.ALLOW, ECHO)) {
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            });
            byte[] back = s.in().readAllBytes();
            try {
                Await.join(writer);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (writeFailure.get() != null) {
                throw writeFailure.get();
            }
            return back;
        }
    }

    /**
     * A dialer preferring TLS reaches a Noise-only listener through the relay: its lazy TLS proposal
     * is refused and it redials through the relay proposing normally. (A refusal lost to a reset of
     * the relayed stream, as go-libp2p's listener caused in the NAT testbed, is covered by
     * {@code PluggableStackTest}.)
     */
    @Test
    void aDialerPreferringTlsReachesANoiseOnlyListenerThroughTheRelay() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = hosts.add(Host.builder().listen("/ip4/127.0.0.1/tcp/0").security("noise").build());
        RelayClient.attach(a);
        a.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()), LimitedConnections.ALLOW);
        Host b = hosts.add(Host.builder().listen("/ip4/127.0.0.1/tcp/0").security("tls", "noise").build());
        RelayClient.attach(b);
        a.listen(circuit(r));
        for (int i = 0; i < 5; i++) {
            Connection c = b.connect(circuitTo(r, a));
            assertEquals("/noise", c.security());
            assertArrayEquals(new byte[] {1, 2, 3}, echo(b, c, new byte[] {1, 2, 3}));
            c.close();
            Await.until("the relayed connection closed on both ends", () -> a.network().connections(b.peerId()).isEmpty()
                    && b.network().connections(a.peerId()).isEmpty());
        }
    }

    @Test
    void reservesConnectsAndRelaysBothWays() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        RelayClient ac = a.service(RelayClient.class).orElseThrow();
        Reservation rsvp = ac.reservation(r.peerId()).orElseThrow();
        assertTrue(rsvp.voucher().isPresent(), "the p2pkit relay signs a voucher");
        assertEquals(a.peerId(), rsvp.voucher().get().peer());
        assertEquals(Optional.of(RelayConfig.DEFAULT_LIMIT), rsvp.limit());
        assertTrue(a.addresses().contains(circuit(r)), "the relayed address is announced: " + a.addresses());

        Connection c = b.connect(circuitTo(r, a));
        assertTrue(c.isLimited());
        assertEquals(Optional.of(RelayConfig.DEFAULT_LIMIT), c.limit());
        assertTrue(c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT));
        assertEquals("/noise", c.security(), "secured end to end over the relayed stream");
        byte[] data = new byte[20_000];
        new Random(1).nextBytes(data);
        assertArrayEquals(data, echo(b, c, data));
        Await.until("A sees the relayed connection", () -> a.network().connections(b.peerId()).stream()
                .anyMatch(Connection::isLimited));
        Connection back = a.network().connections(b.peerId()).get(0);
        assertArrayEquals(data, echo(a, back, data), "and the other way");
        // ping and identify run on limited connections, as in go-libp2p
        assertTrue(a.service(PingService.class).orElseThrow().session(back).ping().toNanos() > 0);
    }

    @Test
    void protocolsThatDoNotOptInStayOffLimitedConnections() throws Exception {
        Host r = relay(RelayConfig.defaults());
        // A listens only through the relay: B learns no direct address of it
        Host a = Host.builder().build();
        hosts.add(a);
        RelayClient.attach(a);
        a.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()), LimitedConnections.ALLOW);
        a.setStreamHandler("/direct-only", s -> s.in().transferTo(s.out()));
        a.listen(circuit(r));
        Host b = client();
        Connection c = b.connect(circuitTo(r, a));
        assertThrows(LimitedConnectionException.class, () -> b.newStream(c, ECHO));
        // the handler side refuses it as an unsupported protocol
        try (Stream s = b.newStream(c, LimitedConnections.ALLOW, "/direct-only")) {
            s.out().write(1);
            s.out().flush();
            assertThrows(IOException.class, () -> s.in().read());
        }
        // by peer ID: there is only the limited connection, and no direct address to dial
        assertThrows(LimitedConnectionException.class, () -> b.newStream(a.peerId(), ECHO));
        try (Stream s = b.newStream(a.peerId(), LimitedConnections.ALLOW, ECHO)) {
            assertTrue(s.connection().isLimited());
        }
    }

    @Test
    void aDirectConnectionIsPreferredToALimitedOne() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        Connection relayed = b.connect(circuitTo(r, a));
        assertTrue(relayed.isLimited());
        // identify over the relayed connection told B A's direct addresses: a stream that needs a
        // direct connection dials one
        Await.until("identify told B A's direct address", () -> b.peerStore().addresses(a.peerId()).stream()
                .anyMatch(x -> !x.hasProtocol(Protocol.P2P_CIRCUIT)));
        try (Stream s = b.newStream(a.peerId(), ECHO)) {
            assertFalse(s.connection().isLimited());
        }
        assertFalse(b.network().connection(a.peerId()).orElseThrow().isLimited(), "direct before limited");
        assertFalse(b.connect(a.peerId()).isLimited());
    }

    @Test
    void noReservationIsRefused() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = client();
        Host b = client();
        a.connect(PeerInfo.fromMultiaddr(r.addresses().get(0).encapsulate("/p2p/" + r.peerId())));
        DialException e = assertThrows(DialException.class, () -> b.connect(circuitTo(r, a)));
        assertEquals(Optional.of(Status.NO_RESERVATION), relayStatus(e));
    }

    static Optional<Status> relayStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RelayException re) {
                return re.status();
            }
            if (t instanceof DialException de) {
                for (Throwable f : de.causes().values()) {
                    Optional<Status> s = relayStatus(f);
                    if (s.isPresent()) {
                        return s;
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void dataLimitClosesTheRelayedConnection() throws Exception {
        RelayService service;
        Host r = host();
        service = RelayService.attach(r, RelayConfig.defaults());
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        Connection c = b.connect(circuitTo(r, a));
        byte[] small = new byte[32 * 1024];
        assertArrayEquals(small, echo(b, c, small), "well under the 128 KiB limit");
        byte[] big = new byte[200 * 1024];
        assertThrows(IOException.class, () -> echo(b, c, big));
        Await.until("the relayed connection closed", c::isClosed);
        Await.until("the relay forgot the circuit", () -> service.circuitCount() == 0);
        // a new relayed connection works again
        Connection again = b.connect(circuitTo(r, a));
        assertArrayEquals(small, echo(b, again, small));
    }

    @Test
    void durationLimitClosesTheRelayedConnection() throws Exception {
        Host r = relay(RelayConfig.defaults().withLimit(Optional.of(new ConnectionLimit(Duration.ofSeconds(1), 0))));
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        Connection c = b.connect(circuitTo(r, a));
        assertEquals(Optional.of(new ConnectionLimit(Duration.ofSeconds(1), 0)), c.limit());
        Await.until("the relay closed the connection at its duration limit", c::isClosed);
    }

    @Test
    void unlimitedRelayingMakesNoLimitedConnection() throws Exception {
        Host r = relay(RelayConfig.defaults().withLimit(Optional.empty()));
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        Connection c = b.connect(circuitTo(r, a));
        assertFalse(c.isLimited());
        try (Stream s = b.newStream(c, ECHO)) {
            s.out().write(7);
            s.closeWrite();
            assertEquals(7, s.in().read());
        }
    }

    @Test
    void reservationsAreRenewedBeforeTheyExpire() throws Exception {
        RelayService service;
        Host r = host();
        // whole-second expiry: a 4 s TTL leaves 3 to 4 s, renewed at 3/4, so at least 0.75 s to spare
        // under load (2 s left as little as 0.25 s, and a loaded CI machine once let it lapse)
        service = RelayService.attach(r, RelayConfig.defaults().withReservationTtl(Duration.ofSeconds(4)));
        Host a = client();
        a.listen(circuit(r));
        Await.until("renewed twice", () -> service.reservationsAccepted() >= 3);
        assertTrue(service.hasReservation(a.peerId()));
        assertFalse(a.addresses().stream().filter(x -> x.hasProtocol(Protocol.P2P_CIRCUIT)).toList().isEmpty());
    }

    /** A wall clock tests move by hand. */
    static final class MovableClock implements InstantSource {
        private volatile Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void expiredReservationsAreDropped() throws Exception {
        MovableClock relayClock = new MovableClock();
        Host r = host();
        RelayService service = RelayService.attach(r, RelayConfig.defaults().withClock(relayClock));
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        assertTrue(service.hasReservation(a.peerId()));
        relayClock.advance(Duration.ofHours(2));
        assertFalse(service.hasReservation(a.peerId()));
        service.dropExpired();
        assertEquals(0, service.reservationCount());
        DialException e = assertThrows(DialException.class, () -> b.connect(circuitTo(r, a)));
        assertEquals(Optional.of(Status.NO_RESERVATION), relayStatus(e));
    }

    @Test
    void theClientStopsAnnouncingAnExpiredReservation() throws Exception {
        MovableClock clientClock = new MovableClock();
        Host r = relay(RelayConfig.defaults());
        Host a = host();
        RelayClient ac = RelayClient.attach(a, clientClock);
        a.listen(circuit(r));
        assertTrue(a.addresses().contains(circuit(r)));
        clientClock.advance(Duration.ofHours(2));
        assertTrue(ac.reservations().isEmpty());
        assertFalse(a.addresses().contains(circuit(r)));
    }

    @Test
    void aReservationEndsWhenItsPeerDisconnects() throws Exception {
        Host r = host();
        RelayService service = RelayService.attach(r, RelayConfig.defaults());
        Host a = client();
        a.listen(circuit(r));
        assertTrue(service.hasReservation(a.peerId()));
        a.close();
        Await.until("the reservation is dropped", () -> !service.hasReservation(a.peerId()));
    }

    @Test
    void aRefusingRelayFailsTheListen() throws Exception {
        Host r = relay(RelayConfig.defaults().withAcl(new RelayAcl() {
            @Override
            public boolean allowReserve(PeerId peer, Multiaddr address) {
                return false;
            }

            @Override
            public boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target) {
                return false;
            }
        }));
        Host a = client();
        RelayException e = assertThrows(RelayException.class, () -> a.listen(circuit(r)));
        assertEquals(Optional.of(Status.PERMISSION_DENIED), e.status());
        assertTrue(a.addresses().stream().noneMatch(x -> x.hasProtocol(Protocol.P2P_CIRCUIT)));
    }

    @Test
    void theAclCanRefuseConnections() throws Exception {
        Host r = relay(RelayConfig.defaults().withAcl(new RelayAcl() {
            @Override
            public boolean allowReserve(PeerId peer, Multiaddr address) {
                return true;
            }

            @Override
            public boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target) {
                return false;
            }
        }));
        Host a = client();
        Host b = client();
        a.listen(circuit(r));
        DialException e = assertThrows(DialException.class, () -> b.connect(circuitTo(r, a)));
        assertEquals(Optional.of(Status.PERMISSION_DENIED), relayStatus(e));
    }

    @Test
    void aReservationFloodIsLimited() throws Exception {
        RelayService service;
        Host r = host();
        service = RelayService.attach(r, RelayConfig.defaults().withMaxReservations(128, 4));
        PeerInfo relay = PeerInfo.fromMultiaddr(r.addresses().get(0).encapsulate("/p2p/" + r.peerId()));
        List<Host> flood = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Host h = client();
            flood.add(h);
            h.service(RelayClient.class).orElseThrow().reserve(relay);
        }
        // all from 127.0.0.1: the fifth peer is refused, renewals of the others are not
        Host fifth = client();
        RelayException e = assertThrows(RelayException.class,
                () -> fifth.service(RelayClient.class).orElseThrow().reserve(relay));
        assertEquals(Optional.of(Status.RESERVATION_REFUSED), e.status());
        for (int i = 0; i < 3; i++) {
            flood.get(0).service(RelayClient.class).orElseThrow().reserve(relay);
        }
        assertEquals(4, service.reservationCount());
    }

    @Test
    void malformedMessagesResetOnlyTheirStream() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = client();
        a.listen(circuit(r));
        Connection toRelay = a.network().connection(r.peerId()).orElseThrow();
        // garbage, an unknown type, and a message over the 4 KiB cap
        for (byte[] bad : List.of(new byte[] {(byte) 0xFF, 0x01}, new byte[] {0x08, 0x07}, new byte[5000])) {
            try (Stream s = a.newStream(toRelay, RelayService.HOP_PROTOCOL)) {
                LengthPrefixed.write(s.out(), bad);
                s.closeWrite();
                byte[] answer = LengthPrefixed.read(s.in(), 4096);
                if (answer != null) {
                    assertEquals(Status.MALFORMED_MESSAGE.code(), HopMessage.decode(answer).status());
                }
            } catch (IOException e) {
                // an oversized frame may be cut short by the relay's close: fine, the stream only
                assertFalse(toRelay.isClosed());
            }
        }
        assertFalse(toRelay.isClosed());
        // the relay's STOP side: the client answers a malformed STOP and keeps the connection
        Connection toA = r.network().connection(a.peerId()).orElseThrow();
        try (Stream s = r.newStream(toA, RelayService.STOP_PROTOCOL)) {
            LengthPrefixed.write(s.out(), new byte[] {0x12, 0x03, 0x0A, 0x01});
            s.closeWrite();
            assertEquals(Status.MALFORMED_MESSAGE.code(), StopMessage.decode(LengthPrefixed.read(s.in(), 4096)).status());
        }
        try (Stream s = r.newStream(toA, RelayService.STOP_PROTOCOL)) {
            RelayWire.write(s.out(), StopMessage.status(Status.OK));
            assertEquals(Status.UNEXPECTED_MESSAGE.code(), RelayWire.readStop(s.in()).status());
        }
        assertFalse(toA.isClosed());
        assertTrue(a.service(PingService.class).orElseThrow().session(toRelay).ping().toNanos() > 0);
    }

    @Test
    void aStopFromARelayNotListenedThroughIsRefused() throws Exception {
        Host fake = host();
        Host a = client();
        Connection c = fake.connect(PeerInfo.fromMultiaddr(a.addresses().get(0).encapsulate("/p2p/" + a.peerId())));
        try (Stream s = fake.newStream(c, RelayService.STOP_PROTOCOL)) {
            RelayWire.write(s.out(), StopMessage.connect(PeerMessage.of(fake.peerId()), null));
            assertEquals(Status.PERMISSION_DENIED.code(), RelayWire.readStop(s.in()).status());
        }
    }

    // ------------------------------------------------------------------ relays that lie

    /** A relay that answers every RESERVE with {@code answer}. */
    private Host fakeRelay(java.util.function.Function<Host, HopMessage> answer) throws IOException {
        Host fake = host();
        fake.setStreamHandler(RelayService.HOP_PROTOCOL, s -> {
            RelayWire.readHop(s.in());
            RelayWire.write(s.out(), answer.apply(fake));
        });
        return fake;
    }

    private static long inAnHour() {
        return Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    }

    @Test
    void aVoucherSignedByAnotherKeyIsRejected() throws Exception {
        Host a = client();
        Host fake = fakeRelay(f -> HopMessage.status(Status.OK, new ReservationMessage(inAnHour(), List.of(),
                new ReservationVoucher(f.peerId(), a.peerId(), Instant.ofEpochSecond(inAnHour()))
                        .seal(PrivateKey.generateEd25519())), null));
        RelayException e = assertThrows(RelayException.class, () -> a.listen(circuit(fake)));
        assertEquals(Optional.of(Status.MALFORMED_MESSAGE), e.status());
        assertTrue(a.service(RelayClient.class).orElseThrow().reservations().isEmpty());
    }

    @Test
    void aVoucherForAnotherPeerIsRejected() throws Exception {
        Host a = client();
        PeerId someoneElse = PrivateKey.generateEd25519().publicKey().toPeerId();
        Host fake = fakeRelay(f -> HopMessage.status(Status.OK, new ReservationMessage(inAnHour(), List.of(),
                new ReservationVoucher(f.peerId(), someoneElse, Instant.ofEpochSecond(inAnHour())).seal(f.identity())),
                null));
        RelayException e = assertThrows(RelayException.class, () -> a.listen(circuit(fake)));
        assertTrue(e.getMessage().contains("not us"), e.getMessage());
    }

    @Test
    void aVoucherWithATamperedSignatureIsRejected() throws Exception {
        Host a = client();
        Host fake = fakeRelay(f -> {
            byte[] v = new ReservationVoucher(f.peerId(), a.peerId(), Instant.ofEpochSecond(inAnHour())).seal(f.identity());
            v[v.length - 1] ^= 1;
            return HopMessage.status(Status.OK, new ReservationMessage(inAnHour(), List.of(), v), null);
        });
        assertThrows(RelayException.class, () -> a.listen(circuit(fake)));
    }

    @Test
    void aReservationWithoutVoucherOrAddressesIsAccepted() throws Exception {
        Host a = client();
        Host fake = fakeRelay(f -> HopMessage.status(Status.OK, new ReservationMessage(inAnHour(), List.of(), null), null));
        a.listen(circuit(fake));
        Reservation r = a.service(RelayClient.class).orElseThrow().reservation(fake.peerId()).orElseThrow();
        assertTrue(r.voucher().isEmpty());
        assertTrue(r.limit().isEmpty());
        // the address we reached the relay at stands in for the missing ones
        assertEquals(List.of(circuit(fake)), r.relayedAddresses());
    }

    @Test
    void aReservationThatExpiredAlreadyIsRejected() throws Exception {
        Host a = client();
        Host fake = fakeRelay(f -> HopMessage.status(Status.OK,
                new ReservationMessage(Instant.now().minusSeconds(10).getEpochSecond(), List.of(), null), null));
        assertThrows(RelayException.class, () -> a.listen(circuit(fake)));
    }

    @Test
    void voucherRoundTrip() {
        PrivateKey key = PrivateKey.generateEd25519();
        ReservationVoucher v = new ReservationVoucher(key.publicKey().toPeerId(),
                PrivateKey.generateEd25519().publicKey().toPeerId(), Instant.ofEpochSecond(1_700_000_000));
        assertEquals(v, ReservationVoucher.open(v.seal(key)));
        assertTrue(Arrays.equals(new byte[] {0x03, 0x02}, ReservationVoucher.payloadType()));
        assertInstanceOf(io.p2pkit.core.DecodeException.class,
                assertThrows(RuntimeException.class, () -> ReservationVoucher.open(new byte[] {1, 2, 3})));
    }
}
