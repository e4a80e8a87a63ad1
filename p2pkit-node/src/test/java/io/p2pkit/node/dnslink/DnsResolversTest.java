package io.p2pkit.node.dnslink;

import io.p2pkit.core.dns.DnsResolver;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Dnsmasq;
import io.p2pkit.testing.DohRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's {@code DNS.Resolvers}: DNS-over-HTTPS endpoints by domain. The endpoint here is an RFC 8484
 * relay ({@link DohRelay}) in front of a real dnsmasq, beside another dnsmasq that is the node's usual (UDP) server,
 * each holding a different answer for the same names, so every assertion shows which one was asked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsResolversTest {
    private static final String CID_UDP = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
    private static final String CID_DOH = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";

    /** The usual server: one answer for each name. */
    private static Dnsmasq udpServer() throws Exception {
        Dnsmasq.required();
        return Dnsmasq.start(List.of("--local=/#/", "--local-ttl=300",
                "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + CID_UDP,
                "--txt-record=_dnslink.name.eth,dnslink=/ipfs/" + CID_UDP,
                "--address=/peer.eth/127.0.0.2"));
    }

    /** The server behind the DoH endpoint: other answers for the same names. */
    private static Dnsmasq dohServer() throws Exception {
        return Dnsmasq.start(List.of("--local=/#/", "--local-ttl=300",
                "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + CID_DOH,
                "--txt-record=_dnslink.name.eth,dnslink=/ipfs/" + CID_DOH,
                "--txt-record=_dnslink.sub.name.eth,dnslink=/ipns/site.test",
                "--txt-record=_dnsaddr.peer.eth,dnsaddr=/ip4/127.0.0.1/tcp/4001",
                "--address=/peer.eth/127.0.0.1", "--address=/peer.eth/::1"));
    }

    @Test
    void entriesAreCheckedWithBoxosWords() {
        assertEquals(Optional.empty(), DnsResolvers.check(".", ""));
        assertEquals(Optional.empty(), DnsResolvers.check("eth.", "auto"));
        assertEquals(Optional.of(URI.create("https://dns.eth.limo/dns-query")),
                DnsResolvers.check("eth.", "https://dns.eth.limo/dns-query"));
        IllegalArgumentException notFqdn = assertThrows(IllegalArgumentException.class,
                () -> DnsResolvers.check("eth", "https://dns.eth.limo/dns-query"));
        assertEquals("invalid domain eth; must be FQDN", notFqdn.getMessage());
        IllegalArgumentException udp = assertThrows(IllegalArgumentException.class,
                () -> DnsResolvers.check("eth.", "udp://1.1.1.1"));
        assertEquals("bad resolver for eth.: invalid DoH resolver URL: udp://1.1.1.1", udp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DnsResolvers.check("a..b.", "https://x/"));
        assertTrue(DnsResolvers.of(Map.of(".", "", "eth.", "auto"), Optional.empty()).isEmpty(),
                "blank and auto leave every domain to the usual resolver");
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= DnsResolvers.MAX_ENTRIES; i++) {
            many.put("d" + i + ".", "https://x/");
        }
        assertThrows(IllegalArgumentException.class, () -> DnsResolvers.of(many, Optional.empty()));
    }

    @Test
    void theLongestSuffixChoosesTheEndpointAndTheRootCoversTheRest() {
        DnsResolvers r = DnsResolvers.of(Map.of("eth.", "https://eth.example/q", "name.eth.", "https://name.example/q",
                ".", "https://root.example/q"), Optional.empty());
        assertEquals("https://name.example/q", r.forName("a.name.eth").orElseThrow().url().toString());
        assertEquals("https://name.example/q", r.forName("NAME.eth.").orElseThrow().url().toString());
        assertEquals("https://eth.example/q", r.forName("other.eth").orElseThrow().url().toString());
        assertEquals("https://eth.example/q", r.forName("eth").orElseThrow().url().toString());
        assertEquals("https://root.example/q", r.forName("xeth").orElseThrow().url().toString());
        assertEquals("https://root.example/q", r.forName("site.test").orElseThrow().url().toString());
        DnsResolvers ethOnly = DnsResolvers.of(Map.of("eth.", "https://eth.example/q"), Optional.empty());
        assertEquals(Optional.empty(), ethOnly.forName("site.test"));
        // two domains on one endpoint share one client
        DnsResolvers shared = DnsResolvers.of(Map.of("a.", "https://same/q", "b.", "https://same/q"), Optional.empty());
        assertTrue(shared.forName("x.a").orElseThrow() == shared.forName("x.b").orElseThrow());
    }

    @Test
    void dnsLinkAsksTheEndpointOfTheDomainAndTheUsualServerForTheRest() throws Exception {
        try (Dnsmasq udp = udpServer(); Dnsmasq behind = dohServer(); DohRelay doh = new DohRelay(behind.address())) {
            DnsLinkResolver usual = new DnsLinkResolver(List.of(udp.address()), Duration.ofSeconds(5));
            assertEquals("/ipfs/" + CID_UDP, usual.resolve("name.eth").orElseThrow().path(), "without DNS.Resolvers");

            DnsLinkResolver eth = usual.withResolvers(DnsResolvers.of(Map.of("eth.", doh.url()), Optional.empty()));
            assertEquals(new DnsLinkResolver.Link("/ipfs/" + CID_DOH, 300), eth.resolve("name.eth").orElseThrow());
            assertEquals("/ipns/site.test", eth.resolve("sub.name.eth").orElseThrow().path());
            assertEquals("/ipfs/" + CID_UDP, eth.resolve("site.test").orElseThrow().path(), "not under eth.");
            assertEquals(Optional.empty(), eth.resolve("missing.eth"), "NXDOMAIN over DoH is no DNSLink");
            int asked = doh.queries();
            assertTrue(asked >= 4, asked + " queries");
            eth.resolve("name.eth");
            assertEquals(asked, doh.queries(), "answers of the endpoint are cached for their TTL");

            DnsLinkResolver root = new DnsLinkResolver(List.of(), Duration.ofSeconds(5))
                    .withResolvers(DnsResolvers.of(Map.of(".", doh.url()), Optional.empty()));
            assertTrue(root.enabled(), "an endpoint for \".\" is a resolver for every name, no UDP server needed");
            assertEquals("/ipfs/" + CID_DOH, root.resolve("site.test").orElseThrow().path());

            // DNS.MaxCacheTTL: the endpoint's answers are kept, and reported, no longer than the cap
            DnsLinkResolver capped = usual.withResolvers(DnsResolvers.of(Map.of("eth.", doh.url()),
                    Optional.of(Duration.ofMinutes(1))));
            assertEquals(60, capped.resolve("name.eth").orElseThrow().ttlSeconds());
            assertEquals(300, capped.resolve("site.test").orElseThrow().ttlSeconds(), "the UDP server's answer is not capped");
        }
    }

    @Test
    void multiaddrNamesOfTheDomainAreAskedOfTheEndpoint() throws Exception {
        try (Dnsmasq udp = udpServer(); Dnsmasq behind = dohServer(); DohRelay doh = new DohRelay(behind.address())) {
            DnsResolver fallback = new io.p2pkit.core.dns.ServerResolver(udp.address(), Duration.ofSeconds(2));
            DnsResolver r = DnsResolvers.of(Map.of("eth.", doh.url()), Optional.empty()).over(fallback);
            assertEquals(List.of(InetAddress.getByName("127.0.0.1")), r.ip4("peer.eth"));
            assertEquals(List.of(InetAddress.getByName("::1")), r.ip6("peer.eth"));
            assertEquals(List.of("dnsaddr=/ip4/127.0.0.1/tcp/4001"), r.txt("_dnsaddr.peer.eth"));
            assertEquals(List.of(), r.ip4("missing.eth"));
            assertEquals(List.of(InetAddress.getByName("127.0.0.2")), fallback.ip4("peer.eth"), "the usual server differs");
            assertTrue(DnsResolvers.NONE.over(fallback) == fallback);
        }
    }

    @Test
    void anEndpointThatMisbehavesIsAnErrorNamingIt() throws Exception {
        try (Dnsmasq behind = dohServer(); DohRelay doh = new DohRelay(behind.address())) {
            DnsLinkResolver r = new DnsLinkResolver(List.of(), Duration.ofSeconds(5))
                    .withResolvers(DnsResolvers.of(Map.of(".", doh.url()), Optional.empty()));
            doh.misbehave(DohRelay.Mode.ERROR);
            IOException http = assertThrows(IOException.class, () -> r.resolve("name.eth"));
            assertTrue(http.getMessage().contains(doh.url()) && http.getMessage().contains("HTTP 500"), http.getMessage());
            doh.misbehave(DohRelay.Mode.HTML);
            IOException html = assertThrows(IOException.class, () -> r.resolve("name.eth"));
            assertTrue(html.getMessage().contains("text/html, not application/dns-message"), html.getMessage());
            doh.misbehave(DohRelay.Mode.GARBAGE);
            IOException garbage = assertThrows(IOException.class, () -> r.resolve("name.eth"));
            assertTrue(garbage.getMessage().contains("sent a bad reply"), garbage.getMessage());
            doh.misbehave(DohRelay.Mode.RELAY);
            assertEquals("/ipfs/" + CID_DOH, r.resolve("name.eth").orElseThrow().path(), "failures are not cached");
        }
        // nothing listens there any more
        DnsLinkResolver gone = new DnsLinkResolver(List.of(), Duration.ofSeconds(5))
                .withResolvers(DnsResolvers.of(Map.of(".", "http://127.0.0.1:9/dns-query"), Optional.empty()));
        assertThrows(IOException.class, () -> gone.resolve("name.eth"));
    }

    /** A node with DNS.Resolvers: the RPC API's DNSLink, and a /dns4 address it dials. */
    @Test
    void aNodeResolvesAndDialsThroughTheEndpoint() throws Exception {
        try (Dnsmasq udp = udpServer(); Dnsmasq behind = dohServer(); DohRelay doh = new DohRelay(behind.address());
             HttpClient client = HttpClient.newHttpClient()) {
            NodeConfig.Transports t = NodeConfig.Transports.defaults();
            NodeConfig.Transports usual = new NodeConfig.Transports(t.security(), t.muxers(), t.quic(), t.wssCertificate(),
                    t.wssKey(), t.wssTrustedCa(), Optional.of(udp.address()));
            DnsResolvers eth = DnsResolvers.of(Map.of("eth.", doh.url()), Optional.empty());
            try (Node target = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty()).build());
                 Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                         .transports(usual).dnsResolvers(eth)
                         .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build())) {
                String api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
                HttpResponse<String> resolved = client.send(HttpRequest.newBuilder(URI.create(api
                        + "name/resolve?arg=/ipns/name.eth")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"Path\":\"/ipfs/" + CID_DOH + "\"}\n", resolved.body());
                HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create(api
                        + "name/resolve?arg=/ipns/site.test")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"Path\":\"/ipfs/" + CID_UDP + "\"}\n", other.body());

                // peer.eth is 127.0.0.1 through the endpoint, 127.0.0.2 (where nothing listens) through the usual server
                int port = target.host().addresses().getFirst().toSocketAddress().orElseThrow().getPort();
                Multiaddr named = Multiaddr.parse("/dns4/peer.eth/tcp/" + port + "/p2p/" + target.host().peerId());
                assertEquals(target.host().peerId(), node.host().connect(named).remotePeer());
            }
        }
    }
}
