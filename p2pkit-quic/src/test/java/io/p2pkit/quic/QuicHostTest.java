package io.p2pkit.quic;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuicHostTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private final List<Host> hosts = new ArrayList<>();
    private final List<QuicTransport> transports = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    /** A host with TCP and QUIC (QUIC's transports kept to check they are released). */
    private Host host(String... listen) throws IOException {
        Host h = Host.builder().listen(listen).transport(key -> new TcpTransport()).transport(key -> {
            QuicTransport t = new QuicTransport(key);
            transports.add(t);
            return t;
        }).build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        hosts.add(h);
        return h;
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    private static byte[] echo(Host from, Host to, byte[] data) throws Exception {
        try (Stream s = from.newStream(info(to), ECHO)) {
            AtomicReference<Exception> failed = new AtomicReference<>();
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

    /** A listener on the IPv4 wildcard announces IPv4 addresses (it used to be a dual-stack socket announcing IPv6 ones). */
    @Test
    void theCertificateIsMadeOnTheFirstListenOrDialNotWithTheTransport() throws Exception {
        Host server = host();
        Host client = host();
        QuicTransport serverQuic = transports.get(0);
        QuicTransport clientQuic = transports.get(1);
        assertFalse(serverQuic.tlsMade() || clientQuic.tlsMade(), "a host that has not used QUIC made no certificate");
        server.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
        Await.until("the listener's certificate", serverQuic::tlsMade);
        assertFalse(clientQuic.tlsMade());
        assertArrayEquals(new byte[] {1, 2, 3}, echo(client, server, new byte[] {1, 2, 3}));
        assertTrue(clientQuic.tlsMade(), "made by the dial");
    }

    @Test
    void theIpv4WildcardAnnouncesIpv4Addresses() throws Exception {
        Host h = host("/ip4/0.0.0.0/udp/0/quic-v1");
        assertFalse(h.addresses().isEmpty());
        for (var a : h.addresses()) {
            assertTrue(a.toString().startsWith("/ip4/") && a.toString().endsWith("/quic-v1"), h.addresses().toString());
        }
    }

    @Test
    void theIpv6WildcardSharesThePortOfTheIpv4One() throws Exception {
        io.p2pkit.testing.Prerequisites.require(QuicTransport.separatesIpFamilies(QuicConfig.defaults()),
                "epoll (Linux), for IPv6-only sockets");
        Host h = host("/ip4/0.0.0.0/udp/0/quic-v1");
        String port = h.addresses().get(0).toString().split("/")[4];
        Multiaddr v6 = h.listen(Multiaddr.parse("/ip6/::/udp/" + port + "/quic-v1"));
        assertTrue(v6.toString().startsWith("/ip6/::/udp/" + port), v6.toString());
        byte[] data = new byte[64 * 1024];
        new SplittableRandom(2).nextBytes(data);
        for (String ip : List.of("/ip4/127.0.0.1", "/ip6/::1")) {
            Host dialer = host();
            PeerInfo to = new PeerInfo(h.peerId(), List.of(Multiaddr.parse(ip + "/udp/" + port + "/quic-v1")));
            try (Stream s = dialer.newStream(to, ECHO)) {
                s.out().write(data);
                s.closeWrite();
                assertArrayEquals(data, s.in().readAllBytes(), "echo over " + ip);
                assertTrue(s.connection().remoteAddress().toString().startsWith(ip), s.connection().remoteAddress().toString());
            }
        }
    }

    @Test
    void connectsEchoesIdentifiesAndPingsOverQuic() throws Exception {
        Host a = host("/ip4/127.0.0.1/udp/0/quic-v1");
        Host b = host("/ip4/127.0.0.1/udp/0/quic-v1");
        assertTrue(b.addresses().get(0).toString().endsWith("/quic-v1"), b.addresses().toString());

        byte[] data = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(data);
        assertArrayEquals(data, echo(a, b, data));

        Connection c = a.network().connection(b.peerId()).orElseThrow();
        assertEquals("/quic-v1", c.security());
        assertEquals("/quic-v1", c.muxer());
        // dialed from the listening socket: port reuse
        assertEquals(a.addresses().get(0), c.localAddress());

        IdentifyResult r = a.service(IdentifyService.class).orElseThrow().awaitIdentified(c, Duration.ofSeconds(10));
        assertEquals(b.peerId(), r.peerId());
        assertTrue(r.protocols().contains(ECHO), r.protocols().toString());
        assertTrue(r.observedAddr().isPresent());
        assertFalse(a.service(PingService.class).orElseThrow().ping(info(b)).isNegative());
    }

    /**
     * 100 echo streams at once on one connection between two p2pkit nodes. This used to leave some
     * readers waiting forever: the echoing side's FIN, written after its data, was dropped by
     * quiche (cloudflare/quiche#2525; see {@code QuicStream.sendFinIfRoom}).
     */
    @Test
    void hundredConcurrentStreams() throws Exception {
        Host a = host("/ip4/127.0.0.1/udp/0/quic-v1");
        Host b = host("/ip4/127.0.0.1/udp/0/quic-v1");
        a.connect(info(b));
        int n = 100;
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            int seed = i;
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] data = new byte[1000 + seed * 97];
                    new SplittableRandom(seed).nextBytes(data);
                    assertArrayEquals(data, echo(a, b, data));
                } catch (Throwable t) {
                    failed.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), done.getCount() + " of " + n + " streams did not finish");
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(1, a.network().connections(b.peerId()).size());
    }

    private Host tcpAndQuicHost() throws IOException {
        return host("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1");
    }

    /** Records the order in which dials start; the TCP dials wait until the QUIC dial has finished. */
    private static final class DialOrder {
        final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch quicDone = new CountDownLatch(1);

        Transport quic(QuicTransport inner) {
            return new Recording(inner, "quic", true);
        }

        Transport tcp(Transport inner) {
            return new Recording(inner, "tcp", false);
        }

        private final class Recording implements Transport {
            private final Transport inner;
            private final String name;
            private final boolean isQuic;

            Recording(Transport inner, String name, boolean isQuic) {
                this.inner = inner;
                this.name = name;
                this.isQuic = isQuic;
            }

            @Override
            public boolean canDial(Multiaddr address) {
                return inner.canDial(address);
            }

            @Override
            public boolean canListen(Multiaddr address) {
                return inner.canListen(address);
            }

            @Override
            public TransportConnection dial(Multiaddr address, Duration timeout) throws IOException {
                return dial(address, null, timeout);
            }

            @Override
            public TransportConnection dial(Multiaddr address, PeerId expected, Duration timeout) throws IOException {
                started.add(name);
                if (!isQuic) {
                    try {
                        // a slow TCP path: the ranking, not a race, must decide
                        quicDone.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
                try {
                    return inner.dial(address, expected, timeout);
                } finally {
                    if (isQuic) {
                        quicDone.countDown();
                    }
                }
            }

            @Override
            public Listener listen(Multiaddr address) throws IOException {
                return inner.listen(address);
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        }
    }

    @Test
    void aNodeWithTcpAndQuicDialsQuicFirst() throws Exception {
        Host b = tcpAndQuicHost();
        DialOrder order = new DialOrder();
        Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1")
                .transport(key -> order.tcp(new TcpTransport()))
                .transport(key -> order.quic(new QuicTransport(key))).build();
        hosts.add(a);
        assertEquals(2, b.addresses().size(), b.addresses().toString());
        // TCP listed first: the ranking, not the order of the addresses, decides
        List<Multiaddr> tcpFirst = new ArrayList<>(b.addresses());
        tcpFirst.sort((x, y) -> Boolean.compare(x.toString().contains("/udp/"), y.toString().contains("/udp/")));
        a.connect(new PeerInfo(b.peerId(), tcpFirst));
        assertEquals("quic", order.started.get(0), order.started.toString());
        Connection c = a.network().connection(b.peerId()).orElseThrow();
        assertEquals("/quic-v1", c.muxer());
        assertTrue(c.remoteAddress().toString().endsWith("/quic-v1"), c.remoteAddress().toString());
        assertArrayEquals(new byte[] {9}, echo(a, b, new byte[] {9}));
    }

    @Test
    void aNodeFallsBackToTcpWhenQuicDoesNotAnswer() throws Exception {
        Host a = tcpAndQuicHost();
        Host b = tcpAndQuicHost();
        Multiaddr tcp = b.addresses().stream().filter(x -> x.toString().contains("/tcp/")).findFirst().orElseThrow();
        // a UDP port with no QUIC listener behind it (bound and silent, so nothing else answers either)
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Multiaddr deadQuic = Multiaddr.parse("/ip4/127.0.0.1/udp/" + silent.getLocalPort() + "/quic-v1");
            a.connect(new PeerInfo(b.peerId(), List.of(deadQuic, tcp)));
            Connection c = a.network().connection(b.peerId()).orElseThrow();
            assertTrue(c.remoteAddress().toString().contains("/tcp/"), c.remoteAddress().toString());
            assertFalse("/quic-v1".equals(c.muxer()), c.muxer());
            assertArrayEquals(new byte[] {8}, echo(a, b, new byte[] {8}));
        }
    }

    @Test
    void dialingTheWrongPeerFailsInTheHandshake() throws Exception {
        Host a = host("/ip4/127.0.0.1/udp/0/quic-v1");
        Host b = host("/ip4/127.0.0.1/udp/0/quic-v1");
        PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
        DialException e = assertThrows(DialException.class, () -> a.connect(new PeerInfo(other, b.addresses())));
        Throwable cause = e.causes().values().iterator().next();
        assertInstanceOf(PeerIdMismatchException.class, cause, String.valueOf(cause));
        assertTrue(cause.getMessage().contains(other.toString()), cause.getMessage());
        assertTrue(a.network().connections().isEmpty());
    }

    @Test
    void closingReleasesSocketsConnectionsAndMemory() throws Exception {
        Host a = host("/ip4/127.0.0.1/udp/0/quic-v1");
        Host b = host("/ip4/127.0.0.1/udp/0/quic-v1");
        assertArrayEquals(new byte[] {1, 2, 3}, echo(a, b, new byte[] {1, 2, 3}));
        // dial-only host: uses the shared ephemeral socket
        Host c = Host.builder().transport(key -> new TcpTransport()).transport(key -> {
            QuicTransport t = new QuicTransport(key);
            transports.add(t);
            return t;
        }).build();
        hosts.add(c);
        assertArrayEquals(new byte[] {4}, echo(c, b, new byte[] {4}));
        for (Host h : hosts) {
            h.close();
        }
        for (QuicTransport t : transports) {
            assertTrue(t.isTerminated(), t.toString());
            assertEquals(0, t.socketCount(), t.toString());
            assertEquals(0, t.connectionCount(), t.toString());
            assertEquals(0, t.directMemoryInUse(), t.toString());
        }
    }

    @Test
    void quicAddressesAreRecognised() {
        QuicTransport t = new QuicTransport(PrivateKey.generateEd25519());
        try {
            assertTrue(t.canDial(Multiaddr.parse("/ip4/1.2.3.4/udp/4001/quic-v1")));
            assertTrue(t.canDial(Multiaddr.parse("/ip6/::1/udp/4001/quic-v1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")));
            assertFalse(t.canDial(Multiaddr.parse("/ip4/1.2.3.4/udp/4001/quic")));
            assertFalse(t.canDial(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001")));
            assertFalse(t.canListen(Multiaddr.parse("/ip4/1.2.3.4/udp/4001/quic-v1/webtransport")));
        } finally {
            t.close();
        }
        assertTrue(t.isTerminated());
    }
}
