package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code _redirects} (ipfs/specs web-redirects-file): the parser's rules and limits, and the
 * gateway applying the redirects fixture's files at isolated origins only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedirectsFileTest {
    private static final String GW = GatewayFixtures.GATEWAY_HOST;
    private static GatewayFixtures f;
    private static Cid fixture;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
        fixture = GatewayFixtures.root("redirects_file/redirects.car");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    private static String host(String dir) throws Exception {
        Cid c = f.cid(fixture, dir);
        return Cid.v1(Multicodec.DAG_PB, c.multihash()).toString(Multibase.Encoding.BASE32) + ".ipfs." + GW;
    }

    private static RedirectsFile parse(String text) {
        return RedirectsFile.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void placeholdersAndSplatsAreFilledIn() {
        RedirectsFile r = parse("# comment\n\n/posts/:year/:slug /a/:year/:slug\n/s/* /t/:splat 302\n/* /index.html 200\n");
        assertEquals(new RedirectsFile.Match("/a/2022/x", 301), r.match("/posts/2022/x").orElseThrow());
        assertEquals(new RedirectsFile.Match("/t/one/two.html", 302), r.match("/s/one/two.html").orElseThrow());
        assertEquals(new RedirectsFile.Match("/index.html", 200), r.match("/anything/else").orElseThrow());
    }

    @Test
    void badLinesAreRefusedWithTheirReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("/a /b 999")).getMessage().contains("999"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("/a /b 200!")).getMessage().contains("forced"));
        assertThrows(IllegalArgumentException.class, () -> parse("/a"));
        assertThrows(IllegalArgumentException.class, () -> parse("a /b"));
        assertThrows(IllegalArgumentException.class, () -> parse("/a /b 301 x=y"));
        assertThrows(IllegalArgumentException.class, () -> parse("/*/a /b"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RedirectsFile.parse(new byte[RedirectsFile.MAX_BYTES + 1])).getMessage().contains("cannot exceed"));
    }

    @Test
    void redirectsRewritesAndCustomErrorPages() throws Exception {
        String h = host("examples");
        HostRequest.Answer one = f.at(h, "/redirect-one");
        assertEquals(301, one.status());
        assertEquals("/one.html", one.header("Location"));
        assertEquals(302, f.at(h, "/302-redirect-two").status());
        assertEquals("/articles/2022/01/01/hello-world", f.at(h, "/posts/2022/01/01/hello-world").header("Location"));
        assertEquals("/redirected-splat/one.html", f.at(h, "/splat/one.html").header("Location"));
        HostRequest.Answer index = f.at(h, "/200-index");
        assertEquals(200, index.status());
        assertTrue(index.text().contains("my index"));
        HostRequest.Answer missing = f.at(h, "/not-found/has-no-redirects-entry");
        assertEquals(404, missing.status());
        assertTrue(missing.text().contains("my 404"));
        assertEquals("\"" + f.cid(fixture, "examples", "404.html") + "\"", missing.header("Etag"));
        assertEquals(Exchange.IMMUTABLE, missing.header("Cache-Control"));
        assertEquals(410, f.at(h, "/gone/x").status());
        assertEquals(451, f.at(h, "/unavail/x").status());
        assertEquals(200, f.at(h, "/catch-all").status());
    }

    @Test
    void theFileIsNotAppliedOnThePathGateway() throws Exception {
        Cid examples = f.cid(fixture, "examples");
        assertEquals(404, f.get("/ipfs/" + examples + "/redirect-one").statusCode());
    }

    @Test
    void anInvalidOrOversizedFileIs500WithItsReason() throws Exception {
        HostRequest.Answer bad = f.at(host("forced"), "/not-found");
        assertEquals(500, bad.status());
        assertTrue(bad.text().contains("could not parse _redirects:"), bad.text());
        HostRequest.Answer big = f.at(host("too-large"), "/not-found");
        assertEquals(500, big.status());
        assertTrue(big.text().contains("redirects file size cannot exceed"), big.text());
        HostRequest.Answer existing = f.at(host("bad-codes"), "/found.html");
        assertEquals(200, existing.status(), "an existing path never reads _redirects");
    }

    @Test
    void aDnsLinkSiteAppliesItsFileToo() throws Exception {
        HostRequest.Answer a = f.at("dnslink-redirects-examples.example.org", "/redirect-one");
        assertEquals(301, a.status());
        assertEquals("/one.html", a.header("Location"));
        HostRequest.Answer missing = f.at("dnslink-redirects-examples.example.org", "/not-found/x");
        assertEquals(404, missing.status());
        assertTrue(!missing.header("Cache-Control").contains("immutable"));
    }
}
