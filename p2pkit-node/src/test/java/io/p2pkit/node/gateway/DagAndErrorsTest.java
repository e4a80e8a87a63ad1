package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DAG-JSON, DAG-CBOR, JSON and CBOR responses (as stored, 406 across codecs, the HTML view), and
 * the statuses of requests the gateway cannot answer: always a one-line plain-text reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DagAndErrorsTest {
    private static GatewayFixtures f;
    private static Cid dagJson;
    private static Cid dagCbor;
    private static Cid unixfs;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
        dagJson = GatewayFixtures.root("path_gateway_dag/dag-json-traversal.car");
        dagCbor = GatewayFixtures.root("path_gateway_dag/dag-cbor-traversal.car");
        unixfs = GatewayFixtures.root("path_gateway_dag/gateway-json-cbor.car");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"json, , application/vnd.ipld.dag-json, inline", "json, dag-json, application/vnd.ipld.dag-json, inline",
        "json, json, application/json, inline", "cbor, , application/vnd.ipld.dag-cbor, attachment",
        "cbor, cbor, application/cbor, attachment"})
    void aDocumentIsSentAsStored(String codec, String format, String type, String disposition) throws Exception {
        Cid cid = codec.equals("json") ? dagJson : dagCbor;
        HttpResponse<byte[]> r = f.get("/ipfs/" + cid + (format == null ? "" : "?format=" + format));
        assertEquals(200, r.statusCode());
        assertEquals(type, r.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(f.block(cid), r.body());
        assertEquals(disposition + "; filename=\"" + cid + "." + codec + "\"",
                r.headers().firstValue("Content-Disposition").orElseThrow());
    }

    @Test
    void pathsCrossLinksBetweenDocuments() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + dagJson + "/foo/link/bar?format=dag-json");
        assertEquals(200, r.statusCode());
        assertArrayEquals(f.block(f.cid(dagJson, "foo", "link", "bar")), r.body());
        assertEquals(501, f.get("/ipfs/" + dagJson + "/foo?format=dag-json").statusCode(), "a path ending inside a document");
        assertEquals(404, f.get("/ipfs/" + dagCbor + "/foo/i-do-not-exist").statusCode());
    }

    @Test
    void aBrowserGetsAnHtmlView() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + dagCbor + "/", "Accept", "text/html");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Etag").orElseThrow().contains("DagIndex-"));
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("</html>"));
        assertFalse(r.headers().firstValue("Content-Disposition").isPresent());
    }

    @Test
    void aUnixfsJsonFileIsJson() throws Exception {
        Cid file = f.cid(unixfs, "ą", "ę", "t.json");
        assertEquals("application/json", f.get("/ipfs/" + file).headers().firstValue("Content-Type").orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/ipfs/not-a-cid|400|", "/ipfs/bafy%2F%2E%2E|400|", "/ipfs/QmYzfKSE55XCjD1MW128RfciAf2DViABhEiXfgVFMabSj?format=raw|400|",
        "/ipfs/{unixfs}?format=zip|400|", "/ipfs/{unixfs}/i-do-not-exist|404|", "/ipfs/{unixfs}?format=dag-json|406|",
        "/ipfs/{dagJson}?format=dag-cbor|406|", "/ipfs/{dagCbor}|406|application/vnd.ipld.dag-json",
        "/ipfs/{unixfs}?format=ipns-record|400|", "/ipfs/{unixfs}?format=%FF|400|", "/ipfs|400|", "/ipfs/{unixfs}/ą/ę/file-źł.txt|416|bytes=9999-"})
    void requestsThatCannotBeAnsweredGetTheSpecsStatusInPlainText(String path, int status, String header) throws Exception {
        String p = path.replace("{unixfs}", unixfs.toString()).replace("{dagJson}", dagJson.toString())
                .replace("{dagCbor}", dagCbor.toString()).replace("ą", "%C4%85").replace("ę", "%C4%99")
                .replace("ź", "%C5%BA").replace("ł", "%C5%82");
        HttpResponse<byte[]> r = header == null ? f.get(p)
                : f.get(p, header.startsWith("bytes") ? "Range" : "Accept", header);
        assertEquals(status, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(body.startsWith(status + " "), body);
        assertFalse(body.contains("\tat ") || body.contains("Exception"), body);
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void otherMethodsAre405AndOptionsAnswersCors() throws Exception {
        HttpResponse<byte[]> post = f.send("POST", "/ipfs/" + unixfs);
        assertEquals(405, post.statusCode());
        assertTrue(post.headers().firstValue("Allow").orElseThrow().contains("GET"));
        HttpResponse<byte[]> options = f.send("OPTIONS", "/ipfs/" + unixfs + "/");
        assertEquals(200, options.statusCode());
        assertEquals("*", options.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void onlyIfCachedIs412ForBlocksNotHere() throws Exception {
        assertEquals(412, f.head("/ipfs/QmYzfKSE55XCjD1MW128RfciAf2DViABhEiXfgVFMabSjN", "Cache-Control", "only-if-cached")
                .statusCode());
        assertEquals(200, f.get("/ipfs/" + dagJson, "Cache-Control", "only-if-cached").statusCode());
        Cid missing = GatewayFixtures.root("trustless_gateway_car/file-3k-and-3-blocks-missing-block.car");
        assertEquals(412, f.get("/ipfs/" + missing, "Cache-Control", "only-if-cached", "Range", "bytes=1500-1501")
                .statusCode(), "the root is here, the block with those bytes is not");
    }

    @Test
    void aHugeRangeListIsRefusedWithoutWork() throws Exception {
        String ranges = "bytes=" + "0-0,".repeat(500) + "1-1";
        HttpResponse<byte[]> r = f.get("/ipfs/" + f.cid(unixfs, "ą", "ę", "file-źł.txt"), "Range", ranges);
        assertEquals(416, r.statusCode());
    }
}
