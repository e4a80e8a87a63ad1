package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNSLink gateway (ipfs/specs dnslink-gateway): the fixtures' {@code dnslink.yml} records served by
 * a real dnsmasq; a request whose Host has a DNSLink is served from that content at {@code /}, and
 * {@code /ipns/{domain}} on the path gateway resolves the same records.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsLinkGatewayTest {
    private static GatewayFixtures f;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    @Test
    void aDnsLinkHostServesItsContentAtSlash() throws Exception {
        HostRequest.Answer a = f.at("dnslink-test.example.org", "/");
        assertEquals(200, a.status(), a.text());
        assertArrayEquals(f.block(Cid.parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am")), a.body());
        assertEquals("/ipns/dnslink-test.example.org", a.header("X-Ipfs-Path"));
        assertTrue(a.header("Cache-Control").startsWith("public, max-age="), a.header("Cache-Control"));
        assertFalse(a.header("Cache-Control").contains("immutable"));
    }

    @Test
    void aDnsLinkWithASubPathServesBelowIt() throws Exception {
        Cid cache = GatewayFixtures.root("gateway-cache/fixtures.car");
        HostRequest.Answer a = f.at("dnslink-subpath.example.org", "/root3/root4/index.html");
        assertEquals(200, a.status(), a.text());
        assertArrayEquals(f.get("/ipfs/" + cache + "/root2/root3/root4/index.html").body(), a.body());
    }

    @Test
    void aDnsLinkToAnIpnsKeyIsFollowed() throws Exception {
        HostRequest.Answer b58 = f.at("dnslink-over-ipns.example.org", "/");
        HostRequest.Answer v1 = f.at("dnslink-over-ipns-cidv1.example.org", "/");
        assertEquals(200, b58.status(), b58.text());
        assertEquals(200, v1.status(), v1.text());
        assertArrayEquals(b58.body(), v1.body());
    }

    @Test
    void listingsOnADnsLinkHostLinkWithinIt() throws Exception {
        String host = "dnslink-dir-listing.example.org";
        HostRequest.Answer top = f.at(host, "/");
        assertTrue(top.text().contains("Index of"), top.text());
        assertFalse(top.text().contains("<a href=\"/..\">..</a>"));
        HostRequest.Answer slash = f.at(host, "/%C4%85/%C4%99");
        assertEquals(301, slash.status());
        assertEquals("/%C4%85/%C4%99/", slash.header("Location"));
        HostRequest.Answer sub = f.at(host, "/%C4%85/%C4%99/");
        assertTrue(sub.text().contains("<a href=\"/%C4%85/%C4%99/..\">..</a>"), sub.text());
        assertTrue(sub.text().contains("/ipns/<a href=\"//" + host + "/\">" + host + "</a>/<a href=\"//" + host
                + "/%C4%85\">ą</a>/<a href=\"//" + host + "/%C4%85/%C4%99\">ę</a>"), sub.text());
        assertTrue(sub.text().contains("<a href=\"/%C4%85/%C4%99/file-%C5%BA%C5%82.txt\">file-źł.txt</a>"), sub.text());
        assertTrue(sub.text().contains("href=\"https://cid.ipfs.tech/#"), sub.text());
    }

    @Test
    void thePathGatewayResolvesDnsLinkNames() throws Exception {
        var r = f.get("/ipns/dnslink-test.example.org");
        assertEquals(200, r.statusCode());
        assertArrayEquals(f.block(Cid.parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am")), r.body());
    }

    @Test
    void aHostWithoutDnsLinkIsAPathGateway() throws Exception {
        assertEquals(404, f.at("no-dnslink.example.org", "/").status());
        assertEquals(200, f.at("no-dnslink.example.org", "/ipfs/bafkqaaa").status());
    }
}
