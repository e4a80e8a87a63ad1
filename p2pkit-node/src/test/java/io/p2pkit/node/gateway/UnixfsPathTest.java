package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path gateway for UnixFS: files (types, ranges, names), directories (redirects, index.html,
 * listings), symlinks, HAMT directories and tar archives, over the path_gateway_unixfs,
 * dir_listing, gateway-cache and path_gateway_tar fixtures.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnixfsPathTest {
    private static GatewayFixtures f;
    private static Cid cache;
    private static Cid listing;
    private static Cid files;

    @BeforeAll
    static void start() throws Exception {
        f = GatewayFixtures.start();
        cache = GatewayFixtures.root("gateway-cache/fixtures.car");
        listing = GatewayFixtures.root("dir_listing/fixtures.car");
        files = GatewayFixtures.root("path_gateway_unixfs/dir-with-files.car");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) { // null when a prerequisite aborted start
            f.close();
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static byte[] fileBytes(Cid cid) throws Exception {
        try (InputStream in = new Exporter(f::blockSource).read(cid)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFileIsSentWithItsTypeItsCidAsEtagAndEveryRootOnThePath() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + cache + "/root2/root3/root4/index.html");
        assertEquals(200, r.statusCode());
        Cid file = f.cid(cache, "root2", "root3", "root4", "index.html");
        assertArrayEquals(fileBytes(file), r.body());
        assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("\"" + file + "\"", r.headers().firstValue("Etag").orElseThrow());
        assertEquals("public, max-age=29030400, immutable", r.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(String.join(",", cache.toString(), f.cid(cache, "root2").toString(),
                f.cid(cache, "root2", "root3").toString(), f.cid(cache, "root2", "root3", "root4").toString(),
                file.toString()), r.headers().firstValue("X-Ipfs-Roots").orElseThrow());
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"%s\"", "W/\"%s\"", "\"a\", \"b\", \"%s\"", "*"})
    void ifNoneMatchWithTheFilesEtagIs304(String header) throws Exception {
        Cid file = f.cid(cache, "root2", "root3", "root4", "index.html");
        HttpResponse<byte[]> r = f.get("/ipfs/" + cache + "/root2/root3/root4/index.html", "If-None-Match",
                header.replace("%s", file.toString()));
        assertEquals(304, r.statusCode());
    }

    @Test
    void aDirectoryWithoutTheSlashIsRedirectedKeepingTheEncoding() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + listing + "/%C4%85/%C4%99?x=1");
        assertEquals(301, r.statusCode());
        assertEquals("/ipfs/" + listing + "/%C4%85/%C4%99/?x=1", r.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void aDirectoryWithIndexHtmlServesItUnderTheDirectorysCid() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + cache + "/root2/root3/root4/");
        assertEquals(200, r.statusCode());
        Cid dir = f.cid(cache, "root2", "root3", "root4");
        assertEquals("\"" + dir + "\"", r.headers().firstValue("Etag").orElseThrow());
        assertArrayEquals(fileBytes(f.cid(cache, "root2", "root3", "root4", "index.html")), r.body());
    }

    @Test
    void aDirectoryListingLinksEveryEntryItsCidAndTheWayUp() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + listing + "/%C4%85/%C4%99/");
        assertEquals(200, r.statusCode());
        String page = text(r);
        Cid file = f.cid(listing, "ą", "ę", "file-źł.txt");
        String base = "/ipfs/" + listing + "/%C4%85/%C4%99";
        assertTrue(page.contains("Index of"), page);
        assertTrue(page.contains("<a href=\"" + base + "/..\">..</a>"), page);
        assertTrue(page.contains("<a href=\"" + base + "/file-%C5%BA%C5%82.txt\">file-źł.txt</a>"), page);
        assertTrue(page.contains("href=\"/ipfs/" + file + "?filename=file-%25C5%25BA%25C5%2582.txt\""), page);
        assertTrue(r.headers().firstValue("Etag").orElseThrow().matches("\"DirIndex-.*_CID-"
                + f.cid(listing, "ą", "ę") + "\""));
        HttpResponse<byte[]> top = f.get("/ipfs/" + listing + "/");
        assertFalse(text(top).contains(">..</a>"), "the root has no way up");
    }

    @Test
    void aHamtDirectoryIsListedAndItsEntriesFound() throws Exception {
        Cid hamt = GatewayFixtures.root("trustless_gateway_car/single-layer-hamt-with-multi-block-files.car");
        HttpResponse<byte[]> page = f.get("/ipfs/" + hamt + "/");
        assertEquals(200, page.statusCode());
        assertTrue(text(page).contains(">685.txt</a>"));
        HttpResponse<byte[]> file = f.get("/ipfs/" + hamt + "/685.txt");
        assertEquals(200, file.statusCode());
        assertArrayEquals(fileBytes(f.cid(hamt, "685.txt")), file.body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"bytes=6-16|6|16", "bytes=-3|28|30", "bytes=6-16,40-50|6|16", "bytes=25-|25|30",
        "bytes=20-1000|20|30"})
    void aRangeIsAnsweredWithItsBytes(String range, int first, int last) throws Exception {
        Cid file = f.cid(files, "ascii.txt");
        byte[] all = fileBytes(file);
        HttpResponse<byte[]> r = f.get("/ipfs/" + files + "/ascii.txt", "Range", range);
        assertEquals(206, r.statusCode());
        assertEquals("bytes " + first + "-" + last + "/" + all.length, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(all, first, last + 1), r.body());
    }

    @Test
    void severalRangesAreAnsweredAsMultipartByteranges() throws Exception {
        Cid file = f.cid(files, "ascii.txt");
        byte[] all = fileBytes(file);
        HttpResponse<byte[]> r = f.get("/ipfs/" + files + "/ascii.txt", "Range", "bytes=0-1,5-9,-2");
        assertEquals(206, r.statusCode());
        String type = r.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        String expected = "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-1/31\r\n\r\n"
                + new String(all, 0, 2, StandardCharsets.US_ASCII)
                + "\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 5-9/31\r\n\r\n"
                + new String(all, 5, 5, StandardCharsets.US_ASCII)
                + "\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 29-30/31\r\n\r\n"
                + new String(all, 29, 2, StandardCharsets.US_ASCII) + "\r\n--" + boundary + "--\r\n";
        assertEquals(31, all.length);
        assertEquals(expected, new String(r.body(), StandardCharsets.US_ASCII));
        assertEquals(Integer.toString(r.body().length), r.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void overlappingRangesGetTheWholeFile() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipfs/" + files + "/ascii.txt", "Range", "bytes=0-10,5-9");
        assertEquals(200, r.statusCode());
        assertArrayEquals(fileBytes(f.cid(files, "ascii.txt")), r.body());
    }

    @Test
    void aRangeAvoidsBlocksItDoesNotNeed() throws Exception {
        Cid file = GatewayFixtures.root("trustless_gateway_car/file-3k-and-3-blocks-missing-block.car");
        HttpResponse<byte[]> r = f.get("/ipfs/" + file, "Range", "bytes=997-1000");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 997-1000/3072", r.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void filenameAndDownloadSetTheDisposition() throws Exception {
        Cid file = f.cid(files, "ascii.txt");
        HttpResponse<byte[]> inline = f.get("/ipfs/" + file + "?filename=a%20b.txt");
        assertEquals("inline; filename=\"a b.txt\"", inline.headers().firstValue("Content-Disposition").orElseThrow());
        HttpResponse<byte[]> download = f.get("/ipfs/" + file + "?filename=%D1%82.txt&download=true");
        assertEquals("attachment; filename=\"_.txt\"; filename*=UTF-8''%D1%82.txt",
                download.headers().firstValue("Content-Disposition").orElseThrow());
    }

    @Test
    void aNameWithAnEncodedPercentIsFound() throws Exception {
        Cid dir = GatewayFixtures.root("path_gateway_unixfs/dir-with-percent-encoded-filename.car");
        HttpResponse<byte[]> r = f.get("/ipfs/" + dir + "/Portugal%252C+Espa%C3%B1a=Peninsula%20Ib%C3%A9rica.txt");
        assertEquals(200, r.statusCode(), text(r));
        assertEquals("hello from a percent encoded filename\n", text(r));
    }

    @Test
    void aSymlinkIsSentAsItsTarget() throws Exception {
        Cid dir = GatewayFixtures.root("path_gateway_unixfs/symlink.car");
        HttpResponse<byte[]> r = f.get("/ipfs/" + dir + "/bar");
        assertEquals(200, r.statusCode());
        assertEquals("foo", text(r));
    }

    @Test
    void aTarHoldsTheTreeUnderTheCid() throws Exception {
        Cid dir = GatewayFixtures.root("path_gateway_tar/fixtures.car");
        HttpResponse<byte[]> r = f.get("/ipfs/" + dir + "?format=tar");
        assertEquals(200, r.statusCode());
        assertEquals("application/x-tar", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("W/\"" + dir + ".x-tar\"", r.headers().firstValue("Etag").orElseThrow());
        List<String> names = tarNames(r.body());
        assertTrue(names.contains(dir + "/ą/ę/file-źł.txt"), names.toString());
        Cid outside = GatewayFixtures.root("path_gateway_tar/outside-root.car");
        assertEquals(400, f.get("/ipfs/" + outside + "?format=tar").statusCode());
        Cid inside = GatewayFixtures.root("path_gateway_tar/inside-root.car");
        assertTrue(tarNames(f.get("/ipfs/" + inside + "?format=tar").body()).contains(inside + "/foobar/file"));
    }

    /** The entry names of a tar archive, PAX path records applied. */
    private static List<String> tarNames(byte[] tar) throws Exception {
        List<String> names = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(tar);
        String pax = null;
        while (true) {
            byte[] h = in.readNBytes(512);
            if (h.length < 512 || h[0] == 0) {
                return names;
            }
            String name = new String(h, 0, 100, StandardCharsets.UTF_8).replace("\0", "");
            long size = Long.parseLong(new String(h, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            byte[] body = in.readNBytes((int) size);
            in.skipNBytes((512 - size % 512) % 512);
            if (h[156] == 'x') {
                String rec = new String(body, StandardCharsets.UTF_8);
                pax = rec.substring(rec.indexOf("path=") + 5, rec.indexOf('\n', rec.indexOf("path=")));
                continue;
            }
            names.add(pax != null ? pax : name);
            pax = null;
        }
    }
}
