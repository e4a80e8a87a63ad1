package io.p2pkit.core.dns;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiaddrResolverTest {
    /** An in-memory zone. */
    static final class Zone implements DnsResolver {
        final Map<String, List<InetAddress>> a = new HashMap<>();
        final Map<String, List<InetAddress>> aaaa = new HashMap<>();
        final Map<String, List<String>> txt = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Zone addA(String name, String... ips) throws UnknownHostException {
            for (String ip : ips) {
                a.computeIfAbsent(name, k -> new ArrayList<>()).add(InetAddress.getByName(ip));
            }
            return this;
        }

        Zone addAaaa(String name, String... ips) throws UnknownHostException {
            for (String ip : ips) {
                aaaa.computeIfAbsent(name, k -> new ArrayList<>()).add(InetAddress.getByName(ip));
            }
            return this;
        }

        Zone addTxt(String name, String... values) {
            txt.computeIfAbsent(name, k -> new ArrayList<>()).addAll(List.of(values));
            return this;
        }

        @Override
        public List<InetAddress> ip4(String name) {
            asked.add("A " + name);
            return a.getOrDefault(name, List.of());
        }

        @Override
        public List<InetAddress> ip6(String name) {
            asked.add("AAAA " + name);
            return aaaa.getOrDefault(name, List.of());
        }

        @Override
        public List<String> txt(String name) {
            asked.add("TXT " + name);
            return txt.getOrDefault(name, List.of());
        }
    }

    private static final PeerId A = PrivateKey.generateEd25519().publicKey().toPeerId();
    private static final PeerId B = PrivateKey.generateEd25519().publicKey().toPeerId();

    private static List<String> resolve(DnsResolver zone, String addr) throws IOException {
        return new MultiaddrResolver(zone).resolve(Multiaddr.parse(addr), Optional.empty()).stream().map(Multiaddr::toString).toList();
    }

    @Test
    void dnsFamilies() throws IOException {
        Zone z = new Zone().addA("node.test", "10.0.0.1", "10.0.0.2").addAaaa("node.test", "fd00::1");
        assertEquals(List.of("/ip4/10.0.0.1/tcp/1", "/ip4/10.0.0.2/tcp/1"), resolve(z, "/dns4/node.test/tcp/1"));
        assertEquals(List.of("/ip6/fd00::1/tcp/1"), resolve(z, "/dns6/node.test/tcp/1"));
        assertEquals(List.of("/ip4/10.0.0.1/udp/1/quic-v1", "/ip4/10.0.0.2/udp/1/quic-v1", "/ip6/fd00::1/udp/1/quic-v1"),
                resolve(z, "/dns/node.test/udp/1/quic-v1"));
        assertEquals(List.of(), resolve(z, "/dns4/other.test/tcp/1"));
        assertEquals(List.of("/ip4/1.2.3.4/tcp/1"), resolve(z, "/ip4/1.2.3.4/tcp/1"));
        assertEquals(List.of(), z.asked.stream().filter(s -> s.contains("1.2.3.4")).toList());
    }

    @Test
    void tlsKeepsTheName() throws IOException {
        Zone z = new Zone().addA("node.test", "10.0.0.1");
        assertEquals(List.of("/ip4/10.0.0.1/tcp/443/tls/sni/node.test/ws"), resolve(z, "/dns4/node.test/tcp/443/wss"));
        assertEquals(List.of("/ip4/10.0.0.1/tcp/443/tls/sni/node.test/ws"), resolve(z, "/dns4/node.test/tcp/443/tls/ws"));
        assertEquals(List.of("/ip4/10.0.0.1/tcp/443/tls/sni/other.test/ws"), resolve(z, "/dns4/node.test/tcp/443/tls/sni/other.test/ws"));
        assertEquals(List.of("/ip4/10.0.0.1/tcp/80/ws"), resolve(z, "/dns4/node.test/tcp/80/ws"));
    }

    @Test
    void dnsaddrRecursesAndFiltersByPeer() throws IOException {
        Zone z = new Zone().addA("a.node.test", "10.0.0.1")
                .addTxt("_dnsaddr.boot.test", "dnsaddr=/dnsaddr/inner.boot.test/p2p/" + A,
                        "dnsaddr=/ip4/10.0.0.9/tcp/4001/p2p/" + B, "v=spf1 -all", "dnsaddr=/not/a/multiaddr")
                .addTxt("_dnsaddr.inner.boot.test", "dnsaddr=/dns4/a.node.test/tcp/4001/p2p/" + A,
                        "dnsaddr=/ip4/10.0.0.2/udp/4001/quic-v1/p2p/" + A);
        assertEquals(List.of("/ip4/10.0.0.1/tcp/4001/p2p/" + A, "/ip4/10.0.0.2/udp/4001/quic-v1/p2p/" + A,
                "/ip4/10.0.0.9/tcp/4001/p2p/" + B), resolve(z, "/dnsaddr/boot.test"));
        assertEquals(List.of("/ip4/10.0.0.9/tcp/4001/p2p/" + B), resolve(z, "/dnsaddr/boot.test/p2p/" + B));
        assertEquals(List.of("/ip4/10.0.0.1/tcp/4001/p2p/" + A, "/ip4/10.0.0.2/udp/4001/quic-v1/p2p/" + A),
                new MultiaddrResolver(z).resolve(Multiaddr.parse("/dnsaddr/boot.test"), Optional.of(A)).stream()
                        .map(Multiaddr::toString).toList());
        // Trailing components other than /p2p must end the record.
        assertEquals(List.of("/ip4/10.0.0.2/udp/4001/quic-v1/p2p/" + A),
                resolve(z, "/dnsaddr/inner.boot.test/quic-v1/p2p/" + A));
    }

    @Test
    void depthAndResultCaps() throws IOException {
        Zone loop = new Zone().addTxt("_dnsaddr.loop.test", "dnsaddr=/dnsaddr/loop.test");
        IOException e = assertThrows(IOException.class, () -> resolve(loop, "/dnsaddr/loop.test"));
        assertTrue(e.getMessage().contains("deeper"), e.getMessage());
        assertEquals(MultiaddrResolver.DEFAULT_MAX_DEPTH, loop.asked.size());

        Zone many = new Zone();
        for (int i = 0; i < 100; i++) {
            many.addTxt("_dnsaddr.many.test", "dnsaddr=/ip4/10.0.0." + i + "/tcp/1");
        }
        assertEquals(MultiaddrResolver.DEFAULT_MAX_RESULTS, resolve(many, "/dnsaddr/many.test").size());
        assertEquals(3, new MultiaddrResolver(many, 2, 3).resolve(Multiaddr.parse("/dnsaddr/many.test"), Optional.empty()).size());
    }

    @Test
    void whichAddressesNeedResolving() {
        assertTrue(MultiaddrResolver.needsResolving(Multiaddr.parse("/dns/x.test/tcp/1")));
        assertTrue(MultiaddrResolver.needsResolving(Multiaddr.parse("/dnsaddr/x.test")));
        assertFalse(MultiaddrResolver.needsResolving(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")));
        assertFalse(MultiaddrResolver.needsResolving(Multiaddr.empty()));
    }

    @Test
    void txtQuotingAndLiterals() {
        assertEquals("dnsaddr=/ip4/1.2.3.4/tcp/1", JndiDns.unquote("dnsaddr=/ip4/1.2.3.4/tcp/1"));
        assertEquals("a b\"c", JndiDns.unquote("\"a b\\\"c\""));
        assertEquals("abcdef", JndiDns.unquote("abc def"));
        assertEquals("10.1.2.3", JndiDns.literal("10.1.2.3", true).getHostAddress());
        assertEquals(null, JndiDns.literal("10.1.2.256", true));
        assertEquals(null, JndiDns.literal("example.test", true));
        assertEquals(null, JndiDns.literal("example.test", false));
        assertEquals("0:0:0:0:0:0:0:1", JndiDns.literal("::1", false).getHostAddress());
    }
}
