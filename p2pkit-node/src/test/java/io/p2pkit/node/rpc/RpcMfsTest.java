package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code files/*} over the RPC API: Kubo's JSON shapes, error texts and CIDs (from Kubo 0.39 for the same operations). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcMfsTest {
    private static final String BOUNDARY = "mfsb0undary";

    @TempDir
    static Path dir;
    private static Node node;
    private static HttpClient client;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        client = HttpClient.newHttpClient();
        api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> write(String query, String data) throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + data + "\r\n--" + BOUNDARY + "--\r\n";
        return client.send(HttpRequest.newBuilder(URI.create(api + "files/write?" + query))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.ISO_8859_1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void writeStatLsReadAndErrors() throws Exception {
        assertEquals(200, post("files/mkdir?arg=/t1").statusCode());
        assertEquals(200, write("arg=/t1/a.txt&create=true", "hello\n").statusCode());
        assertEquals("{\"Hash\":\"QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM\",\"Size\":6,\"CumulativeSize\":64,"
                + "\"Blocks\":1,\"Type\":\"file\"}\n", post("files/stat?arg=/t1/a.txt").body());
        assertEquals(200, post("files/mkdir?arg=/t1/d/e/f&parents=true").statusCode());
        assertEquals("{\"Cid\":\"QmTBtS5dYUjdv7PHptJ73LeLBjJa1DKTt6uC4UYDvZnm3V\"}\n", post("files/flush?arg=/t1/d/e").body());
        assertEquals("{\"Entries\":[{\"Name\":\"a.txt\",\"Type\":0,\"Size\":0,\"Hash\":\"\"},"
                + "{\"Name\":\"d\",\"Type\":0,\"Size\":0,\"Hash\":\"\"}]}\n", post("files/ls?arg=/t1").body());
        assertTrue(post("files/ls?arg=/t1&long=true").body().contains(
                "{\"Name\":\"a.txt\",\"Type\":0,\"Size\":6,\"Hash\":\"QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM\"}"));
        assertEquals("{\"Entries\":null}\n", post("files/ls?arg=/t1/d/e/f").body());
        assertEquals("ell", post("files/read?arg=/t1/a.txt&offset=1&count=3").body());
        assertTrue(post("files/ls?arg=/t1&long=true&encoding=text").body()
                .startsWith("a.txt\tQmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM\t6\nd/\tQm"));

        HttpResponse<String> missing = post("files/stat?arg=/t1/nope");
        assertEquals(500, missing.statusCode());
        assertEquals("{\"Message\":\"file does not exist\",\"Code\":0,\"Type\":\"error\"}\n", missing.body());
        assertTrue(post("files/read?arg=/t1/nope").body().contains("\"/t1/nope: file does not exist\""));
        assertTrue(write("arg=/t1/b.txt", "x").body().contains("\"file does not exist\""));
        assertTrue(post("files/mkdir?arg=/t1/a.txt").body().contains("\"file already exists\""));
        assertTrue(post("files/stat?arg=/t1/a.txt&hash=true&size=true").body().contains(
                "format was set by multiple options. Only one format option is allowed"));
        HttpResponse<String> rm = post("files/rm?arg=/t1/d");
        assertTrue(rm.body().contains("/t1/d: path is a directory, use -r to remove directories"), rm.body());
    }

    @Test
    void copyFromIpfsMoveAndRemove() throws Exception {
        assertEquals(200, write("arg=/src/one&create=true&parents=true", "one\n").statusCode());
        String cid = post("files/stat?arg=/src/one&hash=true").body().replaceAll(".*\"Hash\":\"([^\"]+)\".*\n", "$1");
        assertTrue(post("files/cp?arg=/ipfs/" + cid + "&arg=/copies/").body().contains("file does not exist"));
        assertEquals(200, post("files/cp?arg=/ipfs/" + cid + "&arg=/copies/&parents=true").statusCode());
        assertTrue(post("files/stat?arg=/copies/" + cid).body().contains(cid));
        assertEquals(200, post("files/mv?arg=/src/one&arg=/copies/moved").statusCode());
        assertEquals("one\n", post("files/read?arg=/copies/moved").body());
        assertEquals(200, post("files/rm?arg=/copies&recursive=true").statusCode());
        assertTrue(post("files/stat?arg=/copies").body().contains("file does not exist"));
        assertEquals(200, post("files/mkdir?arg=/v1").statusCode());
        assertEquals(200, post("files/chcid?arg=/v1&cid-version=1").statusCode());
        assertTrue(post("files/stat?arg=/v1&hash=true").body().contains("\"Hash\":\"bafy"));
    }
}
