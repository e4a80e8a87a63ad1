package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.kad.Mode;
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
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo 0.43's native URIs as input ({@code ipfs://<cid>/a}, {@code ipns://<name>}, the forms
 * without {@code //}, the scheme in any case) wherever a command takes a content path or a CID;
 * the cases follow Kubo's own ({@code test/cli/path_uri_test.go}, {@code cmdutils/utils_test.go}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcNativeUriTest {
    private static final String CONTENT = "hello ipfs uri";
    @TempDir
    static Path dir;
    private static Node router;
    private static Node node;
    private static RpcTestClient rpc;
    private static Cid file;
    private static Cid tree;

    @BeforeAll
    static void start() throws Exception {
        // names are published to, and resolved from, a delegated router (no DHT to bootstrap)
        router = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .delegatedRouters(List.of(URI.create(HttpAddress.url(router.gatewayAddress().orElseThrow()))))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("repo"))).build());
        rpc = new RpcTestClient(node);
        Importer importer = new Importer(ImportOptions.UNIXFS_V1_2025,
                BlockSink.of(node.content().orElseThrow().repository().blocks()));
        file = importer.importStream(new java.io.ByteArrayInputStream(CONTENT.getBytes(StandardCharsets.UTF_8)), "").root();
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("a.txt"), "a");
        tree = importer.importPath(site).root();
    }

    @AfterAll
    static void stop() {
        rpc.close();
        node.close();
        router.close();
    }

    private static HttpResponse<String> post(String command, String arg) throws Exception {
        return rpc.post(command + (command.contains("?") ? "&" : "?") + "arg=" + URLEncoder.encode(arg, StandardCharsets.UTF_8));
    }

    private static String ok(String command, String arg) throws Exception {
        HttpResponse<String> r = post(command, arg);
        assertEquals(200, r.statusCode(), command + " " + arg + ": " + r.body());
        return r.body();
    }

    private static String failure(String command, String arg) throws Exception {
        HttpResponse<String> r = post(command, arg);
        assertEquals(500, r.statusCode(), command + " " + arg + ": " + r.body());
        String body = r.body();
        return body.substring(body.indexOf("\"Message\":\"") + 11, body.indexOf("\",\"Code\""));
    }

    @Test
    void catTakesEveryFormAsABareCid() throws Exception {
        for (String arg : List.of(file.toString(), "/ipfs/" + file, "ipfs://" + file, "ipfs:" + file, "IPFS://" + file,
                "IpFs:" + file)) {
            assertEquals(CONTENT, ok("cat", arg), arg);
        }
    }

    @Test
    void pathsBelowTheRootWorkThroughAUri() throws Exception {
        assertTrue(ok("block/stat", "ipfs://" + file).contains(file.toString()));
        assertTrue(ok("ls", "ipfs://" + tree).contains("a.txt"));
        assertEquals("a", ok("cat", "ipfs://" + tree + "/a.txt"));
        assertEquals("a", ok("cat", "ipfs:" + tree + "/./b/../a.txt"), "cleaned as a path is");
        assertTrue(ok("dag/stat?progress=false", "ipld://" + tree).contains("\"NumBlocks\":2"));
        assertTrue(ok("pin/add", "ipfs://" + tree).contains(tree.toString()));
        assertTrue(ok("pin/ls", "ipfs:" + tree).contains(tree.toString()));
        assertTrue(ok("refs", "ipfs://" + tree).contains("\"Ref\":\""));
        assertEquals("{\"Path\":\"/ipfs/" + file + "\"}\n", ok("resolve", "ipfs://" + file));
    }

    @Test
    void mfsTakesAUriAsContentNotAsAFilesPath() throws Exception {
        assertTrue(ok("files/stat", "ipfs://" + tree).contains("\"Hash\":\"" + tree + "\""));
        assertEquals(200, rpc.post("files/cp?arg=" + URLEncoder.encode("ipfs://" + tree + "/a.txt", StandardCharsets.UTF_8)
                + "&arg=/uri-a.txt").statusCode());
        assertEquals("a", ok("files/read", "/uri-a.txt"));
    }

    @Test
    void namesPublishAndResolveThroughUris() throws Exception {
        String name = node.peerId().toString(Multibase.Encoding.BASE36);
        assertTrue(ok("name/publish?allow-offline=true", "ipfs://" + file).contains("\"Value\":\"/ipfs/" + file + "\""));
        for (String arg : List.of(name, "/ipns/" + name, "ipns://" + name, "ipns:" + name, "IPNS://" + name)) {
            assertEquals("{\"Path\":\"/ipfs/" + file + "\"}\n", ok("name/resolve", arg), arg);
        }
        assertEquals("{\"Path\":\"/ipfs/" + file + "\"}\n", ok("resolve", "ipns://" + name));
        assertEquals(CONTENT, ok("cat", "ipns://" + name), "a name resolves on the way, as /ipns/ does");
        // every command that takes a content path resolves a name first, as Kubo's do
        assertEquals(CONTENT, ok("cat", "/ipns/" + name));
        assertTrue(ok("block/stat", "/ipns/" + name).contains(file.toString()));
        assertTrue(ok("dag/stat?progress=false", "ipns:" + name).contains("\"NumBlocks\":1"));
        assertTrue(ok("pin/add", "/ipns/" + name).contains(file.toString()));
        // name resolution stays IPNS-only: an ipfs:// URI is refused, not echoed back
        assertEquals("\\\"ipfs://" + file + "\\\" is not an IPNS name", failure("name/resolve", "ipfs://" + file));
    }

    @Test
    void commandsThatTakeOneCidTakeItsUriAndNothingBelowIt() throws Exception {
        assertEquals("\\\"ipfs://" + tree + "/a.txt\\\" points below a root CID, expected a single CID",
                failure("routing/findprovs", "ipfs://" + tree + "/a.txt"));
        assertEquals("invalid path \\\"/ipns/example.com\\\": path was expected to be immutable",
                failure("routing/findprovs", "ipns://example.com"));
        assertEquals("invalid path \\\"/ipfs/\\\": path does not have enough components", failure("routing/findprovs", "ipfs://"));
        // the root's CID is parsed, and only then is the missing DHT an error
        String noDht = failure("routing/findprovs", "ipfs:" + file);
        assertTrue(!noDht.contains("invalid") && !noDht.contains("points below"), noDht);
    }

    @Test
    void anInvalidCidInAUriIsRefusedAsItsPath() throws Exception {
        assertTrue(failure("cat", "ipfs://not-a-cid").startsWith("invalid path \\\"/ipfs/not-a-cid\\\": "));
        assertEquals("invalid path \\\"/ipfs/\\\": path does not have enough components", failure("cat", "ipfs://"));
    }
}
