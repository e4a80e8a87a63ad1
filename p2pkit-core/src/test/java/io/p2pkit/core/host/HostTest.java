package io.p2pkit.core.host;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostTest {
    private static final String ECHO = "/test/echo/1.0.0";
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(String security, String muxer) throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0")
                .security(security.split(",")).muxers(muxer.split(",")).build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        hosts.add(h);
        return h;
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    @ParameterizedTest
    @CsvSource({"noise, yamux", "noise, mplex", "tls, yamux", "tls, mplex", "plaintext, yamux", "plaintext, mplex"})
    void connectsEchoesIdentifiesAndPings(String security, String muxer) throws Exception {
        Host a = host(security, muxer);
        Host b = host(security, muxer);

        byte[] data = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(data);
        try (Stream s = a.newStream(info(b), ECHO)) {
            assertEquals(ECHO, s.protocol());
            assertEquals(Direction.OUTBOUND, s.direction());
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(data, s.in().readAllBytes());
            Await.join(writer);
        }

        Connection c = a.network().connection(b.peerId()).orElseThrow();
        assertEquals(switch (security) { case "plaintext" -> "/plaintext/2.0.0"; case "tls" -> "/tls/1.0.0"; default -> "/noise"; }, c.security());
        assertTrue(c.muxer().contains(muxer), c.muxer());
        // Noise extensions and TLS ALPN carry the muxer list: no multistream round trip for the muxer.
        assertEquals(!security.equals("plaintext"), c.earlyMuxerNegotiation());

        IdentifyService identify = identify(a);
        IdentifyResult r = identify.awaitIdentified(c, Duration.ofSeconds(10));
        assertEquals(b.peerId(), r.peerId());
        assertTrue(r.protocols().contains(ECHO), r.protocols().toString());
        assertTrue(r.protocols().contains(PingService.PROTOCOL_ID));
        assertTrue(r.agentVersion().startsWith("p2pkit"), r.agentVersion());
        assertTrue(r.signedPeerRecord().isPresent());
        assertEquals(b.addresses(), r.listenAddrs());
        assertEquals(b.addresses(), a.peerStore().addresses(b.peerId()));
        assertTrue(a.peerStore().supports(b.peerId(), ECHO));
        assertEquals(r.agentVersion(), a.peerStore().agentVersion(b.peerId()).orElseThrow());
        assertTrue(r.observedAddr().isPresent());

        Duration rtt = ping(a).ping(info(b));
        assertFalse(rtt.isNegative());
    }

    @Test
    void streamEventsReportOpenAndCloseOnBothSides() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        java.util.concurrent.ConcurrentLinkedQueue<String> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
        io.p2pkit.core.network.ConnectionListener recorder = new io.p2pkit.core.network.ConnectionListener() {
            @Override
            public void streamOpened(Connection c, String protocol, Direction direction) {
                if (protocol.equals(ECHO)) {
                    events.add("open " + direction);
                }
            }

            @Override
            public void streamClosed(Connection c, String protocol, Direction direction) {
                if (protocol.equals(ECHO)) {
                    events.add("close " + direction);
                }
            }
        };
        a.addConnectionListener(recorder);
        b.addConnectionListener(recorder);
        try (Stream s = a.newStream(info(b), ECHO)) {
            s.out().write(7);
            s.closeWrite();
            assertEquals(7, s.in().read());
        }
        waitFor(() -> events.size() == 4, "four stream events, got " + events);
        assertEquals(List.of("close INBOUND", "close OUTBOUND", "open INBOUND", "open OUTBOUND"),
                events.stream().sorted().toList());
    }

    @Test
    void worksOverIpv6Loopback() throws Exception {
        Host a = Host.builder().listen("/ip6/::1/tcp/0").build();
        Host b = Host.builder().listen("/ip6/::1/tcp/0").build();
        hosts.add(a);
        hosts.add(b);
        b.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        assertTrue(b.addresses().getFirst().toString().startsWith("/ip6/::1/tcp/"), b.addresses().toString());
        try (Stream s = a.newStream(info(b), ECHO)) {
            s.out().write(new byte[]{1, 2, 3});
            s.closeWrite();
            assertArrayEquals(new byte[]{1, 2, 3}, s.in().readAllBytes());
            assertTrue(s.connection().remoteAddress().toString().startsWith("/ip6/::1/tcp/"));
        }
    }

    @Test
    void reusesTheConnectionAndMergesConcurrentDials() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Connection>> dials = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            dials.add(pool.submit((Callable<Connection>) () -> a.connect(info(b))));
        }
        Connection first = dials.get(0).get(10, TimeUnit.SECONDS);
        for (Future<Connection> f : dials) {
            assertSame(first, f.get(10, TimeUnit.SECONDS));
        }
        pool.close();
        assertEquals(1, a.network().connections(b.peerId()).size());
    }

    @Test
    void hundredConcurrentStreams() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        a.connect(info(b));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[64 * 1024];
                    new SplittableRandom(seed).nextBytes(data);
                    try (Stream s = a.newStream(b.peerId(), ECHO)) {
                        Thread w = Thread.ofVirtual().start(() -> {
                            try {
                                s.out().write(data);
                                s.closeWrite();
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        });
                        byte[] back = s.in().readAllBytes();
                        Await.join(w);
                        return MessageDigest.isEqual(data, back);
                    }
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(60, TimeUnit.SECONDS));
            }
        }
        waitFor(() -> a.network().resources().system().used(Resource.OUTBOUND_STREAMS) == 0, "streams released");
    }

    @Test
    void unknownProtocolFailsOnFirstRead() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        try (Stream s = a.newStream(info(b), "/nobody/speaks/this")) {
            s.out().write(1);
            s.out().flush();
            assertThrows(NegotiationException.class, () -> s.in().read());
        }
        // With several protocols, the negotiation happens up front and picks the supported one.
        try (Stream s = a.newStream(info(b), "/nobody/speaks/this", ECHO)) {
            assertEquals(ECHO, s.protocol());
        }
    }

    @Test
    void mismatchedSecurityFallsBackFromTheOptimisticProposal() throws Exception {
        Host a = host("noise,plaintext", "yamux");
        Host b = host("plaintext", "yamux");
        Connection c = a.connect(info(b));
        assertEquals("/plaintext/2.0.0", c.security());
    }

    @Test
    void dialFailureNamesEveryAddress() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        Multiaddr dead = Multiaddr.parse("/ip4/127.0.0.1/tcp/1");
        PeerInfo wrong = new PeerInfo(b.peerId(), List.of(dead));
        b.close();
        DialException e = assertThrows(DialException.class, () -> a.connect(wrong));
        assertTrue(e.causes().containsKey(dead), e.getMessage());
        assertTrue(e.getMessage().contains("/ip4/127.0.0.1/tcp/1"), e.getMessage());
    }

    @Test
    void wrongPeerIdIsRejected() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        Host c = host("noise", "yamux");
        // c's peer ID at b's address: the handshake proves b is not c.
        DialException e = assertThrows(DialException.class, () -> a.connect(new PeerInfo(c.peerId(), b.addresses())));
        assertTrue(e.getMessage().contains(c.peerId().toString()), e.getMessage());
    }

    @Test
    void identifyPushTellsConnectedPeersAboutNewProtocols() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        Connection c = a.connect(info(b));
        identify(a).awaitIdentified(c, Duration.ofSeconds(10));
        waitFor(() -> b.peerStore().supports(a.peerId(), IdentifyService.PUSH_PROTOCOL_ID), "b identified a");
        b.setStreamHandler("/test/new/1.0.0", s -> { });
        waitFor(() -> a.peerStore().supports(b.peerId(), "/test/new/1.0.0"), "push reached a");
    }

    @Test
    void closingAHostClosesConnectionsAndReleasesResources() throws Exception {
        Host a = host("noise", "yamux");
        Host b = host("noise", "yamux");
        a.connect(info(b));
        waitFor(() -> b.network().connections(a.peerId()).size() == 1, "b sees the connection");
        a.close();
        waitFor(() -> b.network().connections(a.peerId()).isEmpty(), "b notices the close");
        waitFor(() -> b.network().resources().system().usage().isEmpty(), "b released everything");
        // A stream handler still finishing on a's side releases its stream when it ends.
        waitFor(() -> a.network().resources().system().usage().isEmpty(), "a released everything");
        waitFor(() -> a.network().threadCount() == 0, "a's threads ended");
    }

    private static IdentifyService identify(Host h) {
        return h.service(IdentifyService.class).orElseThrow();
    }

    private static PingService ping(Host h) {
        return h.service(PingService.class).orElseThrow();
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // poll the condition, bounded by the deadline
        }
    }
}
