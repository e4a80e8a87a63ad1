package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code config} over the RPC API: Kubo's {@code {"Key","Value"}} and error texts; edits go to the repository's config file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcConfigTest {
    @TempDir
    static Path dir;
    private static Node node;
    private static HttpClient client;
    private static String api;
    private static Path repo;

    @BeforeAll
    static void start() throws Exception {
        repo = dir.resolve("repo");
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

    @Test
    void oneEntryAsKuboAnswersIt() throws Exception {
        assertEquals("{\"Key\":\"Identity.PeerID\",\"Value\":\"" + node.peerId() + "\"}\n",
                post("config?arg=Identity.PeerID").body());
        assertTrue(post("config?arg=Addresses").body().startsWith("{\"Key\":\"Addresses\",\"Value\":{\"API\":\"/ip4/127.0.0.1/tcp/"),
                "one address is a string, as Kubo's Strings");
        assertEquals("{\"Key\":\"Routing.Type\",\"Value\":\"none\"}\n", post("config/Routing.Type").body(),
                "the key may be the path's last segment, as go-ipfs-cmds takes it");
        HttpResponse<String> missing = post("config?arg=Addresses.Nope");
        assertEquals(500, missing.statusCode());
        assertEquals("{\"Message\":\"failed to get config value: \\\"Addresses.Nope not found\\\"\",\"Code\":0,\"Type\":\"error\"}\n",
                missing.body());
        assertTrue(post("config?arg=Identity.PeerID.x").body().contains("Identity.PeerID key is not a map"));
        assertTrue(post("config?arg=Identity.PrivKey").body().contains("cannot show or change private key through API"));
    }

    @Test
    void settingWritesTheRepositorysConfigFileAndAnswersAsKubo() throws Exception {
        assertEquals("{\"Key\":\"Swarm.ConnMgr.HighWater\",\"Value\":200}\n",
                post("config?arg=Swarm.ConnMgr.HighWater&arg=200&json=true").body());
        assertEquals("{\"Key\":\"Swarm.ConnMgr.HighWater\",\"Value\":200}\n", post("config?arg=Swarm.ConnMgr.HighWater").body());
        assertEquals("200", Repository.readConfig(repo).get("swarm.connMgr.highWater").orElseThrow());
        assertEquals("{\"Key\":\"Discovery.MDNS.Enabled\",\"Value\":false}\n",
                post("config?arg=Discovery.MDNS.Enabled&arg=false&bool=true").body());
        assertEquals("{\"Key\":\"Addresses.Gateway\",\"Value\":\"/ip4/127.0.0.1/tcp/8081\"}\n",
                post("config?arg=Addresses.Gateway&arg=/ip4/127.0.0.1/tcp/8081").body());
        assertEquals("{\"Key\":\"Addresses.Gateway\",\"Value\":\"/ip4/127.0.0.1/tcp/8081\"}\n",
                post("config?arg=Addresses.Gateway").body(), "what the file says, which the next start takes");
        HttpResponse<String> wrong = post("config?arg=Swarm.ConnMgr.LowWater&arg=ten");
        assertEquals(500, wrong.statusCode());
        assertTrue(wrong.body().contains("cannot unmarshal string into Go struct field ConnMgr.Swarm.ConnMgr.LowWater of "
                + "type int64 (maybe use --json?)"), wrong.body());
        assertTrue(post("config?arg=Nope.Key&arg=x").body().contains("p2pkit has no config key \\\"Nope.Key\\\""));
        assertTrue(post("config?arg=Identity.PrivKey&arg=x").body().contains("cannot show or change private key"));
    }

    @Test
    void anImportKeySetWhileTheNodeRunsAppliesToTheNextAddAsKubos() throws Exception {
        try (RpcTestClient rpc = new RpcTestClient(node)) {
            String before = field(rpc.upload("add?only-hash=true", "import settings").body(), "Hash");
            assertTrue(before.startsWith("Qm"), before);
            post("config?arg=Import.CidVersion&arg=1&json=true");
            post("config?arg=Import.HashFunction&arg=sha2-512");
            String after = field(rpc.upload("add?only-hash=true", "import settings").body(), "Hash");
            Cid cid = Cid.parse(after);
            assertEquals(1, cid.version());
            assertEquals(Multicodec.RAW, cid.codec(), "CIDv1 means raw leaves");
            assertEquals(Multicodec.SHA2_512, cid.multihash().code());
            // block put and dag put take their hash from Import.HashFunction too, and an option still wins
            String block = rpc.upload("block/put", "a block").body();
            assertEquals(Multicodec.SHA2_512, Cid.parse(field(block, "Key")).multihash().code(), block);
            String dag = rpc.upload("dag/put", "{\"a\":1}").body();
            Cid node = Cid.parse(dag.substring(dag.indexOf("\"/\":\"") + 5, dag.lastIndexOf('"')));
            assertEquals(Multicodec.SHA2_512, node.multihash().code(), dag);
            String given = rpc.upload("block/put?mhtype=sha2-256", "a block").body();
            assertTrue(given.contains("\"Key\":\"bafkrei"), given);
            HttpResponse<String> refused = post("config?arg=Import.UnixFSHAMTDirectoryMaxFanout&arg=100&json=true");
            assertEquals(500, refused.statusCode());
            assertTrue(refused.body().contains("Import.UnixFSHAMTDirectoryMaxFanout must be a power of 2, between 8 and 1024"
                    + " (got 100)"), refused.body());
        } finally {
            post("config?arg=Import.CidVersion&arg=null&json=true");
            post("config?arg=Import.HashFunction&arg=null&json=true");
        }
        assertTrue(Repository.readConfig(repo).get("import.cidVersion").isEmpty(), "null removes the key");
    }

    private static String field(String json, String name) {
        return ((java.util.Map<?, ?>) io.p2pkit.testing.TinyJson.parse(json)).get(name).toString();
    }

    @Test
    void replaceAndProfileApply() throws Exception {
        String boundary = "p2pkit-config-test";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"config\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "{\"Provide\":{\"Strategy\":\"pinned\",\"DHT\":{\"Interval\":\"12h\"}},\"Swarm\":{\"ConnMgr\":{\"HighWater\":20}}}"
                + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> replaced = client.send(HttpRequest.newBuilder(URI.create(api + "config/replace"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals("pinned", Repository.readConfig(repo).get("reprovider.strategy").orElseThrow());
        assertEquals("{\"Key\":\"Provide.DHT.Interval\",\"Value\":\"12h\"}\n", post("config?arg=Provide.DHT.Interval").body());

        HttpResponse<String> dry = post("config/profile/apply?arg=lowpower&dry-run=true");
        assertEquals(200, dry.statusCode(), dry.body());
        assertTrue(dry.body().startsWith("{\"OldCfg\":{") && dry.body().contains("\"NewCfg\":{"), dry.body());
        assertEquals(16384, Repository.readConfig(repo).tiers().memoryMaxBlocks(), "a dry run writes nothing");
        assertEquals(200, post("config/profile/apply?arg=lowpower").statusCode());
        assertEquals(4096, Repository.readConfig(repo).tiers().memoryMaxBlocks());
        assertTrue(post("config/profile/apply?arg=nope").body().contains("unknown profile 'nope'"));
    }
}
