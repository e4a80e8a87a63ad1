package io.p2pkit.core.identify;

import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class ObservedAddressManagerTest {
    private static final Multiaddr LISTEN_TCP = Multiaddr.parse("/ip4/192.168.1.5/tcp/4001");
    private static final Multiaddr LISTEN_WS = Multiaddr.parse("/ip4/192.168.1.5/tcp/4001/ws");
    private static final Multiaddr LISTEN_QUIC = Multiaddr.parse("/ip4/192.168.1.5/udp/4001/quic-v1");
    private static final Multiaddr OBSERVED = Multiaddr.parse("/ip4/11.0.0.1/tcp/40001");

    /** Virtual time in nanoseconds (the core's tests cannot use p2pkit-testing's ManualScheduler). */
    private final AtomicLong clock = new AtomicLong(1);
    private final AtomicInteger changes = new AtomicInteger();
    private final ObservedAddressManager m = new ObservedAddressManager(
            () -> List.of(LISTEN_TCP, LISTEN_WS, LISTEN_QUIC), clock::get, changes::incrementAndGet);

    private static Multiaddr observer(int i) {
        return Multiaddr.parse("/ip4/12.0.0." + i + "/tcp/4001");
    }

    @Test
    void activatesAfterFourDistinctObserversAndMapsOntoEveryListenAddressOfThatTransport() {
        for (int i = 1; i <= 3; i++) {
            m.record(i, LISTEN_TCP, observer(i), OBSERVED);
        }
        assertEquals(List.of(), m.addresses(), "three observers are not enough");
        assertEquals(3, m.observers(OBSERVED));
        m.record(4, LISTEN_TCP, observer(4), OBSERVED);
        assertEquals(List.of(OBSERVED, OBSERVED.encapsulate("/ws")), m.addresses());
        assertEquals(1, changes.get());
    }

    @Test
    void oneObserverGroupCountsOnce() {
        // four connections from one IPv4 address, and four from one IPv6 /56
        for (int i = 1; i <= 4; i++) {
            m.record(i, LISTEN_TCP, Multiaddr.parse("/ip4/12.0.0.9/tcp/" + (1000 + i)), OBSERVED);
            m.record(10 + i, LISTEN_TCP, Multiaddr.parse("/ip6/2001:db8:0:" + i + "::1/tcp/1"), OBSERVED);
        }
        assertEquals(2, m.observers(OBSERVED));
        assertEquals(List.of(), m.addresses());
    }

    @Test
    void ignoresObservationsOnOtherLocalAddressesLoopbackAndOtherTransports() {
        for (int i = 1; i <= 4; i++) {
            // an outbound connection from an ephemeral port
            m.record(i, Multiaddr.parse("/ip4/192.168.1.5/tcp/53000"), observer(i), OBSERVED);
            // the observer claims a UDP address for a TCP connection
            m.record(10 + i, LISTEN_TCP, observer(i), Multiaddr.parse("/ip4/11.0.0.1/udp/1/quic-v1"));
            m.record(20 + i, LISTEN_TCP, observer(i), Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
            m.record(30 + i, LISTEN_TCP, observer(i), Multiaddr.parse("/ip4/11.0.0.1/tcp/1/p2p-circuit"));
        }
        assertEquals(List.of(), m.addresses());
        assertEquals(0, changes.get());
    }

    @Test
    void aNewObservationOnAConnectionReplacesItsOldOne() {
        for (int i = 1; i <= 4; i++) {
            m.record(i, LISTEN_TCP, observer(i), OBSERVED);
        }
        m.record(4, LISTEN_TCP, observer(4), Multiaddr.parse("/ip4/11.0.0.1/tcp/40002"));
        assertEquals(List.of(), m.addresses());
    }

    @Test
    void observationsAgeOutAfterTheirConnectionsClose() {
        for (int i = 1; i <= 4; i++) {
            m.record(i, LISTEN_QUIC, observer(i), Multiaddr.parse("/ip4/11.0.0.1/udp/4001/quic-v1"));
        }
        assertEquals(List.of(Multiaddr.parse("/ip4/11.0.0.1/udp/4001/quic-v1")), m.addresses());
        clock.addAndGet(Duration.ofHours(2).toNanos());
        assertEquals(1, m.addresses().size(), "open connections keep their observations");
        m.connectionClosed(1);
        clock.addAndGet(ObservedAddressManager.TTL.minusMinutes(1).toNanos());
        m.expire();
        assertEquals(1, m.addresses().size(), "a closed connection's observation lasts a while");
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        m.expire();
        assertEquals(List.of(), m.addresses());
        assertEquals(2, changes.get(), "activated, then deactivated");
    }

    @Test
    void staysBounded() {
        for (int i = 0; i < ObservedAddressManager.MAX_OBSERVATIONS * 2; i++) {
            m.record(i, LISTEN_TCP, Multiaddr.parse("/ip4/12.0." + (i / 250) + "." + (i % 250) + "/tcp/1"),
                    Multiaddr.parse("/ip4/11.0.0.1/tcp/" + (1000 + i % 5000)));
        }
        assertEquals(0, m.addresses().size());
        assertEquals(1, m.observers(Multiaddr.parse("/ip4/11.0.0.1/tcp/" + (1000 + ObservedAddressManager.MAX_OBSERVATIONS * 2 - 1))));
    }
}
