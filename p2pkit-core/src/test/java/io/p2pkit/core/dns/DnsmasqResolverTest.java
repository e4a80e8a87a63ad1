package io.p2pkit.core.dns;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.testing.Dnsmasq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resolution against a real DNS server (dnsmasq on loopback, started here); skipped without dnsmasq (a failure under CI). */
class DnsmasqResolverTest {
    static Host target;
    static Host other;
    static Dnsmasq dns;
    static ServerResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        Dnsmasq.required();
        target = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        other = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        int port = target.addresses().get(0).toSocketAddress().orElseThrow().getPort();
        int otherPort = other.addresses().get(0).toSocketAddress().orElseThrow().getPort();
        dns = Dnsmasq.start(List.of(
                "--local=/test/", // names under .test that have no record: NXDOMAIN, not REFUSED
                "--address=/node.test/127.0.0.1",
                "--address=/node6.test/::1",
                "--txt-record=_dnsaddr.boot.test,dnsaddr=/dnsaddr/inner.boot.test/p2p/" + target.peerId(),
                "--txt-record=_dnsaddr.boot.test,dnsaddr=/ip4/127.0.0.1/tcp/" + otherPort + "/p2p/" + other.peerId(),
                "--txt-record=_dnsaddr.inner.boot.test,dnsaddr=/dns4/node.test/tcp/" + port + "/p2p/" + target.peerId(),
                "--txt-record=spaced.test,one two,three"));
        resolver = new ServerResolver(dns.address(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (target != null) {
            target.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @Test
    void recordsFromTheServer() throws IOException {
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), resolver.ip4("node.test"));
        assertEquals(List.of(InetAddress.getByName("::1")), resolver.ip6("node6.test"));
        assertEquals(List.of(), resolver.ip4("unknown.test"));
        assertEquals(List.of(), resolver.txt("unknown.test"));
        // Two character-strings, the first with a space (JNDI quotes it): joined as libp2p reads them.
        assertEquals(List.of("one twothree"), resolver.txt("spaced.test"));
        assertEquals(2, resolver.txt("_dnsaddr.boot.test").size());
    }

    @Test
    void dnsaddrThroughTheServer() throws IOException {
        MultiaddrResolver r = new MultiaddrResolver(resolver);
        List<Multiaddr> all = r.resolve(Multiaddr.parse("/dnsaddr/boot.test"), Optional.empty());
        assertEquals(2, all.size(), all.toString());
        List<Multiaddr> mine = r.resolve(Multiaddr.parse("/dnsaddr/boot.test/p2p/" + target.peerId()), Optional.empty());
        assertEquals(List.of(target.addresses().get(0).encapsulate("/p2p/" + target.peerId())), mine);
    }

    @Test
    void hostDialsNamesResolvedByTheServer() throws IOException {
        int port = target.addresses().get(0).toSocketAddress().orElseThrow().getPort();
        try (Host dialer = Host.builder().dnsResolver(resolver).build()) {
            Connection c = dialer.connect(PeerInfo.parse("/dnsaddr/boot.test/p2p/" + target.peerId()));
            assertEquals(target.peerId(), c.remotePeer());
            Connection d = dialer.connect(PeerInfo.parse("/dns4/node.test/tcp/" + port + "/p2p/" + target.peerId()));
            assertEquals(target.peerId(), d.remotePeer());
            IOException e = assertThrows(IOException.class,
                    () -> dialer.connect(PeerInfo.parse("/dns4/unknown.test/tcp/1/p2p/" + other.peerId())));
            assertTrue(e.getMessage().contains("unknown.test") || String.valueOf(e).contains("no address"), String.valueOf(e));
        }
    }
}
