package io.p2pkit.core.transport.memory;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void listensOnAFreshNumberAndConnects() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryTransport server = network.transport();
        MemoryTransport client = network.transport();
        try (Listener listener = server.listen(Multiaddr.parse("/memory/0"));
             Listener clientListener = client.listen(Multiaddr.parse("/memory/0"))) {
            assertNotEquals(Multiaddr.parse("/memory/0"), listener.address());
            assertTrue(client.canDial(listener.address().encapsulate("/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")));
            assertFalse(client.canDial(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));

            try (ByteStreamConnection dialed = client.dial(listener.address(), TIMEOUT);
                 ByteStreamConnection accepted = (ByteStreamConnection) listener.accept()) {
                // the dialer leaves from its own listening address, so the other side can dial back
                assertEquals(clientListener.address(), dialed.localAddress());
                assertEquals(clientListener.address(), accepted.remoteAddress());
                assertEquals(listener.address(), dialed.remoteAddress());

                byte[] data = new byte[200_000];
                new SplittableRandom(7).nextBytes(data);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        dialed.out().write(data);
                        dialed.closeWrite();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertArrayEquals(data, accepted.in().readAllBytes());
                Await.join(writer);
            }
        }
        assertEquals(0, network.listenerCount());
    }

    @Test
    void refusesDialsToNobodyAndTakenNumbers() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryTransport t = network.transport();
        ConnectException refused = assertThrows(ConnectException.class,
                () -> t.dial(Multiaddr.parse("/memory/424242"), TIMEOUT));
        assertTrue(refused.getMessage().contains("/memory/424242"), refused.getMessage());
        try (Listener l = t.listen(Multiaddr.parse("/memory/99"))) {
            assertEquals(Multiaddr.parse("/memory/99"), l.address());
            IOException inUse = assertThrows(IOException.class,
                    () -> network.transport().listen(Multiaddr.parse("/memory/99")));
            assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
        }
        // closed listeners free their number and refuse dials
        assertThrows(ConnectException.class, () -> t.dial(Multiaddr.parse("/memory/99"), TIMEOUT));
    }

    @Test
    void closingTheListenerWakesAcceptAndClosesUnacceptedConnections() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryTransport t = network.transport();
        Listener listener = t.listen(Multiaddr.parse("/memory/0"));
        TransportConnection pending = network.transport().dial(listener.address(), TIMEOUT);
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                listener.accept().close();
                listener.accept();
            } catch (IOException expected) {
                return;
            }
            throw new AssertionError("accept after close returned");
        });
        listener.close();
        acceptor.join(TIMEOUT);
        assertFalse(acceptor.isAlive());
        pending.close();
    }

    @Test
    void latencyHoldsBytesBackAndTimesOutSlowConnects() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        MemoryTransport server = network.transport();
        try (Listener listener = server.listen(Multiaddr.parse("/memory/0"))) {
            // a link slower than the dial timeout cannot be connected
            network.latency((from, to) -> Duration.ofHours(1));
            assertThrows(SocketTimeoutException.class,
                    () -> network.transport().dial(listener.address(), Duration.ofMillis(1)));

            MemoryConnection.Pair slow = MemoryConnection.pair(1024, Duration.ofHours(1));
            slow.initiator().out().write(new byte[10]);
            assertEquals(0, slow.responder().in().available(), "bytes arrived before the link's delay");
            slow.closeBoth();

            MemoryConnection.Pair quick = MemoryConnection.pair(1024, Duration.ofNanos(1));
            quick.initiator().out().write(new byte[] {1, 2, 3});
            quick.initiator().closeWrite();
            assertArrayEquals(new byte[] {1, 2, 3}, quick.responder().in().readAllBytes());
            quick.closeBoth();
        }
    }

    @Test
    void hostsPingAndEchoOverTheMemoryTransport() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        network.latency((from, to) -> Duration.ofMillis(1));
        try (Host a = Host.builder().transport(key -> network.transport()).listen("/memory/0").build();
             Host b = Host.builder().transport(key -> network.transport()).listen("/memory/0").build()) {
            b.setStreamHandler("/test/echo/1.0.0", s -> s.in().transferTo(s.out()));
            PeerInfo target = new PeerInfo(b.peerId(), b.addresses());
            try (Stream s = a.newStream(target, "/test/echo/1.0.0")) {
                s.out().write("hello".getBytes());
                s.closeWrite();
                assertArrayEquals("hello".getBytes(), s.in().readAllBytes());
            }
            assertFalse(a.service(PingService.class).orElseThrow().ping(target).isNegative());
            assertTrue(a.service(IdentifyService.class).isPresent());
        }
    }
}
