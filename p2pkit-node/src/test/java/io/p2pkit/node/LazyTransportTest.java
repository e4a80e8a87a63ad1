package io.p2pkit.node;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.tcp.TcpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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
}
