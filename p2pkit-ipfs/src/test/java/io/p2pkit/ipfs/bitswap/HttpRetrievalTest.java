package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which provider addresses are Trustless Gateways asked over HTTPS, and which hosts the lists let through. */
@Timeout(10)
class HttpRetrievalTest {
    private static Optional<URI> endpoint(HttpRetrieval h, String... addresses) {
        return h.endpoint(java.util.Arrays.stream(addresses).map(Multiaddr::parse).toList());
    }

    @Test
    void httpsAddressesAreTheGatewaysBaseUrls() {
        HttpRetrieval h = HttpRetrieval.DEFAULT;
        assertEquals(Optional.of(URI.create("https://example.com:443")), endpoint(h, "/dns4/example.com/tcp/443/tls/http"));
        assertEquals(Optional.of(URI.create("https://[::1]:8443")), endpoint(h, "/ip6/::1/tcp/8443/tls/http"));
        assertEquals(Optional.of(URI.create("https://gw.example:443")),
                endpoint(h, "/ip4/127.0.0.1/tcp/443/tls/sni/gw.example/http"), "the SNI name is the host asked");
        assertEquals(Optional.of(URI.create("https://127.0.0.1:4443")), endpoint(h, "/ip4/127.0.0.1/tcp/4443/https"));
        assertEquals(Optional.of(URI.create("https://127.0.0.1:4443")),
                endpoint(h, "/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/udp/4001/quic-v1", "/ip4/127.0.0.1/tcp/4443/https"),
                "the first HTTPS address among libp2p ones");
        assertEquals(Optional.empty(), endpoint(h, "/ip4/127.0.0.1/tcp/80/http"), "plain HTTP never, as Kubo");
        assertEquals(Optional.empty(), endpoint(h, "/ip4/127.0.0.1/tcp/443/tls/http/http-path/foo"), "not a gateway's root");
        assertEquals(Optional.empty(), endpoint(h, "/ip4/127.0.0.1/tcp/443/tls/ws"));
        assertEquals(Optional.empty(), endpoint(HttpRetrieval.OFF, "/dns4/example.com/tcp/443/tls/http"));
    }

    @Test
    void theDenylistWinsOverTheAllowlist() {
        HttpRetrieval allow = new HttpRetrieval(true, List.of("Example.com", "other.example"), List.of("other.example"),
                16, 1 << 21, false);
        assertEquals(Optional.of(URI.create("https://example.com:443")), endpoint(allow, "/dns4/example.com/tcp/443/tls/http"));
        assertEquals(Optional.empty(), endpoint(allow, "/dns4/other.example/tcp/443/tls/http"));
        assertEquals(Optional.empty(), endpoint(allow, "/dns4/third.example/tcp/443/tls/http"), "not on the allowlist");
        HttpRetrieval deny = new HttpRetrieval(true, List.of(), List.of("::1"), 16, 1 << 21, false);
        assertEquals(Optional.empty(), endpoint(deny, "/ip6/::1/tcp/443/tls/http"));
        assertThrows(IllegalArgumentException.class, () -> new HttpRetrieval(true, List.of(), List.of(), 2000, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new HttpRetrieval(true, List.of(), List.of(), 1, 0, false));
    }
}
