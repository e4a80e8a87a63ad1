package io.p2pkit.node;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.HolePuncher;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.core.transport.tcp.TcpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class LazyTransportTest {
    private static final Multiaddr TCP = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");

    @Test
    void isMadeOnFirstListenOnlyAndOnce() throws Exception {
        AtomicInteger made = new AtomicInteger();
        LazyTransport t = new LazyTransport(PrivateKey.generateEd25519(), key -> {
            made.incrementAndGet();
            return new TcpTransport();
        }, a -> a.toString().contains("/tcp/"), a -> a.toString().contains("/tcp/"));
        assertTrue(t.canListen(TCP));
        assertFalse(t.canDial(Multiaddr.parse("/ip4/127.0.0.1/udp/1/quic-v1")));
        assertFalse(t.supportsPrivateNetwork());
        assertEquals(0, made.get(), "answering which addresses it takes makes nothing");
        try (Listener a = t.listen(TCP); Listener b = t.listen(TCP)) {
            assertTrue(a.address().toString().startsWith("/ip4/127.0.0.1/tcp/"));
            assertTrue(b.address().toString().startsWith("/ip4/127.0.0.1/tcp/"));
        }
        assertEquals(1, made.get());
        t.close();
        assertThrows(IOException.class, () -> t.listen(TCP));
    }

    @Test
    void closedBeforeUseMakesNothing() throws Exception {
        AtomicInteger made = new AtomicInteger();
        LazyTransport t = new LazyTransport(PrivateKey.generateEd25519(), key -> {
            made.incrementAndGet();
            return new TcpTransport();
        }, a -> true, a -> true);
        t.close();
        assertThrows(IOException.class, () -> t.dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"), java.time.Duration.ofSeconds(1)));
        assertEquals(0, made.get());
    }

    @Test
    void punchesOnlyOnceMadeAndThroughTheTransport() throws Exception {
        Multiaddr peer = Multiaddr.parse("/ip4/127.0.0.1/udp/9/quic-v1");
        List<Multiaddr> punched = new ArrayList<>();
        LazyTransport t = new LazyTransport(PrivateKey.generateEd25519(), key -> new Punching(punched),
                a -> true, a -> true);
        assertFalse(t.canPunch(peer), "nothing listens before the transport is made");
        assertThrows(IOException.class, () -> t.punch(peer));
        t.listen(TCP);
        assertTrue(t.canPunch(peer));
        t.punch(peer);
        assertEquals(List.of(peer), punched);
        t.close();
    }

    @Test
    void aTransportThatCannotPunchNeverDoes() throws Exception {
        LazyTransport t = new LazyTransport(PrivateKey.generateEd25519(), key -> new TcpTransport(), a -> true, a -> true);
        try (Listener l = t.listen(TCP)) {
            assertFalse(t.canPunch(l.address()));
            assertThrows(IOException.class, () -> t.punch(l.address()));
        }
        t.close();
    }

    /** A transport whose listen makes nothing real and whose punches are recorded. */
    private record Punching(List<Multiaddr> punched) implements Transport, HolePuncher {
        @Override
        public boolean canDial(Multiaddr address) {
            return true;
        }

        @Override
        public boolean canListen(Multiaddr address) {
            return true;
        }

        @Override
        public TransportConnection dial(Multiaddr address, Duration timeout) throws IOException {
            throw new IOException("not in this test");
        }

        @Override
        public Listener listen(Multiaddr address) throws IOException {
            return null;
        }

        @Override
        public boolean canPunch(Multiaddr address) {
            return true;
        }

        @Override
        public void punch(Multiaddr address) {
            punched.add(address);
        }
    }
}
