package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kubo-rpc-client, the JavaScript client of Kubo's RPC API (npm, unchanged), runs one scripted
 * session (peers/kubo-rpc-client/session.mjs) against a Kubo 0.39 daemon and the same session
 * against a p2pkit node holding the same content: add a tree with progress, cat, ls, pins, blocks,
 * dag put/get, pubsub pub/sub, key gen, name publish/resolve, swarm connect/peers/disconnect. Each
 * step prints what the content decides in full and what the node decides (IDs, versions, sizes on
 * disk) as its shape; the two sessions must print the same lines.
 *
 * <p>The two daemons are peers: Kubo ({@code Routing.Type dht}) connects to the p2pkit node, a DHT
 * server on Kubo's LAN DHT protocol, so that each side's name publish reaches a DHT and resolves.
 */
@InteropArea("RPC API: kubo-rpc-client (npm) against p2pkit")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KuboRpcClientInteropTest {
    /** Steps that fail on Kubo too, with the error message Kubo gives. */
    private static final Set<String> FAILING = Set.of("cat a directory", "cat a missing link", "pin ls before", "key gen again");

    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static Node node;
    private static Map<String, String> onKubo;
    private static Map<String, String> onP2pkit;

    @BeforeAll
    static void start() throws IOException {
        Path script = Toolchains.requireKuboRpcClient();
        kubo = KuboDaemon.start(Toolchains.requireKubo(), List.of(
                List.of("config", "Routing.Type", "dht"),
                List.of("config", "--json", "Pubsub.Enabled", "true")));
        Path repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .dht(NodeConfig.Dht.of(Mode.SERVER).withProtocolPrefix("/ipfs/lan"))
                .pubsub(NodeConfig.Pubsub.gossipsub())
                .content(NodeConfig.Content.of(repo)).build());
        String nodeAddress = node.host().addresses().get(0) + "/p2p/" + node.peerId();
        kubo.cli().run(List.of("swarm", "connect", nodeAddress));

        Path tree = RpcContent.tree(dir.resolve("tree"));

        onKubo = session(script, kubo.apiUrl(), tree, nodeAddress);
        onP2pkit = session(script, HttpAddress.url(node.apiAddress().orElseThrow()), tree, kubo.address());
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    /** Runs the session against {@code api}; returns each step's line by the step's name, in order. */
    private static Map<String, String> session(Path script, String api, Path tree, String peer) throws IOException {
        List<String> cmd = List.of("node", script.toString(), "--api", api, "--tree", tree.toString(), "--peer", peer);
        Path err = Files.createTempFile(dir, "session-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("the kubo-rpc-client session against " + api + " did not finish in 3 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("the kubo-rpc-client session against " + api + " exited " + p.exitValue() + ": "
                    + Files.readString(err).strip() + "\n" + out);
        }
        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                steps.put((String) Json.parseObject(line).get("step"), line);
            }
        }
        System.out.println("kubo-rpc-client session against " + api + ":\n" + out);
        return steps;
    }

    /** Asserts that the steps whose names start with one of {@code prefixes} printed the same on both daemons. */
    private static void same(String... prefixes) {
        List<String> compared = new ArrayList<>();
        for (String step : onKubo.keySet()) {
            for (String prefix : prefixes) {
                if (step.startsWith(prefix)) {
                    String kuboLine = onKubo.get(step);
                    assertEquals(FAILING.contains(step), kuboLine.contains("\"error\":"), "on Kubo: " + kuboLine);
                    assertEquals(kuboLine, onP2pkit.get(step), step);
                    compared.add(step);
                    break;
                }
            }
        }
        assertFalse(compared.isEmpty(), "no step starts with " + List.of(prefixes));
    }

    private static Object result(Map<String, String> session, String step) {
        return Json.parseObject(session.get(step)).get("result");
    }

    @Test
    void bothSessionsRanTheSameSteps() {
        assertEquals(List.copyOf(onKubo.keySet()), List.copyOf(onP2pkit.keySet()));
    }

    @Test
    void idAndVersionHaveKubosShapes() {
        same("id", "version", "repo stat", "stats bw");
    }

    @Test
    void addWithProgressCatAndLsGiveKubosCidsEventsAndBytes() {
        same("add ", "cat ", "ls");
        assertTrue(onP2pkit.get("add a tree with progress").contains("\"sawProgress\":true"));
        assertTrue(onP2pkit.get("cat a file").contains("\"length\":700000"));
    }

    @Test
    void pinsAreAddedListedAndRemovedAsOnKubo() {
        same("pin ");
    }

    @Test
    void blocksAndDagNodesGoInAndOutAsOnKubo() {
        same("block ", "dag ");
    }

    @Test
    void pubsubMessagesComeBackToTheSubscriberAsOnKubo() {
        same("pubsub ");
        assertTrue(onP2pkit.get("pubsub pub and sub").contains("\"text\":\"third\""));
    }

    @Test
    void keysAndNamesArePublishedAndResolvedAsOnKubo() {
        same("key ", "name ");
        Object resolved = result(onKubo, "name resolve");
        assertTrue(resolved instanceof List<?> l && l.size() == 1, "Kubo resolved its own name: " + resolved);
    }

    /** The command through Kubo's {@code ipfs} CLI against {@code api}: stdout, or "Error: …" when it fails. */
    private static String ipfs(KuboCli cli, String api, String... args) {
        List<String> all = new ArrayList<>(List.of("--api", api));
        all.addAll(List.of(args));
        return cli.outcome(all);
    }

    /**
     * Kubo's own {@code ipfs} CLI with {@code --api} runs the session's key, name and pubsub
     * commands against both daemons (its other commands are compared in KuboCliRpcInteropTest).
     */
    @Test
    void kubosCliGivesTheSameKeyNameAndPubsubOutputs() throws IOException {
        KuboCli cli = KuboCli.fresh(Toolchains.requireKubo());
        try {
            Path message = Files.writeString(dir.resolve("message.txt"), "from the ipfs CLI");
            String root = "/ipfs/" + ((Map<?, ?>) result(onKubo, "pin add")).get("/");
            List<String> outputs = new ArrayList<>();
            for (String api : List.of(kubo.apiMultiaddr(), HttpAddress.multiaddr(node.apiAddress().orElseThrow()))) {
                String name = ipfs(cli, api, "key", "gen", "cli-key").strip();
                assertTrue(name.startsWith("k51"), name);
                StringBuilder out = new StringBuilder();
                for (String[] command : List.of(
                        new String[]{"key", "gen", "cli-key"},
                        new String[]{"key", "list"},
                        new String[]{"name", "publish", "--key=cli-key", "--allow-offline", "--resolve=false", "--lifetime=2h", root},
                        new String[]{"name", "resolve", "/ipns/" + name},
                        new String[]{"name", "resolve", "--recursive=false", name},
                        new String[]{"key", "rm", "cli-key"},
                        new String[]{"key", "list"},
                        new String[]{"pubsub", "pub", "cli-topic", message.toString()},
                        new String[]{"pubsub", "ls"},
                        new String[]{"pubsub", "peers", "cli-topic"})) {
                    out.append("$ ipfs ").append(String.join(" ", command).replace(name, "<name>")).append('\n')
                            .append(ipfs(cli, api, command).replace(name, "<name>")).append('\n');
                }
                outputs.add(out.toString());
            }
            System.out.println("ipfs CLI against Kubo:\n" + outputs.get(0) + "\nagainst p2pkit:\n" + outputs.get(1));
            assertTrue(outputs.get(0).contains("Published to <name>: " + root), outputs.get(0));
            assertEquals(outputs.get(0), outputs.get(1));
        } finally {
            cli.delete();
        }
    }

    @Test
    void swarmPeersListTheOtherDaemonAsOnKubo() {
        same("swarm ");
        assertTrue(onP2pkit.get("swarm peers").contains("\"count\":1"), onP2pkit.get("swarm peers"));
    }
}
