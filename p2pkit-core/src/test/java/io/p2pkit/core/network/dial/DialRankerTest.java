package io.p2pkit.core.network.dial;

import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DialRankerTest {
    private static Map<String, Long> delays(List<String> addrs) {
        return DialRanker.rank(addrs.stream().map(Multiaddr::parse).toList()).stream()
                .collect(Collectors.toMap(r -> r.address().toString(), r -> r.delay().toMillis()));
    }

    @Test
    void quicBeforeTcpWithPublicAndPrivateSteps() {
        Map<String, Long> d = delays(List.of(
                "/ip4/1.2.3.4/tcp/4001",
                "/ip6/2001:db8::1/tcp/4001",
                "/ip4/1.2.3.4/udp/4001/quic-v1",
                "/ip6/2001:db8::1/udp/4001/quic-v1",
                "/ip4/192.168.1.2/tcp/4001",
                "/ip4/192.168.1.2/udp/4001/quic-v1",
                "/ip4/127.0.0.1/tcp/4001"));
        assertEquals(0, d.get("/ip6/2001:db8::1/udp/4001/quic-v1"));
        assertEquals(250, d.get("/ip4/1.2.3.4/udp/4001/quic-v1"), "happy eyeballs: IPv4 QUIC one step later");
        assertEquals(500, d.get("/ip6/2001:db8::1/tcp/4001"), "TCP 250 ms after the last QUIC");
        assertEquals(750, d.get("/ip4/1.2.3.4/tcp/4001"));
        assertEquals(0, d.get("/ip4/192.168.1.2/udp/4001/quic-v1"));
        assertEquals(30, d.get("/ip4/192.168.1.2/tcp/4001"), "private TCP 30 ms after private QUIC");
        assertEquals(30, d.get("/ip4/127.0.0.1/tcp/4001"));
    }

    @Test
    void tcpOnlyStartsAtOnceAndRelaysComeLast() {
        List<RankedAddress> r = DialRanker.rank(List.of(
                Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p-circuit"),
                Multiaddr.parse("/ip4/5.6.7.8/tcp/4001"),
                Multiaddr.parse("/dns4/example.com/tcp/4001")));
        assertEquals("/ip4/5.6.7.8/tcp/4001", r.get(0).address().toString());
        assertEquals(Duration.ZERO, r.get(0).delay());
        assertEquals(Duration.ZERO, r.get(1).delay());
        assertEquals("/ip4/1.2.3.4/tcp/1/p2p-circuit", r.get(2).address().toString());
        assertEquals(DialRanker.RELAY_DELAY, r.get(2).delay());
        assertEquals(Duration.ZERO, DialRanker.rank(List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p-circuit")))
                .get(0).delay(), "only relays: no reason to wait");
    }

    @Test
    void webTransportIsNotRankedAsQuic() {
        Map<String, Long> d = delays(List.of("/ip4/1.2.3.4/udp/1/quic-v1/webtransport", "/ip4/1.2.3.4/udp/1/quic-v1"));
        assertEquals(0, d.get("/ip4/1.2.3.4/udp/1/quic-v1"));
        assertEquals(250, d.get("/ip4/1.2.3.4/udp/1/quic-v1/webtransport"));
    }
}
