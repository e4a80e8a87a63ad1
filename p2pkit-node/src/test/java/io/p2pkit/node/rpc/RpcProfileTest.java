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

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code diag/profile} and {@code provide/clear} over the RPC API, in Kubo 0.39's shapes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcProfileTest {
    @TempDir
    static Path dir;
    private static Node node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
    }

    private static HttpResponse<byte[]> post(String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow())
                + "/api/v0/" + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aProfileIsAStreamedZip() throws Exception {
        HttpResponse<byte[]> r = post("diag/profile?collectors=version&collectors=goroutines-stack&collectors=cpu"
                + "&profile-time=200ms");
        assertEquals(200, r.statusCode());
        assertEquals(Optional.of("1"), r.headers().firstValue("X-Stream-Output"), "bytes, as Kubo streams its zip");
        assertEquals(Optional.of("text/plain"), r.headers().firstValue("Content-Type"));
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        assertEquals(List.of("version.json", "threads.stacks", "profile.jfr"), names);
    }

    @Test
    void durationsAreCheckedFirstWithKubosWords() throws Exception {
        HttpResponse<byte[]> time = post("diag/profile?profile-time=1x");
        assertEquals(500, time.statusCode());
        assertEquals("{\"Message\":\"failed to parse profile duration \\\"1x\\\": time: unknown unit \\\"x\\\" in duration "
                + "\\\"1x\\\"\",\"Code\":0,\"Type\":\"error\"}\n", text(time));
        assertEquals("{\"Message\":\"failed to parse block profile rate \\\"x\\\": time: invalid duration \\\"x\\\"\","
                + "\"Code\":0,\"Type\":\"error\"}\n", text(post("diag/profile?block-profile-rate=x")));
        assertEquals("could not convert value \"x\" to type \"int\" (for option \"-mutex-profile-fraction\")",
                text(post("diag/profile?mutex-profile-fraction=x")).strip(), "go-ipfs-cmds' plain text, as Kubo's");
        assertEquals(500, post("diag/profile?profile-time=1h").statusCode(), "above the cap");
    }

    @Test
    void anUnknownCollectorGivesAnEmptyZip() throws Exception {
        HttpResponse<byte[]> r = post("diag/profile?collectors=foo");
        assertEquals(200, r.statusCode(), "the error follows in the trailer, as Kubo's");
        assertEquals(22, r.body().length, "an empty zip");
    }

    @Test
    void provideClearAnswersTheCountOrNothing() throws Exception {
        HttpResponse<byte[]> json = post("provide/clear");
        assertEquals(Optional.of("1"), json.headers().firstValue("X-Chunked-Output"));
        assertEquals("0\n", text(json));
        assertEquals("removed 0 items from provide queue\n", text(post("provide/clear?enc=text")));
        assertEquals("", text(post("provide/clear?quiet=true")));
        assertEquals("", text(post("provide/clear?q=true&enc=text")));
    }
}
