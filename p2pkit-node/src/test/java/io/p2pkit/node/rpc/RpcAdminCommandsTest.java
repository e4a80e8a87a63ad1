package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.NodeListener;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node-administration commands over the RPC API, in Kubo 0.39's shapes and texts:
 * {@code bootstrap/*} on the repository's config, {@code repo/version}, {@code commands},
 * {@code version/deps}, {@code swarm/addrs/listen}, {@code log/ls|level} and {@code shutdown}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcAdminCommandsTest {
    private static final String A = PrivateKey.generateEd25519().publicKey().toPeerId().toString();
    private static final String B = PrivateKey.generateEd25519().publicKey().toPeerId().toString();

    @TempDir
    static Path dir;
    private static Path repo;
    private static Node node;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
    }

    private static HttpResponse<String> post(Node on, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(on.apiAddress().orElseThrow()) + "/api/v0/"
                + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return post(node, command);
    }

    private static String error(String message) {
        return "{\"Message\":\"" + message.replace("\"", "\\\"") + "\",\"Code\":0,\"Type\":\"error\"}\n";
    }

    @Test
    void bootstrapListIsEditedInTheConfigFileAsKuboEditsIt() throws Exception {
        String a1 = "/ip4/127.0.0.1/tcp/4001/p2p/" + A;
        String a2 = "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + A;
        String b1 = "/ip4/127.0.0.1/tcp/4002/p2p/" + B;
        assertEquals("{\"Peers\":[]}\n", post("bootstrap/list").body());
        assertEquals("{\"Peers\":[\"" + b1 + "\"]}\n", post("bootstrap/add?arg=" + b1).body());
        // the new ones go first, each once; one the list had is answered too
        assertEquals("{\"Peers\":[\"" + a1 + "\",\"" + a2 + "\",\"" + b1 + "\"]}\n",
                post("bootstrap/add?arg=" + a1 + "&arg=" + a2 + "&arg=" + a1 + "&arg=" + b1).body());
        assertEquals(Optional.of(a1 + ", " + a2 + ", " + b1), Repository.readConfig(repo).get("bootstrap"));
        assertEquals("{\"Peers\":[\"" + a1 + "\",\"" + a2 + "\",\"" + b1 + "\"]}\n", post("bootstrap").body());
        HttpResponse<String> text = post("bootstrap/list?enc=text");
        assertEquals("text/plain", text.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(a1 + "\n" + b1 + "\n" + a2 + "\n", text.body()); // sorted, as Kubo's encoder sorts

        // one address of a peer, then a peer by its ID alone
        assertEquals("{\"Peers\":[\"" + a2 + "\"]}\n", post("bootstrap/rm?arg=" + a2).body());
        assertEquals("removed " + b1 + "\n", post("bootstrap/rm?arg=/p2p/" + B + "&enc=text").body());
        assertEquals("{\"Peers\":[\"" + a1 + "\"]}\n", post("bootstrap/list").body());
        assertEquals("{\"Peers\":[]}\n", post("bootstrap/rm?arg=" + b1).body(), "nothing left to remove");

        assertEquals("added " + b1 + "\n", post("bootstrap/add?enc=text&arg=" + b1).body());
        assertEquals("{\"Peers\":[\"" + b1 + "\",\"" + a1 + "\"]}\n", post("bootstrap/rm?all=true").body());
        assertEquals(Optional.empty(), Repository.readConfig(repo).get("bootstrap"));
        post("bootstrap/add?arg=" + a1);
        assertEquals("{\"Peers\":[\"" + a1 + "\"]}\n", post("bootstrap/rm/all").body());
        assertEquals("{\"Peers\":[]}\n", post("bootstrap/list").body());
    }

    @Test
    void bootstrapRefusesWhatKuboRefusesAndHasNoDefaultList() throws Exception {
        HttpResponse<String> none = post("bootstrap/add");
        assertEquals(500, none.statusCode());
        assertEquals(error("no bootstrap peers to add"), none.body());
        assertEquals(error("invalid bootstrap address: /ip4/127.0.0.1/tcp/4001"),
                post("bootstrap/add?arg=/ip4/127.0.0.1/tcp/4001").body());
        assertEquals(error("bootstrap address without a transport: /p2p/" + A), post("bootstrap/add?arg=/p2p/" + A).body());
        assertEquals(error("failed to parse multiaddr \"nonsense\": must begin with /"), post("bootstrap/add?arg=nonsense").body());
        assertEquals(error("invalid p2p multiaddr"), post("bootstrap/rm?arg=/ip4/127.0.0.1/tcp/4001").body());
        // AutoConf is on (Kubo's default) but has no URL, and p2pkit has no default one
        String refused = error("cannot add default bootstrap peers: p2pkit has no default bootstrap list (it joins only the "
                + "peers it is given, or AutoConf's once AutoConf.URL is set); add specific peer addresses instead");
        assertEquals(refused, post("bootstrap/add?arg=default").body());
        assertEquals(refused, post("bootstrap/add/default").body(), "the older path, an argument to go-ipfs-cmds");
        assertEquals(refused, post("bootstrap/add?default=true").body());
        assertEquals(refused, post("bootstrap/add?arg=auto").body());
        assertEquals("{\"Peers\":[]}\n", post("bootstrap/list").body(), "a refusal writes nothing");
    }

    @Test
    void bootstrapOfANodeWithoutARepositoryListsWhatItRunsWithAndChangesNothing() throws Exception {
        String peer = "/ip4/127.0.0.1/tcp/1/p2p/" + A;
        try (Node bare = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .bootstrap(List.of(io.p2pkit.core.host.PeerInfo.parse(peer)))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build())) {
            assertEquals("{\"Peers\":[\"" + peer + "\"]}\n", post(bare, "bootstrap/list").body());
            assertTrue(post(bare, "bootstrap/rm/all").body().contains("this node runs without a repository"));
        }
    }

    @Test
    void repoVersionIsP2pkitsLayoutInKubosShape() throws Exception {
        assertEquals("{\"Version\":\"" + Repository.VERSION + "\"}\n", post("repo/version").body());
        assertEquals("ipfs repo version p2pkit-repo@" + Repository.VERSION + "\n", post("repo/version?enc=text").body());
        assertEquals("p2pkit-repo@" + Repository.VERSION + "\n", post("repo/version?enc=text&q=true").body());
    }

    @Test
    void commandsListsTheTableItIsServedFrom() throws Exception {
        Map<?, ?> tree = (Map<?, ?>) TinyJson.parse(post("commands").body().strip());
        assertEquals("ipfs", tree.get("Name"));
        assertEquals(Map.of("Names", List.of("encoding", "enc")), ((List<?>) tree.get("Options")).getFirst());
        Map<?, ?> bootstrap = child(tree, "bootstrap");
        assertEquals(List.of(Map.of("Names", List.of("expand-auto"))), bootstrap.get("Options"), "bootstrap lists");
        assertEquals(List.of(Map.of("Names", List.of("all"))), child(bootstrap, "rm").get("Options"));
        assertEquals(List.of(), child(child(bootstrap, "rm"), "all").get("Subcommands"));
        assertEquals(List.of(), child(tree, "swarm").get("Options"), "a group that is no command has no options");

        List<String> lines = List.of(post("commands?enc=text").body().split("\n"));
        for (RpcCommand c : NodeRpc.commands(new io.p2pkit.core.metrics.MetricRegistry()).all()) {
            assertTrue(lines.contains("ipfs " + c.path().replace('/', ' ')), c.path());
        }
        assertEquals("ipfs", lines.getFirst());
        assertEquals(lines.stream().sorted().toList(), lines);
        List<String> flags = List.of(post("commands?enc=text&flags=true").body().split("\n"));
        assertTrue(flags.contains("ipfs commands --flags / ipfs commands -f"), "Kubo's option line");
        assertTrue(flags.contains("ipfs cat --offset / ipfs cat -o"));
        assertTrue(flags.stream().noneMatch(l -> l.startsWith("ipfs --")), "the root's options are not listed, as Kubo");
    }

    private static Map<?, ?> child(Map<?, ?> tree, String name) {
        return ((List<?>) tree.get("Subcommands")).stream().map(Map.class::cast)
                .filter(m -> m.get("Name").equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @Test
    void versionDepsStreamsTheLibrariesInKubosShape() throws Exception {
        HttpResponse<String> deps = post("version/deps");
        assertEquals("1", deps.headers().firstValue("X-Chunked-Output").orElseThrow());
        String first = deps.body().lines().findFirst().orElseThrow();
        assertEquals("{\"Path\":\"io.p2pkit:p2pkit-node\",\"Version\":\"" + io.p2pkit.node.NodeVersion.get()
                + "\",\"ReplacedBy\":\"\",\"Sum\":\"\"}", first);
        assertTrue(deps.body().contains("\"Path\":\"org.eclipse.jetty:jetty-server\""), deps.body());
        String text = post("version/deps?enc=text").body();
        assertTrue(text.startsWith("io.p2pkit:p2pkit-node@" + io.p2pkit.node.NodeVersion.get() + "\n"), text);
        assertTrue(text.lines().allMatch(l -> l.matches("[^@ ]+@[^@ ]+")), text);
    }

    @Test
    void swarmAddrsListenNamesWhereTheNodeListens() throws Exception {
        String listen = node.host().network().listenAddresses().getFirst().toString();
        assertEquals("{\"Strings\":[\"" + listen + "\"]}\n", post("swarm/addrs/listen").body());
        assertEquals(listen + "\n", post("swarm/addrs/listen?enc=text").body());
    }

    @Test
    void logLevelsAreSetAndReadInKubosWords() throws Exception {
        String name = "io.p2pkit.node.rpc.RpcAdminCommandsTest.subsystem";
        Handler[] handlers = Logger.getLogger("").getHandlers();
        Level[] before = java.util.Arrays.stream(handlers).map(Handler::getLevel).toArray(Level[]::new);
        try {
            assertEquals("{\"Message\":\"Changed log level of '" + name + "' to 'debug'\\n\"}\n",
                    post("log/level?arg=" + name + "&arg=debug").body());
            assertEquals(Level.FINE, Logger.getLogger(name).getLevel());
            assertEquals("{\"Levels\":{\"" + name + "\":\"debug\"}}\n", post("log/level?arg=" + name).body());
            assertEquals("debug\n", post("log/level?arg=" + name + "&enc=text").body(), "one level: no name, as Kubo");
            assertTrue(List.of(post("log/ls?enc=text").body().split("\n")).contains(name));
            // a loaded class's logger is listed before it logs, as System.getLogger made it exist
            String quiet = io.p2pkit.node.Peering.class.getName(); // logs only a failed dial
            Class.forName(quiet, true, getClass().getClassLoader());
            assertTrue(List.of(post("log/ls?enc=text").body().split("\n")).contains(quiet));
            assertTrue(post("log/ls").body().startsWith("{\"Strings\":[\""));

            assertEquals("Changed log level of '" + name + "' to 'FATAL'\n",
                    post("log/level?arg=" + name + "&arg=FATAL&enc=text").body(), "any case, as zap");
            assertEquals("fatal\n", post("log/level?arg=" + name + "&enc=text").body());
            assertTrue(Logger.getLogger(name).getLevel().intValue() > Level.SEVERE.intValue(), "nothing gets through");
            assertEquals("{\"Levels\":{\"\":\"info\"}}\n", post("log/level").body(), "the default: the root logger's");
            post("log/level?arg=" + name + "&arg=default");
            assertEquals(Level.INFO, Logger.getLogger(name).getLevel());
            String all = post("log/level?arg=all&enc=text").body();
            assertTrue(all.contains("(default): info\n") && all.contains(name + ": info\n"), all);

            assertEquals(error("unrecognized level: \"loud\""), post("log/level?arg=" + name + "&arg=loud").body());
            assertEquals(error("unrecognized level: \"loud\""), post("log/level?arg=all&arg=loud").body());
            assertEquals(error("error: No such logger"), post("log/level?arg=no.such.subsystem").body());
        } finally {
            for (int i = 0; i < handlers.length; i++) {
                handlers[i].setLevel(before[i]);
            }
            Logger.getLogger(name).setLevel(null);
        }
    }

    @Test
    void shutdownAnswersThenStopsTheNode() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Node other = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build(), new NodeListener() {
                    @Override
                    public void stopped() {
                        stopped.countDown();
                    }
                });
        URI version = URI.create(HttpAddress.url(other.apiAddress().orElseThrow()) + "/api/v0/version");
        try {
            HttpResponse<String> answer = post(other, "shutdown");
            assertEquals(200, answer.statusCode());
            assertEquals("", answer.body(), "nothing, as Kubo");
            assertTrue(stopped.await(30, TimeUnit.SECONDS), "the node stops");
            assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(version)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), "its API is gone");
        } finally {
            other.close();
        }
    }
}
