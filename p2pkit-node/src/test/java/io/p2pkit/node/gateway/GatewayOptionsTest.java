package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.config.GatewayOptions;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's {@code Gateway.*} settings on a running gateway: a gateway that does not fetch answers
 * 404 for what it lacks, a trustless-only gateway 406 for deserialised responses, a full gateway
 * 429 with Retry-After, a large file refuses ranges with 501, and {@code /routing/v1} can be off.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayOptionsTest {
    /** A CID of 1 KiB of zeros in no repository here (and nowhere on loopback). */
    private static final String ABSENT = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30)).build();

    @TempDir
    Path dir;

    private Node start(GatewayOptions options, RepoConfig repo) throws Exception {
        Path root = java.nio.file.Files.createTempDirectory(dir, "repo"); // one per node a test starts
        Repository.init(root, repo);
        return Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").content(NodeConfig.Content.of(root))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).gatewayOptions(options)
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
    }

    /** The value of one line of the node's Prometheus text ({@code name{labels}}), 0 when absent. */
    private static double metric(Node node, String line) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow())
                + "/debug/metrics/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(l.substring(line.length() + 1)))
                .findFirst().orElse(0);
    }

    private static Cid add(Node node, byte[] data) throws Exception {
        BlockSink sink = BlockSink.of(node.content().orElseThrow().repository().blocks());
        return new Importer(ImportOptions.builder().cidVersion(1).rawLeaves(true).chunker("size-65536").build(), sink)
                .importStream(new ByteArrayInputStream(data), "").root();
    }

    private static HttpResponse<String> get(Node node, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(HttpAddress.url(node.gatewayAddress().orElseThrow()) + path))
                .timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aGatewayThatDoesNotFetchAnswers404ForWhatItLacksAndServesWhatItHas() throws Exception {
        try (Node node = start(new GatewayOptions(true, true, Duration.ZERO, 0, 0, true), RepoConfig.defaults())) {
            Cid file = add(node, "here".getBytes());
            HttpResponse<String> here = get(node, "/ipfs/" + file);
            assertEquals(200, here.statusCode());
            assertEquals("here", here.body());
            HttpResponse<String> absent = get(node, "/ipfs/" + ABSENT);
            assertEquals(404, absent.statusCode(), "Kubo's offline block service: not found, not a timeout");
            assertTrue(absent.body().contains("does not fetch (Gateway.NoFetch)"), absent.body());
            assertEquals(412, get(node, "/ipfs/" + ABSENT, "Cache-Control", "only-if-cached").statusCode(),
                    "only-if-cached keeps the spec's 412");
            assertEquals(404, get(node, "/ipfs/" + ABSENT + "?format=raw").statusCode());
        }
    }

    @Test
    void theOperatorsHeadersAreOnEveryResponseAndWhatIsNotServedIsRedirected() throws Exception {
        GatewayOptions options = GatewayOptions.DEFAULT.withHttpHeaders(java.util.Map.of(
                "x-served-by", java.util.List.of("p2pkit", "test"),
                "Access-Control-Allow-Origin", java.util.List.of("https://app.example"),
                "Access-Control-Expose-Headers", java.util.List.of("X-Served-By")))
                .withRootRedirect("https://docs.example/start");
        try (Node node = start(options, RepoConfig.defaults())) {
            Cid file = add(node, "headers".getBytes());
            for (HttpResponse<String> r : java.util.List.of(get(node, "/ipfs/" + file), get(node, "/ipfs/" + ABSENT
                    + "/nope", "Cache-Control", "only-if-cached"))) {
                assertEquals(java.util.List.of("p2pkit", "test"), r.headers().allValues("X-Served-By"), "one line per value");
                assertEquals(java.util.List.of("https://app.example"), r.headers().allValues("Access-Control-Allow-Origin"),
                        "the operator's origin replaces *");
                assertEquals("GET, HEAD, OPTIONS", r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
                assertEquals("Content-Length, Content-Range, X-Chunked-Output, X-Ipfs-Path, X-Ipfs-Roots, X-Served-By, "
                        + "X-Stream-Output", r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow(),
                        "exposed headers join the defaults");
            }
            for (String path : java.util.List.of("/", "/favicon.ico")) {
                HttpResponse<String> root = get(node, path);
                assertEquals(302, root.statusCode(), path);
                assertEquals("https://docs.example/start", root.headers().firstValue("Location").orElseThrow());
            }
        }
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GatewayOptions.DEFAULT.withHttpHeaders(java.util.Map.of("Bad Name", java.util.List.of("x"))))
                .getMessage().contains("'Bad Name' is not an HTTP header name"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GatewayOptions.DEFAULT.withHttpHeaders(java.util.Map.of("X-A", java.util.List.of("a\r\nSet-Cookie: b"))))
                .getMessage().contains("must be one line"));
    }

    @Test
    void aBrowserGetsAnErrorPageUnlessHtmlErrorsAreOff() throws Exception {
        String browser = "text/html,application/xhtml+xml,*/*;q=0.8";
        try (Node node = start(GatewayOptions.DEFAULT, RepoConfig.defaults())) {
            Cid file = add(node, "<page>".getBytes());
            HttpResponse<String> page = get(node, "/ipfs/" + file + "/%3Cmissing%3E", "Accept", browser);
            assertEquals(404, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertTrue(page.body().contains("<title>404 Not Found</title>"), page.body());
            assertTrue(page.body().contains("&lt;missing&gt;") && !page.body().contains("<missing>"), "escaped: " + page.body());
            HttpResponse<String> tool = get(node, "/ipfs/" + file + "/missing");
            assertTrue(tool.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"), "no Accept: text");
        }
        try (Node node = start(GatewayOptions.DEFAULT.withDisableHtmlErrors(true), RepoConfig.defaults())) {
            HttpResponse<String> plain = get(node, "/ipfs/" + ABSENT + "/x", "Accept", browser, "Cache-Control", "only-if-cached");
            assertEquals(412, plain.statusCode());
            assertTrue(plain.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"), plain.body());
        }
    }

    @Test
    void oneHostnameMayBeTrustlessOnWhatIsAFullGateway() throws Exception {
        Path root = java.nio.file.Files.createTempDirectory(dir, "repo");
        Repository.init(root, RepoConfig.defaults());
        io.p2pkit.node.config.GatewayHosts hosts = io.p2pkit.node.config.GatewayHosts.DEFAULT
                .with("trustless.example", new io.p2pkit.node.config.GatewayHosts.PublicGateway(
                        java.util.List.of("/ipfs", "/ipns"), false, false, false, false));
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").content(NodeConfig.Content.of(root))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).gatewayHosts(hosts).build())) {
            Cid file = add(node, "per host".getBytes());
            assertEquals(200, get(node, "/ipfs/" + file).statusCode(), "the gateway's own setting elsewhere");
            HttpResponse<String> refused = get(node, "/ipfs/" + file, "X-Forwarded-Host", "trustless.example");
            assertEquals(406, refused.statusCode(), refused.body());
            assertEquals(200, get(node, "/ipfs/" + file + "?format=raw", "X-Forwarded-Host", "trustless.example")
                    .statusCode(), "a raw block is trustless");
        }
    }

    @Test
    void aTrustlessOnlyGatewayServesBlocksCarsAndRecordsAndRefusesTheRestWith406() throws Exception {
        try (Node node = start(new GatewayOptions(false, false, Duration.ZERO, 0, 0, true), RepoConfig.defaults())) {
            Cid file = add(node, "trustless".getBytes());
            assertEquals(200, get(node, "/ipfs/" + file + "?format=raw").statusCode());
            assertEquals(200, get(node, "/ipfs/" + file, "Accept", "application/vnd.ipld.car").statusCode());
            HttpResponse<String> deserialized = get(node, "/ipfs/" + file);
            assertEquals(406, deserialized.statusCode());
            assertTrue(deserialized.body().contains("only trustless requests are accepted on this gateway"),
                    deserialized.body());
            assertEquals(406, get(node, "/ipfs/" + file + "/x?format=raw").statusCode(), "a raw block is named by its CID alone");
            assertEquals(406, get(node, "/ipfs/" + file + "?format=dag-json").statusCode());
            assertEquals(406, get(node, "/ipns/example.com?format=ipns-record").statusCode(), "DNSLink is not verifiable");
            assertEquals(406, get(node, "/ipns/" + node.peerId()).statusCode());
        }
    }

    @Test
    void oneRequestOverTheLimitIsAnswered429WithRetryAfter() throws Exception {
        // one slot, held by a request for a block nobody has, which waits for the network for 5 s
        try (Node node = start(new GatewayOptions(false, true, Duration.ZERO, 1, 0, true),
                RepoConfig.defaults().with("remote.timeout", "5s"))) {
            Cid present = add(node, "present".getBytes());
            HttpResponse<String> refused = null;
            CompletableFuture<HttpResponse<String>> held = null;
            // the held request may lose the slot to a probe that comes first: then it is sent again
            for (int attempt = 0; refused == null && attempt < 5; attempt++) {
                held = CompletableFuture.supplyAsync(() -> {
                    try {
                        return get(node, "/ipfs/" + ABSENT);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                while (!held.isDone() && refused == null) { // held ends within remote.timeout
                    HttpResponse<String> probe = get(node, "/ipfs/" + present);
                    refused = probe.statusCode() == 429 ? probe : null;
                }
            }
            assertTrue(refused != null, "a probe met the held request");
            assertEquals("60", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("no-store", refused.headers().firstValue("Cache-Control").orElseThrow());
            assertTrue(refused.body().contains("Too many requests. Please retry after 60 seconds."), refused.body());
            assertEquals(504, held.get(60, TimeUnit.SECONDS).statusCode(), "the held request ends as it would have");
            Cid file = add(node, "after".getBytes());
            assertEquals(200, get(node, "/ipfs/" + file).statusCode(), "its slot was given back");
        }
    }

    @Test
    void aRequestSilentForTheRetrievalTimeoutIs504AndAFileThatStallsIsCut() throws Exception {
        // a block waits for the network for a minute (remote.timeout): the gateway's second ends it first
        try (Node node = start(new GatewayOptions(false, true, Duration.ofSeconds(1), 0, 0, true), RepoConfig.defaults())) {
            HttpResponse<String> absent = get(node, "/ipfs/" + ABSENT);
            assertEquals(504, absent.statusCode());
            assertTrue(absent.body().contains("no data for 1s (Gateway.RetrievalTimeout)"), absent.body());
            Cid small = add(node, "after the timeout".getBytes());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get(node, "/ipfs/" + small).statusCode(), "no interrupt is left for later requests");
            }
            byte[] data = new byte[300_000];
            new Random(11).nextBytes(data);
            Cid file = add(node, data);
            io.p2pkit.ipfs.block.Block third = io.p2pkit.ipfs.block.Block.create(io.p2pkit.core.multiformats.Multicodec.RAW,
                    io.p2pkit.core.multiformats.Multicodec.SHA2_256, java.util.Arrays.copyOfRange(data, 131_072, 196_608));
            assertTrue(node.content().orElseThrow().repository().blocks().delete(third.cid().multihash()));
            HttpResponse<java.io.InputStream> stalled = HTTP.send(HttpRequest.newBuilder(URI.create(
                    HttpAddress.url(node.gatewayAddress().orElseThrow()) + "/ipfs/" + file)).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stalled.statusCode(), "the first leaves went out");
            byte[] got;
            try (java.io.InputStream in = stalled.body()) {
                got = in.readAllBytes();
            } catch (java.io.IOException cut) {
                got = null;
            }
            assertTrue(got == null || got.length < data.length, "the response is cut, not completed");
            assertEquals(200, get(node, "/ipfs/" + small).statusCode());
            // counted as boxo's gateway counts them: the 504 before a status, the 200 cut after it
            assertEquals(1, metric(node, "ipfs_http_gw_retrieval_timeouts_total{code=\"504\",truncated=\"false\"}"));
            assertEquals(1, metric(node, "ipfs_http_gw_retrieval_timeouts_total{code=\"200\",truncated=\"true\"}"));
        }
    }

    @Test
    void rangesOfALargeFileAre501AndRoutingV1CanBeOff() throws Exception {
        try (Node node = start(new GatewayOptions(false, true, Duration.ZERO, 0, 100_000, false), RepoConfig.defaults())) {
            byte[] big = new byte[200_000];
            new Random(7).nextBytes(big);
            Cid large = add(node, big);
            Cid small = add(node, new byte[50_000]);
            HttpResponse<String> refused = get(node, "/ipfs/" + large, "Range", "bytes=0-9");
            assertEquals(501, refused.statusCode());
            assertTrue(refused.body().contains("range requests not supported for files larger than 100000 bytes: "
                    + "switch to verifiable block requests (application/vnd.ipld.raw)"), refused.body());
            assertEquals(200, get(node, "/ipfs/" + large).statusCode(), "the whole file is served");
            assertEquals(206, get(node, "/ipfs/" + small, "Range", "bytes=0-9").statusCode());
            HttpResponse<String> routing = get(node, "/routing/v1/providers/" + small);
            assertEquals(404, routing.statusCode());
            assertFalse(routing.body().contains("Providers"), routing.body());
        }
    }
}
