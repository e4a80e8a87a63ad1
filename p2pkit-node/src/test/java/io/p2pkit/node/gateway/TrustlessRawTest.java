package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trustless gateway: block responses ({@code application/vnd.ipld.raw}), over gateway-raw-block.car. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrustlessRawTest {
    private static GatewayFixtures f;
    private static Cid dir;
    private static Cid file;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
        Cid root = GatewayFixtures.root("gateway-raw-block.car");
        dir = f.cid(root, "dir");
        file = f.cid(root, "dir", "ascii.txt");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"?format=raw|", "|application/vnd.ipld.raw", "?format=raw|application/vnd.ipld.car",
        "|text/html;q=0.5, application/vnd.ipld.raw"})
    void theBlockIsSentAsStoredWhetherAskedByFormatOrAccept(String request) throws Exception {
        String[] parts = request.split("\\|", -1);
        HttpResponse<byte[]> r = parts[1].isEmpty() ? f.get("/ipfs/" + dir + parts[0])
                : f.get("/ipfs/" + dir + parts[0], "Accept", parts[1]);
        assertEquals(200, r.statusCode());
        assertEquals("application/vnd.ipld.raw", r.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(f.block(dir), r.body());
    }

    @Test
    void headersSayWhatTheBlockIsAndThatItNeverChanges() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + file, "Accept", "application/vnd.ipld.raw");
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(f.block(file).length), r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("attachment; filename=\"" + file + ".bin\"", r.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("\"" + file + ".raw\"", r.headers().firstValue("Etag").orElseThrow());
        assertEquals("public, max-age=29030400, immutable", r.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("/ipfs/" + file, r.headers().firstValue("X-Ipfs-Path").orElseThrow());
        assertEquals(file.toString(), r.headers().firstValue("X-Ipfs-Roots").orElseThrow());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void aFilenameParameterNamesTheAttachment() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + file + "?format=raw&filename=foobar.bin");
        assertEquals("attachment; filename=\"foobar.bin\"", r.headers().firstValue("Content-Disposition").orElseThrow());
    }

    @Test
    void rangesOfABlockAreServed() throws Exception {
        byte[] block = f.block(dir);
        HttpResponse<byte[]> r = f.get("/ipfs/" + dir + "?format=raw", "Range", "bytes=6-16");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 6-16/" + block.length, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(block, 6, 17), r.body());
        HttpResponse<byte[]> suffix = f.get("/ipfs/" + dir + "?format=raw", "Range", "bytes=-3");
        assertArrayEquals(Arrays.copyOfRange(block, block.length - 3, block.length), suffix.body());
    }

    @Test
    void aMatchingEtagIsAnswered304WithoutABody() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + file + "?format=raw", "If-None-Match", "\"x\", W/\"" + file + ".raw\"");
        assertEquals(304, r.statusCode());
        assertEquals(0, r.body().length);
    }

    @Test
    void headSendsTheHeadersAlone() throws Exception {
        HttpResponse<byte[]> r = f.head("/ipfs/" + file + "?format=raw");
        assertEquals(200, r.statusCode());
        assertEquals(0, r.body().length);
        assertTrue(r.headers().firstValue("Etag").isPresent());
    }
}
