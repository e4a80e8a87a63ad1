package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pin/update} and {@code ping} over two in-JVM nodes without a DHT: A (with the API) holds
 * a pinned directory, B a newer version of it; A's update fetches from B only what the old version
 * lacks, and A pings B.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcPinUpdatePingTest {
    @TempDir
    static Path dir;
    private static Node a;
    private static Node b;
    private static RpcTestClient rpc;
    private static String oldRoot;
    private static String newRoot;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .content(NodeConfig.Content.of(dir.resolve("b"))).build());
        a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .content(NodeConfig.Content.of(dir.resolve("a")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("one.txt"), "one\n");
        Files.writeString(Files.createDirectories(site.resolve("sub")).resolve("two.txt"), "two\n");
        oldRoot = importInto(a, site);
        Files.writeString(site.resolve("three.txt"), "three\n");
        newRoot = importInto(b, site);
        rpc = new RpcTestClient(a);
    }

    private static String importInto(Node node, Path tree) throws Exception {
        return new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(node.content().orElseThrow().repository().blocks()))
                .importPath(tree).root().toString();
    }

    @AfterAll
    static void stop() {
        rpc.close();
        a.close();
        b.close();
    }

    private static String address(Node n) {
        return n.addresses().getFirst() + "/p2p/" + n.peerId();
    }

    private static String error(String message) {
        return "{\"Message\":\"" + message + "\",\"Code\":0,\"Type\":\"error\"}\n";
    }

    @Test
    void pinUpdateMovesThePinFetchingOnlyWhatTheOldDagLacks() throws Exception {
        assertEquals(error("'from' cid was not recursively pinned already"),
                rpc.post("pin/update?arg=" + oldRoot + "&arg=" + newRoot).body());
        assertEquals("{\"Pins\":[\"" + oldRoot + "\"]}\n", rpc.post("pin/add?arg=" + oldRoot + "&name=site").body());
        assertEquals("argument \"to-path\" is required\n", rpc.post("pin/update?arg=" + oldRoot).body());
        assertEquals(error("block was not found locally (offline): ipld: could not find " + newRoot),
                rpc.post("pin/update?offline=true&arg=" + oldRoot + "&arg=" + newRoot).body());

        a.host().connect(io.p2pkit.core.multiaddr.Multiaddr.parse(address(b)));
        long received = a.content().orElseThrow().bitswap().stats().blocksReceived();
        HttpResponse<String> update = rpc.post("pin/update?arg=" + oldRoot + "&arg=/ipfs/" + newRoot);
        assertEquals(200, update.statusCode(), update.body());
        assertEquals("{\"Pins\":[\"" + oldRoot + "\",\"" + newRoot + "\"]}\n", update.body());
        assertEquals(2, a.content().orElseThrow().bitswap().stats().blocksReceived() - received,
                "the new root and three.txt, nothing the old version had");
        assertEquals("{\"Keys\":{\"" + newRoot + "\":{\"Type\":\"recursive\",\"Name\":\"site\"}}}\n",
                rpc.post("pin/ls?type=recursive&names=true").body(), "the name moved with the pin, the old pin is gone");

        HttpResponse<String> keep = rpc.post("pin/update?arg=" + newRoot + "&arg=" + oldRoot + "&unpin=false&enc=text");
        assertEquals("updated " + newRoot + " to " + oldRoot + "\n", keep.body());
        assertTrue(rpc.post("pin/ls?type=recursive").body().contains(newRoot), "unpin=false keeps the old pin");
        assertEquals(error("'to' cid was already recursively pinned"),
                rpc.post("pin/update?arg=" + newRoot + "&arg=" + oldRoot).body());
        assertEquals("{\"Pins\":[\"" + newRoot + "\",\"" + newRoot + "\"]}\n",
                rpc.post("pin/update?arg=" + newRoot + "&arg=" + newRoot).body(), "the same CID: nothing to do");
        assertEquals(error("invalid path \\\"bad\\\": path does not have enough components"),
                rpc.post("pin/update?arg=bad&arg=" + newRoot).body());
    }

    @Test
    void offlinePinAddTakesOnlyLocalBlocksAndNamesTheFirstMissing() throws Exception {
        Path extra = Files.createDirectories(dir.resolve("extra"));
        Files.writeString(extra.resolve("only.txt"), "only here on B\n");
        String root = importInto(b, extra);
        String child = importInto(b, extra.resolve("only.txt"));
        var rootCid = io.p2pkit.core.multiformats.Cid.parse(root);
        a.content().orElseThrow().repository().blocks().put(
                b.content().orElseThrow().repository().blocks().local().get(rootCid).orElseThrow());
        a.host().connect(io.p2pkit.core.multiaddr.Multiaddr.parse(address(b)));
        long received = a.content().orElseThrow().bitswap().stats().blocksReceived();
        assertEquals(error("block was not found locally (offline): ipld: could not find " + child),
                rpc.post("pin/add?offline=true&arg=" + root).body(), "the root is here, its child only on B");
        assertEquals(received, a.content().orElseThrow().bitswap().stats().blocksReceived(), "nothing fetched offline");
        assertEquals("{\"Pins\":[\"" + root + "\"]}\n", rpc.post("pin/add?arg=" + root).body(), "online, the child comes");
        assertEquals(received + 1, a.content().orElseThrow().bitswap().stats().blocksReceived());
    }

    @Test
    void pingStreamsKubosResultsAndTheAverage() throws Exception {
        HttpResponse<String> ping = rpc.post("ping?arg=" + address(b) + "&count=2");
        assertEquals(200, ping.statusCode());
        assertEquals("1", ping.headers().firstValue("X-Chunked-Output").orElseThrow());
        String[] lines = ping.body().split("\n");
        assertEquals(4, lines.length, ping.body());
        assertEquals("{\"Success\":true,\"Time\":0,\"Text\":\"PING " + b.peerId() + ".\"}", lines[0]);
        for (int i = 1; i <= 2; i++) {
            assertTrue(lines[i].matches("\\{\"Success\":true,\"Time\":[1-9][0-9]*,\"Text\":\"\"}"), lines[i]);
        }
        assertTrue(lines[3].matches("\\{\"Success\":true,\"Time\":0,\"Text\":\"Average latency: [0-9]+\\.[0-9]{2}ms\"}"), lines[3]);

        // connected now: by its ID alone, without a lookup; the text as Kubo's
        String text = rpc.post("ping?arg=" + b.peerId() + "&n=1&enc=text").body();
        assertTrue(text.matches("PING " + b.peerId() + "\\.\nPong received: time=[0-9]+\\.[0-9]{2} ms\nAverage latency: "
                + "[0-9]+\\.[0-9]{2}ms\n"), text);
    }

    @Test
    void pingFailsWithKubosWords() throws Exception {
        assertEquals(error("error: can't ping self"), rpc.post("ping?arg=" + a.peerId()).body());
        assertEquals(error("ping count must be greater than 0, was 0"), rpc.post("ping?arg=" + b.peerId() + "&count=0").body());
        assertEquals(error("failed to parse peer address '/ip4/127.0.0.1/tcp/1': invalid p2p multiaddr"),
                rpc.post("ping?arg=/ip4/127.0.0.1/tcp/1").body());
        assertTrue(rpc.post("ping?arg=bad").body().startsWith("{\"Message\":\"failed to parse peer address 'bad': failed to parse peer ID: "));
        assertEquals("argument \"peer ID\" is required\n", rpc.post("ping").body());

        String stranger = PrivateKey.generateEd25519().publicKey().toPeerId().toString();
        String lookup = rpc.raw("ping?arg=" + stranger + "&n=1");
        assertTrue(lookup.contains("{\"Success\":true,\"Time\":0,\"Text\":\"Looking up peer " + stranger + "\"}"), lookup);
        assertTrue(lookup.contains("X-Stream-Error: peer lookup failed: routing: not found"), lookup);

        String unreachable = rpc.raw("ping?arg=/ip4/127.0.0.1/tcp/1/p2p/" + stranger + "&n=2");
        assertTrue(unreachable.contains("{\"Success\":true,\"Time\":0,\"Text\":\"PING " + stranger + ".\"}"), unreachable);
        assertTrue(unreachable.contains("{\"Success\":false,\"Time\":0,\"Text\":\"Ping error: "), unreachable);
        assertTrue(unreachable.contains("X-Stream-Error: ping failed"), unreachable);
    }
}
