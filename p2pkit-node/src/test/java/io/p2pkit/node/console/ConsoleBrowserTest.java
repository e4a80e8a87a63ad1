package io.p2pkit.node.console;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser: headless Chromium (Debian's package) loads it from a node
 * with two peers, a DHT, a pinned block and a pubsub topic, runs its script, and the page shows
 * them. Each view is also captured as a PNG under {@code target/console-screenshots}; the ones
 * in {@code docs/console/} were made this way.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleBrowserTest {
    private static final int PEERS = 5;
    private static final List<Node> NODES = new ArrayList<>();
    private static Node node;
    private static Block pinned;
    private static String url;
    private static Path chromium;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        chromium = Prerequisites.program("chromium", "Debian: apt-get install chromium; .ci/run installs it");
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .pubsub(NodeConfig.Pubsub.gossipsub().subscribe("news")).content(NodeConfig.Content.of(dir.resolve("repo")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        NODES.add(node);
        for (int i = 0; i < PEERS; i++) {
            NODES.add(Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                    .pubsub(NodeConfig.Pubsub.gossipsub().subscribe("news"))
                    .bootstrap(new PeerInfo(node.peerId(), node.host().addresses())).build()));
        }
        pinned = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "pinned for the console".getBytes(StandardCharsets.UTF_8));
        Repository repo = node.content().orElseThrow().repository();
        repo.blocks().put(pinned);
        repo.pinner().pin(pinned.cid(), PinType.DIRECT, "console");
        Await.until("the peers in the topic", () -> node.pubsub().orElseThrow().topicPeers("news").size() == PEERS,
                Duration.ofSeconds(30));
        Await.until("the peers in the routing table", () -> node.dht().orElseThrow().routingTable().size() == PEERS,
                Duration.ofSeconds(30));
        url = HttpAddress.url(node.apiAddress().orElseThrow()) + "/webui/";
    }

    @AfterAll
    static void stop() {
        NODES.forEach(Node::close);
    }

    /** Chromium's arguments for a run on this closed machine: nothing of its own on the network. */
    private static List<String> chromium(String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"),
                "--virtual-time-budget=10000", "--window-size=1280,860"));
        cmd.addAll(List.of(more));
        return cmd;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), "chromium failed");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void thePageShowsTheNodeItsPeersItsBlocksAndItsTopics() throws Exception {
        String dom = run(chromium("--dump-dom", url + "#peers"));
        assertTrue(dom.contains("data-loaded=\"true\""), "the script loaded the state: " + dom);
        assertTrue(dom.contains(node.peerId().toString()), "the node's ID");
        for (Node peer : NODES.subList(1, NODES.size())) {
            assertTrue(dom.contains("<tr data-peer=\"" + peer.peerId() + "\""), "a row for each peer: " + peer.peerId());
            assertTrue(dom.contains("<circle") && dom.contains("data-peer=\"" + peer.peerId() + "\""),
                    "each peer in the graph");
        }
        assertTrue(dom.contains("p2pkit/"), "the peers' agents from identify");
        assertTrue(dom.contains(">tcp<") && dom.contains(">/noise<") && dom.contains(">/yamux/1.0.0<"),
                "transport, security and muxer");
        assertTrue(dom.contains("<tr data-topic=\"news\">"), "the pubsub topic");
        assertTrue(dom.contains(pinned.cid().toString()), "the pinned block");
        assertTrue(dom.contains("<polyline"), "the bandwidth chart");
        assertTrue(dom.contains(PEERS + " routing-table entries"), "the DHT buckets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "peers", "graph", "bandwidth", "blocks", "pubsub"})
    void eachViewRenders(String view) throws Exception {
        Path out = Path.of("target", "console-screenshots");
        Files.createDirectories(out);
        Path png = out.resolve(view + ".png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(chromium("--screenshot=" + png, "--hide-scrollbars", url + "#" + view));
        byte[] image = Files.readAllBytes(png);
        assertTrue(image.length > 10_000, view + ": a screenshot with something in it, " + image.length + " bytes");
        assertEquals((byte) 0x89, image[0], "a PNG");
    }
}
