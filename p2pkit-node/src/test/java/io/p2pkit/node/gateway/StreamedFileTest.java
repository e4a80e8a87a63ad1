package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files served from a repository that does not re-hash its reads (Kubo's default), so that every
 * block goes from its file into a pooled direct buffer and from there to the response: whole,
 * by range, by several ranges, and over HEAD, for DAG-PB leaves (read in place) and raw leaves.
 * The fixtures' tests ({@link UnixfsPathTest}) cover the repository's default, which re-hashes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamedFileTest {
    private static final byte[] DATA = new byte[3 << 20];
    private static Node node;
    private static String url;
    private static Cid dagPbLeaves;
    private static Cid rawLeaves;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @TempDir
    static Path repo;

    @BeforeAll
    static void start() throws Exception {
        new Random(21).nextBytes(DATA);
        Repository.init(repo, RepoConfig.defaults().with("blockstore.hashOnRead", "false"));
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").content(NodeConfig.Content.of(repo))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
        url = HttpAddress.url(node.gatewayAddress().orElseThrow());
        BlockSink sink = BlockSink.of(node.content().orElseThrow().repository().blocks());
        dagPbLeaves = new Importer(ImportOptions.builder().chunker("size-262144").maxLinks(4).build(), sink)
                .importStream(new ByteArrayInputStream(DATA), "").root();
        rawLeaves = new Importer(ImportOptions.builder().cidVersion(1).rawLeaves(true).chunker("size-100000").build(), sink)
                .importStream(new ByteArrayInputStream(DATA), "").root();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    private static HttpResponse<byte[]> send(String method, Cid cid, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/ipfs/" + cid)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aFileIsServedWholeByRangeAndOverHeadWithItsBytes() throws Exception {
        for (Cid file : new Cid[] {dagPbLeaves, rawLeaves}) {
            for (int round = 0; round < 3; round++) { // later rounds reuse the pool's buffers
                HttpResponse<byte[]> whole = send("GET", file);
                assertEquals(200, whole.statusCode());
                assertArrayEquals(DATA, whole.body(), "the whole of " + file);
            }
            HttpResponse<byte[]> range = send("GET", file, "Range", "bytes=262000-1500000");
            assertEquals(206, range.statusCode());
            assertArrayEquals(Arrays.copyOfRange(DATA, 262000, 1500001), range.body());
            HttpResponse<byte[]> tail = send("GET", file, "Range", "bytes=-5");
            assertArrayEquals(Arrays.copyOfRange(DATA, DATA.length - 5, DATA.length), tail.body());
            HttpResponse<byte[]> head = send("HEAD", file);
            assertEquals(200, head.statusCode());
            assertEquals(Long.toString(DATA.length), head.headers().firstValue("Content-Length").orElseThrow());
            assertEquals(0, head.body().length);
        }
    }

    @Test
    void severalRangesOfAFileComeAsMultipartWithTheirBytes() throws Exception {
        HttpResponse<byte[]> r = send("GET", dagPbLeaves, "Range", "bytes=10-19,2000000-2000009");
        assertEquals(206, r.statusCode());
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        String first = new String(Arrays.copyOfRange(DATA, 10, 20), StandardCharsets.ISO_8859_1);
        String second = new String(Arrays.copyOfRange(DATA, 2_000_000, 2_000_010), StandardCharsets.ISO_8859_1);
        assertTrue(body.contains("Content-Range: bytes 10-19/" + DATA.length + "\r\n\r\n" + first + "\r\n--"), body);
        assertTrue(body.contains("Content-Range: bytes 2000000-2000009/" + DATA.length + "\r\n\r\n" + second + "\r\n--"));
    }
}
