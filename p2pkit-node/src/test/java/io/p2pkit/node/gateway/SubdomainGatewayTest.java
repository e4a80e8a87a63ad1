package io.p2pkit.node.gateway;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subdomain gateway (ipfs/specs subdomain-gateway) on {@code example.com} as Kubo's conformance CI
 * configures it (subdomains, /ipfs and /ipns, DNSLink inlined): path requests redirected to
 * {@code {cid}.ipfs.example.com}, canonical labels, X-Forwarded-Host/-Proto, the 63-character
 * limit, isolated origins served from {@code /}, DNSLink names under {@code .ipns.}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubdomainGatewayTest {
    private static final String GW = GatewayFixtures.GATEWAY_HOST + ":8080";
    private static GatewayFixtures f;
    private static Cid root;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
        root = GatewayFixtures.root("subdomain_gateway/fixtures.car");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    private static String cid(String name) throws Exception {
        return f.cid(root, name).toString();
    }

    @Test
    void aPathRequestIsRedirectedToTheCidsOwnOrigin() throws Exception {
        String v1 = cid("hello-CIDv1");
        HostRequest.Answer a = f.at(GW, "/ipfs/" + v1 + "/");
        assertEquals(301, a.status());
        assertEquals("http://" + v1 + ".ipfs." + GW + "/", a.header("Location"));
        HostRequest.Answer noSlash = f.at(GW, "/ipfs/" + v1 + "?x=1");
        assertEquals("http://" + v1 + ".ipfs." + GW + "/?x=1", noSlash.header("Location"));
    }

    @Test
    void cidV0IsRedirectedAsCidV1Base32() throws Exception {
        Cid v0 = f.cid(root, "hello-CIDv0");
        assertEquals(0, v0.version());
        HostRequest.Answer a = f.at(GW, "/ipfs/" + v0 + "/");
        assertEquals("http://" + Cid.v1(Multicodec.DAG_PB, v0.multihash()).toString(Multibase.Encoding.BASE32)
                + ".ipfs." + GW + "/", a.header("Location"));
    }

    @Test
    void theRestOfThePathKeepsItsEncoding() throws Exception {
        Cid dir = GatewayFixtures.root("path_gateway_unixfs/dir-with-percent-encoded-filename.car");
        String rest = "/Portugal%252C+Espa%C3%B1a=Peninsula%20Ib%C3%A9rica.txt";
        HostRequest.Answer a = f.at(GW, "/ipfs/" + dir + rest);
        assertEquals("http://" + dir + ".ipfs." + GW + rest, a.header("Location"));
    }

    @Test
    void forwardedHostAndProtoAreHonoured() throws Exception {
        String v1 = cid("hello-CIDv1");
        HostRequest.Answer a = f.at("fake.domain.com", "/ipfs/" + v1, "X-Forwarded-Host", GW, "X-Forwarded-Proto", "https");
        assertEquals(301, a.status());
        assertEquals("https://" + v1 + ".ipfs." + GW + "/", a.header("Location"));
        assertEquals(200, f.at("fake.domain.com", "/ipfs/" + v1).status(), "an unknown host is a path gateway");
    }

    @Test
    void aCidOverTheLabelLimitIs400BothWays() throws Exception {
        String tooLong = cid("hello-CIDv1_TOO_LONG");
        HostRequest.Answer a = f.at(GW, "/ipfs/" + tooLong + "/");
        assertEquals(400, a.status());
        assertTrue(a.text().contains("CID incompatible with DNS label length limit of 63"), a.text());
        HostRequest.Answer direct = f.at(tooLong + ".ipfs." + GW, "/");
        assertEquals(400, direct.status());
        assertTrue(direct.text().contains("CID incompatible with DNS label length limit of 63"), direct.text());
    }

    @Test
    void anInvalidCidIsNamedInTheError() throws Exception {
        HostRequest.Answer a = f.at(GW, "/ipfs/QmInvalidCID");
        assertEquals(400, a.status());
        assertTrue(a.text().contains("invalid path \"/ipfs/QmInvalidCID\""), a.text());
    }

    @Test
    void theSubdomainServesTheRootAtSlashAndNoNamespaceBelow() throws Exception {
        String v1 = cid("hello-CIDv1");
        HostRequest.Answer a = f.at(v1 + ".ipfs." + GW, "/");
        assertEquals(200, a.status());
        assertEquals(new String(f.block(Cid.parse(v1))), a.text());
        assertEquals("/ipfs/" + v1, a.header("X-Ipfs-Path"));
        assertEquals(404, f.at(v1 + ".ipfs." + GW, "/ipfs/" + v1 + "/").status());
        String dir = cid("testdirlisting");
        HostRequest.Answer file = f.at(dir + ".ipfs." + GW, "/ipfs/file.txt");
        assertEquals(200, file.status());
        assertTrue(file.text().contains("I am a txt file"));
    }

    @Test
    void listingsLinkWithinTheOriginAndBreadcrumbsToThePathForm() throws Exception {
        String dir = cid("testdirlisting");
        HostRequest.Answer top = f.at(dir + ".ipfs." + GW, "/");
        assertTrue(top.text().contains("<a href=\"/hello\">hello</a>"), top.text());
        assertFalse(top.text().contains("<a href=\"/..\">..</a>"), top.text());
        HostRequest.Answer sub = f.at(dir + ".ipfs." + GW, "/ipfs/ipns/");
        assertTrue(sub.text().contains("<a href=\"/ipfs/ipns/..\">..</a>"), sub.text());
        assertTrue(sub.text().contains("<a href=\"/ipfs/ipns/bar\">bar</a>"), sub.text());
        assertTrue(sub.text().contains("/ipfs/<a href=\"//" + GW + "/ipfs/" + dir + "\">" + dir + "</a>/<a href=\"//" + GW
                + "/ipfs/" + dir + "/ipfs\">ipfs</a>/<a href=\"//" + GW + "/ipfs/" + dir + "/ipfs/ipns\">ipns</a>"), sub.text());
        HostRequest.Answer redirect = f.at(dir + ".ipfs." + GW, "/ipfs/ipns");
        assertEquals(301, redirect.status());
        assertEquals("/ipfs/ipns/", redirect.header("Location"));
    }

    @Test
    void ipnsKeysTakeTheirBase36Libp2pKeyLabel() throws Exception {
        PeerId id = PeerId.parse("12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d");
        String label = id.toCid().toString(Multibase.Encoding.BASE36);
        assertEquals("http://" + label + ".ipns." + GW + "/", f.at(GW, "/ipns/" + id).header("Location"));
        assertEquals("http://" + label + ".ipns." + GW + "/", f.at(GW, "/ipns/" + label).header("Location"));
        String dagPb = Cid.v1(Multicodec.DAG_PB, id.multihash()).toString(Multibase.Encoding.BASE36);
        HostRequest.Answer wrongCodec = f.at(dagPb + ".ipns." + GW, "/");
        assertEquals(301, wrongCodec.status());
        assertEquals("http://" + label + ".ipns." + GW + "/", wrongCodec.header("Location"));
        HostRequest.Answer served = f.at(label + ".ipns." + GW, "/");
        assertEquals(200, served.status(), served.text());
    }

    @Test
    void dnsLinkNamesAreInlinedAndServedEitherWay() throws Exception {
        HostRequest.Answer a = f.at(GW, "/ipns/en.wikipedia-on-ipfs.example.org/wiki/");
        assertEquals(301, a.status());
        assertEquals("http://en-wikipedia--on--ipfs-example-org.ipns." + GW + "/wiki/", a.header("Location"));
        byte[] hello = f.block(Cid.parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"));
        HostRequest.Answer dotted = f.at("dnslink-test.example.org.ipns." + GW, "/");
        assertEquals(200, dotted.status(), dotted.text());
        assertEquals(new String(hello), dotted.text());
        HostRequest.Answer inlined = f.at("dnslink--test-example-org.ipns." + GW, "/");
        assertEquals(200, inlined.status(), inlined.text());
        assertEquals(new String(hello), inlined.text());
    }

    @Test
    void aUriParameterIsRedirectedToItsPath() throws Exception {
        HostRequest.Answer a = f.at(GW, "/ipfs/?uri=ipfs%3A%2F%2FQmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco%2Fwiki%2FDiego_Maradona.html");
        assertEquals(301, a.status());
        assertEquals("/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco/wiki/Diego_Maradona.html", a.header("Location"));
    }

    @Test
    void localhostIsASubdomainGatewayByDefault() throws Exception {
        String v1 = cid("hello-CIDv1");
        assertEquals("http://" + v1 + ".ipfs.localhost:8080/", f.at("localhost:8080", "/ipfs/" + v1).header("Location"));
        assertEquals(404, f.at("localhost:8080", "/other").status());
    }
}
