package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.exchange.ReprovideStrategy;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code provide/once} (Kubo 0.42's) announces the CIDs given, and with {@code recursive} their
 * DAGs, each once, though the node's strategy ({@code roots}, nothing pinned) names none of them;
 * {@code routing/provide?recursive=true} announces a whole DAG. A DHT server beside the node holds
 * the provider records that prove it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RpcProvideOnceTest {
    @TempDir
    static Path dir;
    private static Node server;
    private static Node node;
    private static RpcTestClient rpc;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        server = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("repo")).withReprovide(ReprovideStrategy.ROOTS, Duration.ofHours(22)))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        node.host().connect(io.p2pkit.core.multiaddr.Multiaddr.parse(server.addresses().getFirst() + "/p2p/" + server.peerId()));
        Await.until("the server in the node's routing table", () -> node.dht().orElseThrow().routingTable().size() > 0,
                Duration.ofSeconds(10));
        rpc = new RpcTestClient(node);
    }

    @AfterAll
    static void stop() {
        rpc.close();
        node.close();
        server.close();
    }

    /** A file of 5 leaves under one root, in the node's repository and nowhere else. */
    private static List<Cid> file(int seed) throws Exception {
        byte[] data = new byte[5 * 1024];
        new Random(seed).nextBytes(data);
        Path f = Files.write(dir.resolve("file-" + seed), data);
        var blocks = node.content().orElseThrow().repository().blocks();
        Cid root = new Importer(ImportOptions.UNIXFS_V0_2015.toBuilder().chunker("size-1024").build(), BlockSink.of(blocks)).importPath(f).root();
        List<Cid> all = new ArrayList<>(List.of(root));
        all.addAll(RepoOption.codecs(true).links(blocks.local().get(root).orElseThrow()));
        return all;
    }

    private static boolean provided(Cid cid) {
        return server.dht().orElseThrow().providerStore().providers(cid.multihash().bytes()).contains(node.peerId());
    }

    private static void awaitProvided(List<Cid> cids) throws Exception {
        Await.until("the server holds the records", () -> cids.stream().allMatch(RpcProvideOnceTest::provided),
                Duration.ofSeconds(30));
    }

    @Test
    void theCidsGivenAreAnnouncedOnceEach() throws Exception {
        List<Cid> file = file(1);
        Cid root = file.getFirst();
        assertEquals("{\"Queued\":\"" + root + "\"}\n", rpc.post("provide/once?arg=" + root + "&arg=" + root).body(),
                "a CID given twice is announced once");
        awaitProvided(List.of(root));
        assertTrue(file.subList(1, file.size()).stream().noneMatch(RpcProvideOnceTest::provided), "not the leaves");

        // the body's lines, as the CLI streams stdin; text is one CID a line
        String lines = file.get(1) + "\n" + file.get(2) + "\n\n" + file.get(1) + "\n";
        assertEquals(file.get(1) + "\n" + file.get(2) + "\n", rpc.upload("provide/once?enc=text", lines).body());
        awaitProvided(file.subList(1, 3));

        HttpResponse<String> recursive = rpc.post("provide/once?recursive=true&arg=" + root);
        assertEquals(file.size(), recursive.body().lines().count(), recursive.body());
        for (Cid c : file) {
            assertTrue(recursive.body().contains("{\"Queued\":\"" + c + "\"}"), c + ": " + recursive.body());
        }
        awaitProvided(file);
    }

    @Test
    void whatIsNotHereOrNotACidIsRefused() throws Exception {
        String elsewhere = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
        HttpResponse<String> missing = rpc.post("provide/once?arg=" + elsewhere);
        assertEquals(500, missing.statusCode());
        assertTrue(missing.body().contains("block " + elsewhere + " not found locally, cannot provide"), missing.body());
        HttpResponse<String> junk = rpc.post("provide/once?arg=junk");
        assertEquals(500, junk.statusCode());
        assertTrue(junk.body().contains("invalid CID \\\"junk\\\""), junk.body());
    }

    @Test
    void routingProvideRecursiveAnnouncesTheWholeDag() throws Exception {
        List<Cid> file = file(2);
        assertEquals(200, rpc.post("routing/provide?recursive=true&arg=" + file.getFirst()).statusCode());
        awaitProvided(file);
    }

}
