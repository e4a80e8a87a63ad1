package io.p2pkit.interop;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.NodeListener;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs} with {@code --api}, against a p2pkit daemon and a Kubo 0.39 daemon, for
 * the node-administration commands: {@code bootstrap list|add|rm} (the same made-up loopback
 * peers on both, round trips and errors, and the raw {@code enc=text} answers), {@code repo
 * version}, {@code commands} (raw HTTP: Kubo's CLI lists its own commands), {@code version deps},
 * {@code swarm addrs listen}, {@code log ls|level} and, last, {@code shutdown}, which stops both.
 * Values each daemon decides (versions, addresses, loggers, libraries) are compared by shape.
 */
@InteropArea("RPC API: node administration against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminKuboInteropTest {
    /** One step, run on both daemons in this order. */
    enum Step {
        BOOTSTRAP_ROUND_TRIP, BOOTSTRAP_ERRORS, BOOTSTRAP_TEXT, REPO_VERSION, COMMANDS, VERSION_DEPS,
        SWARM_ADDRS_LISTEN, LOG_LS, LOG_LEVEL, SHUTDOWN
    }

    /**
     * Commands p2pkit serves that Kubo 0.39 has not: its own GraphSync fetch, an alias of key/list,
     * Kubo 0.40's {@code name/get|put}, 0.41's {@code cid/inspect} and 0.42's {@code provide/once} (newer
     * than the Kubo built here).
     */
    private static final Set<String> P2PKIT_ONLY = Set.of("graphsync", "graphsync/fetch", "key/ls", "name/get", "name/put",
            "cid/inspect", "provide/once", "swarm/addrs/autonat", "diag/healthy");

    private static final String A = PrivateKey.generateEd25519().publicKey().toPeerId().toString();
    private static final String B = PrivateKey.generateEd25519().publicKey().toPeerId().toString();

    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;
    private static HttpClient http;
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        client = KuboCli.fresh(Toolchains.requireKubo());
        Path repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build(), new NodeListener() {
                    @Override
                    public void stopped() {
                        STOPPED.countDown();
                    }
                });
        api = HttpAddress.multiaddr(node.apiAddress().orElseThrow());
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws IOException {
        if (http != null) {
            http.close();
        }
        if (node != null) {
            node.close();
        }
        if (client != null) {
            client.delete();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    /** Kubo's CLI against p2pkit: stdout, or the error line. */
    private static String p2pkit(String... args) {
        return client.outcome(api, List.of(args));
    }

    /** Runs the command on both and asserts the outputs are the same, byte for byte; returns it, stripped. */
    private static String same(String... args) {
        String fromKubo = kubo.cli().outcome(List.of(args));
        assertEquals(fromKubo, p2pkit(args), "ipfs " + String.join(" ", args));
        return fromKubo.strip();
    }

    /** Both outputs, stripped, each matching {@code regex} (values the daemon decides). */
    private static List<String> shape(String regex, String... args) {
        List<String> both = List.of(kubo.cli().outcome(List.of(args)).strip(), p2pkit(args).strip());
        for (String out : both) {
            assertTrue(out.matches(regex), "ipfs " + String.join(" ", args) + ": " + out);
        }
        return both;
    }

    private static HttpResponse<String> post(String url, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The raw answers of both, which must agree in status, Content-Type and body. */
    private static String sameHttp(String command) throws Exception {
        HttpResponse<String> fromKubo = post(kubo.apiUrl(), command);
        HttpResponse<String> fromP2pkit = post(HttpAddress.url(node.apiAddress().orElseThrow()), command);
        assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode(), command + ": " + fromP2pkit.body());
        assertEquals(fromKubo.headers().firstValue("Content-Type"), fromP2pkit.headers().firstValue("Content-Type"), command);
        assertEquals(fromKubo.body(), fromP2pkit.body(), command);
        return fromKubo.body();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Step.class)
    void kubosCliGetsKubosAnswers(Step step) throws Exception {
        String a1 = "/ip4/127.0.0.1/tcp/4001/p2p/" + A;
        String a2 = "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + A;
        String a3 = "/ip4/127.0.0.1/tcp/4003/ipfs/" + A; // kept as given until the list is rewritten
        String b1 = "/ip4/127.0.0.1/tcp/4002/p2p/" + B;
        switch (step) {
            case BOOTSTRAP_ROUND_TRIP -> {
                assertEquals("", same("bootstrap", "list"));
                assertEquals("added " + a1 + "\nadded " + b1 + "\nadded " + a2, same("bootstrap", "add", a1, a2, b1));
                assertEquals("added " + a3, same("bootstrap", "add", a3));
                same("bootstrap");
                assertEquals("removed " + a2, same("bootstrap", "rm", a2));
                assertEquals(a1 + "\n" + b1 + "\n" + a3.replace("/ipfs/", "/p2p/"), same("bootstrap", "list"),
                        "the rest rewritten by peer, as Kubo writes it");
                assertEquals("removed " + a1 + "\nremoved " + a3.replace("/ipfs/", "/p2p/"), same("bootstrap", "rm", "/p2p/" + A));
                assertEquals(b1, same("bootstrap", "list"));
                same("bootstrap", "add", a1);
                assertEquals("removed " + a1 + "\nremoved " + b1, same("bootstrap", "rm", "--all"));
                same("bootstrap", "add", b1);
                assertEquals("removed " + b1, same("bootstrap", "rm", "all"));
                assertEquals("", same("bootstrap", "list"));
            }
            case BOOTSTRAP_ERRORS -> {
                same("bootstrap", "add", "nonsense");
                same("bootstrap", "add", "/ip4/127.0.0.1/tcp/4001");
                same("bootstrap", "add", "/p2p/" + A);
                same("bootstrap", "add"); // no peers: Kubo's CLI reads stdin, which is empty here
                same("bootstrap", "rm", "/ip4/127.0.0.1/tcp/4001");
                same("bootstrap", "rm", "nonsense");
                // Kubo's AutoConf is off (profile test), p2pkit has no default list: both refuse, in their words
                shape("Error: cannot add default bootstrap peers: .*", "bootstrap", "add", "default");
                assertEquals("", same("bootstrap", "list"), "a refusal writes nothing");
            }
            case BOOTSTRAP_TEXT -> {
                assertEquals("added " + a1 + "\nadded " + b1 + "\n", sameHttp("bootstrap/add?enc=text&arg=" + b1 + "&arg=" + a1));
                assertEquals("{\"Peers\":[\"" + b1 + "\",\"" + a1 + "\"]}\n", sameHttp("bootstrap/list"), "new ones first");
                sameHttp("bootstrap/list?enc=text");
                assertEquals("{\"Peers\":[\"" + a1 + "\"]}\n", sameHttp("bootstrap/rm?arg=" + a1));
                sameHttp("bootstrap/list");
                assertEquals("removed " + b1 + "\n", sameHttp("bootstrap/rm/all?enc=text"));
                sameHttp("bootstrap/add?arg=/ip4/127.0.0.1/tcp/4001");
            }
            case REPO_VERSION -> {
                shape("ipfs repo version fs-repo@\\d+", "repo", "version");
                shape("fs-repo@\\d+", "repo", "version", "-q");
                assertEquals("{\"Version\":\"" + Repository.VERSION + "\"}\n",
                        post(HttpAddress.url(node.apiAddress().orElseThrow()), "repo/version").body());
                assertTrue(post(kubo.apiUrl(), "repo/version").body().matches("\\{\"Version\":\"\\d+\"}\n"));
            }
            case COMMANDS -> {
                Set<String> fromKubo = paths(post(kubo.apiUrl(), "commands").body());
                Set<String> fromP2pkit = paths(post(HttpAddress.url(node.apiAddress().orElseThrow()), "commands").body());
                for (String admin : List.of("bootstrap/add", "bootstrap/rm/all", "shutdown", "repo/version", "commands",
                        "version/deps", "swarm/addrs/listen", "log/ls", "log/level")) {
                    assertTrue(fromKubo.contains(admin) && fromP2pkit.contains(admin), admin);
                }
                TreeSet<String> unknownToKubo = new TreeSet<>(fromP2pkit);
                unknownToKubo.removeAll(fromKubo);
                assertEquals(P2PKIT_ONLY, unknownToKubo, "every command p2pkit serves is Kubo's");
                for (String url : List.of(kubo.apiUrl(), HttpAddress.url(node.apiAddress().orElseThrow()))) {
                    List<String> lines = List.of(post(url, "commands?enc=text&flags=true").body().split("\n"));
                    assertEquals(lines.stream().sorted().toList(), lines, url);
                    for (String line : List.of("ipfs", "ipfs commands --flags / ipfs commands -f", "ipfs bootstrap rm --all",
                            "ipfs repo version --quiet / ipfs repo version -q", "ipfs cat --offset / ipfs cat -o")) {
                        assertTrue(lines.contains(line), url + ": " + line);
                    }
                }
            }
            case VERSION_DEPS -> {
                List<String> both = shape("[^\\s@]+@\\S+( => \\S+)?(\n[^\\s@]+@\\S+( => \\S+)?)*", "version", "deps");
                assertTrue(both.get(0).startsWith("github.com/ipfs/kubo@"), both.get(0));
                assertTrue(both.get(1).startsWith("io.p2pkit:p2pkit-node@"), both.get(1));
            }
            case SWARM_ADDRS_LISTEN -> {
                // each its own TCP port; Kubo also /p2p-circuit (go-libp2p's relay transport listens there for
                // any relay), p2pkit accepts relayed connections only through reservations it holds (none here)
                List<String> both = shape("/\\S+(\n/\\S+)*", "swarm", "addrs", "listen");
                assertEquals(kubo.address().replaceAll("/p2p/.*", "") + "\n/p2p-circuit", both.get(0));
                assertEquals(node.host().network().listenAddresses().getFirst().toString(), both.get(1));
            }
            case LOG_LS -> shape("[^\\s]+(\n[^\\s]+)*", "log", "ls");
            case LOG_LEVEL -> {
                same("log", "level", "all", "nonsense");
                same("log", "level", "no.such.subsystem");
                String subsystem = "p2pkit-interop-subsystem";
                assertEquals("Changed log level of '" + subsystem + "' to 'debug'", same("log", "level", subsystem, "debug"));
                assertEquals("debug", same("log", "level", subsystem));
                assertEquals("Changed log level of '" + subsystem + "' to 'ERROR'", same("log", "level", subsystem, "ERROR"));
                assertEquals("error", same("log", "level", subsystem));
                shape("debug|info|warn|error|dpanic|panic|fatal", "log", "level");
            }
            case SHUTDOWN -> {
                assertEquals("", same("shutdown"));
                assertTrue(kubo.exits(Duration.ofSeconds(30)), "Kubo's daemon exits");
                assertTrue(STOPPED.await(30, TimeUnit.SECONDS), "p2pkit's node stops");
            }
        }
    }

    /** Every command path of a {@code commands} answer ({@code bootstrap/rm/all}), the root left out. */
    private static Set<String> paths(String json) {
        Set<String> out = new TreeSet<>();
        collect("", (Map<?, ?>) KuboConfig.parseJson(json), out);
        return out;
    }

    private static void collect(String prefix, Map<?, ?> command, Set<String> out) {
        for (Object sub : (List<?>) command.get("Subcommands")) {
            Map<?, ?> s = (Map<?, ?>) sub;
            String path = prefix + s.get("Name");
            out.add(path);
            collect(path + "/", s, out);
        }
    }
}
