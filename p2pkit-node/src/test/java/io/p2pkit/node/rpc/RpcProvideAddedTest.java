package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content added through the RPC API is announced as Kubo 0.39 announces it, not at the next
 * reprovide run: under {@code all} every block written (add, dag import, block put), under
 * {@code roots} the pinned roots, and the last root at once ({@code fast-provide-root}, waited for
 * with {@code fast-provide-wait}). A DHT server beside the nodes holds the provider records.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcProvideAddedTest {
    @TempDir
    static Path dir;
    private static Node server;
    private static Node all;
    private static Node roots;
    private static Node alone;

    @BeforeAll
    static void start() throws Exception {
        server = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        all = node("all", ReprovideStrategy.ALL, true);
        roots = node("roots", ReprovideStrategy.ROOTS, true);
        alone = node("alone", ReprovideStrategy.ALL, false);
    }

    /** A node whose first reprovide run is far off, so that only what adding does announces anything. */
    private static Node node(String name, ReprovideStrategy strategy, boolean connected) throws Exception {
        Repository.init(dir.resolve(name), RepoConfig.defaults());
        Node n = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve(name)).withReprovide(strategy, Duration.ofHours(22)))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        if (connected) {
            n.host().connect(io.p2pkit.core.multiaddr.Multiaddr.parse(server.addresses().getFirst() + "/p2p/" + server.peerId()));
            Await.until("the server in the routing table", () -> n.dht().orElseThrow().routingTable().size() > 0,
                    Duration.ofSeconds(10));
            // the first run (a second after the start) announced the empty repository; wait it out
            // (a node alone holds it until it has a DHT peer)
            Await.until("the first reprovide run", () -> n.content().orElseThrow().reprovider().orElseThrow().lastRun()
                    .isPresent(), Duration.ofSeconds(20));
        }
        return n;
    }

    @AfterAll
    static void stop() {
        for (Node n : List.of(alone, roots, all, server)) {
            n.close();
        }
    }

    private static boolean provided(Node by, Cid cid) {
        return server.dht().orElseThrow().providerStore().providers(cid.multihash().bytes()).contains(by.peerId());
    }

    private static void awaitProvided(Node by, List<Cid> cids) throws Exception {
        Await.until("the server holds the records", () -> cids.stream().allMatch(c -> provided(by, c)), Duration.ofSeconds(30));
    }

    /** Adds 5 KiB in 1 KiB chunks; returns the root, then its leaves. */
    private static List<Cid> add(Node to, String options, int seed) throws Exception {
        byte[] data = new byte[5 * 1024];
        new Random(seed).nextBytes(data);
        try (RpcTestClient rpc = new RpcTestClient(to)) {
            HttpResponse<String> r = rpc.upload("add?quieter=true&chunker=size-1024" + options, data);
            assertEquals(200, r.statusCode(), r.body());
            Cid root = Cid.parse(r.body().substring(r.body().indexOf("\"Hash\":\"") + 8, r.body().indexOf("\",\"Size\"")));
            var local = to.content().orElseThrow().repository().blocks().local();
            List<Cid> out = new ArrayList<>(List.of(root));
            out.addAll(RepoOption.codecs(true).links(local.get(root).orElseThrow()));
            return out;
        }
    }

    @Test
    void underAllEveryBlockAddedIsAnnounced() throws Exception {
        List<Cid> file = add(all, "", 1);
        assertEquals(6, file.size());
        awaitProvided(all, file);
        List<Cid> unpinned = add(all, "&pin=false", 2);
        awaitProvided(all, unpinned);
        try (RpcTestClient rpc = new RpcTestClient(all)) {
            String put = rpc.upload("block/put", "a block put through the API").body();
            Cid block = Cid.parse(put.substring(put.indexOf("\"Key\":\"") + 7, put.indexOf("\",\"Size\"")));
            awaitProvided(all, List.of(block));
        }
    }

    @Test
    void underRootsThePinnedRootIsAnnouncedAndNothingElse() throws Exception {
        List<Cid> file = add(roots, "", 3);
        awaitProvided(roots, List.of(file.getFirst()));
        List<Cid> unpinned = add(roots, "&pin=false&fast-provide-wait=true", 4);
        // the node went on announcing meanwhile (a pinned add waited for), and never the unpinned root
        List<Cid> after = add(roots, "&fast-provide-wait=true", 5);
        awaitProvided(roots, List.of(after.getFirst()));
        assertFalse(provided(roots, unpinned.getFirst()), "an unpinned root is not what 'roots' announces");
        assertTrue(file.subList(1, file.size()).stream().noneMatch(c -> provided(roots, c)), "no leaves");
    }

    @Test
    void fastProvideWaitReportsAnAnnouncementNobodyTook() throws Exception {
        try (RpcTestClient rpc = new RpcTestClient(alone)) {
            // the entries were sent before: the failure comes in the trailer, as Kubo's
            String waited = rpc.rawUpload("add?quieter=true&fast-provide-wait=true",
                    "nobody hears this".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(waited.contains("X-Stream-Error: fast-provide: "), waited);
            HttpResponse<String> off = rpc.upload("add?quieter=true&fast-provide-root=false&fast-provide-wait=true",
                    "nobody hears this either");
            assertEquals(200, off.statusCode(), "without fast-provide-root there is nothing to wait for: " + off.body());
            // the same from Kubo's Import keys, read for each command; an option still wins over them
            assertEquals(200, rpc.post("config?arg=Import.FastProvideWait&arg=true&bool=true").statusCode());
            String fromConfig = rpc.rawUpload("add?quieter=true", "nobody hears this, from the config"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(fromConfig.contains("X-Stream-Error: fast-provide: "), fromConfig);
            assertFalse(rpc.rawUpload("add?quieter=true&fast-provide-wait=false", "an option wins"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).contains("X-Stream-Error: fast-provide"));
            assertEquals(200, rpc.post("config?arg=Import.FastProvideRoot&arg=false&bool=true").statusCode());
            assertFalse(rpc.rawUpload("add?quieter=true", "no root announced at once"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).contains("X-Stream-Error: fast-provide"));
        }
    }
}
