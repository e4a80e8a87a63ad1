package io.p2pkit.interop;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node and network commands Kubo 0.39 has besides content: Kubo's own {@code ipfs} command
 * with {@code --api} runs each against a p2pkit node and the same command runs against a Kubo
 * daemon (its legacy provider, {@code Provide.DHT.SweepEnabled=false}, against a p2pkit node with
 * the sweep off; the sweeping providers are compared apart); the outputs must be the same, or of the same shape where the node decides the
 * values (peer IDs, byte counts, durations). The two daemons are each other's DHT peer (p2pkit on
 * Kubo's LAN DHT protocol), with a third p2pkit node beside them for {@code dht query} and
 * {@code swarm peering}.
 */
@InteropArea("RPC API: node and network commands against Kubo 0.39")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RpcNodeKuboInteropTest {
    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static Node third;
    private static String api;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), List.of(List.of("config", "Routing.Type", "dht"),
                List.of("config", "--json", "Provide.DHT.SweepEnabled", "false")));
        client = KuboCli.fresh(Toolchains.requireKubo());
        Path repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .dht(NodeConfig.Dht.of(Mode.SERVER).withProtocolPrefix("/ipfs/lan"))
                .content(NodeConfig.Content.of(repo).withSweep(Optional.empty())).build());
        third = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .dht(NodeConfig.Dht.of(Mode.SERVER).withProtocolPrefix("/ipfs/lan")).build());
        api = HttpAddress.multiaddr(node.apiAddress().orElseThrow());
        http = HttpClient.newHttpClient();
        kubo.cli().run(List.of("swarm", "connect", address(node)));
        kubo.cli().run(List.of("swarm", "connect", address(third)));
        third.host().connect(Multiaddr.parse(address(node)));
        Await.until("the two daemons and the third node know each other in their DHTs",
                () -> node.dht().orElseThrow().routingTable().contains(io.p2pkit.core.identity.PeerId.parse(kubo.peerId()))
                        && node.dht().orElseThrow().routingTable().contains(third.peerId())
                        && kubo.cli().outcome(List.of("stats", "dht", "lan")).contains(node.peerId().toString())
                        && kubo.cli().outcome(List.of("stats", "dht", "lan")).contains(third.peerId().toString()),
                Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws IOException {
        if (http != null) {
            http.close();
        }
        if (third != null) {
            third.close();
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

    private static String address(Node n) {
        String a = n.host().addresses().getFirst().toString();
        return a.contains("/p2p/") ? a : a + "/p2p/" + n.peerId();
    }

    /** The command against the Kubo daemon, then against p2pkit: stdout, or "Error: …" when it fails. */
    private static String[] both(String... args) {
        List<String> withApi = new ArrayList<>(List.of("--api", api));
        withApi.addAll(List.of(args));
        return new String[]{kubo.cli().outcome(List.of(args)), client.outcome(withApi)};
    }

    /** Runs the command on both and asserts the outputs are the same; returns it. */
    private static String same(String... args) {
        String[] out = both(args);
        assertEquals(out[0], out[1], "ipfs " + String.join(" ", args));
        return out[0];
    }

    /** Runs the command on both and asserts the outputs have the same shape (digits, IDs and times masked). */
    private static String[] alike(String... args) {
        String[] out = both(args);
        assertEquals(shape(out[0]), shape(out[1]), "ipfs " + String.join(" ", args) + "\nKubo:\n" + out[0] + "\np2pkit:\n" + out[1]);
        return out;
    }

    private static String shape(String text) {
        return text.replaceAll("12D3Koo\\w+|Qm\\w{44}|k51\\w+", "ID")
                .replaceAll("\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)?", "TIME")
                .replaceAll("[0-9]+(\\.[0-9]+)?(e[+-]?[0-9]+)?( ?[kMGT]?B(/s)?|µs|ms|ns|s|m|h)?", "N")
                .replaceAll("(N)+", "N").replaceAll(" +", " ");
    }

    /** The JSON object's keys, in order. */
    private static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([A-Za-z]+)\":").matcher(json);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static HttpResponse<String> post(String base, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void nameInspectReadsEachOthersRecordsAsKubo() throws Exception {
        // each daemon publishes; the record is taken from the DHT by 'routing get' (the text is its bytes)
        kubo.cli().run(List.of("name", "publish", "--allow-offline", "/ipfs/bafkqaaa"));
        client.run(List.of("--api", api, "name", "publish", "/ipfs/bafkqaaa"));
        Path kubos = dir.resolve("kubo.ipns");
        Path ours = dir.resolve("p2pkit.ipns");
        Files.write(kubos, kubo.cli().runBytes(List.of("routing", "get", "/ipns/" + kubo.peerId())));
        Files.write(ours, client.runBytes(List.of("--api", api, "routing", "get", "/ipns/" + node.peerId())));
        for (Path record : List.of(kubos, ours)) {
            String owner = record == kubos ? kubo.peerId() : node.peerId().toString();
            String text = same("name", "inspect", "--verify", owner, record.toString());
            assertTrue(text.contains("\nValidation results:\n Valid: true\n"), text);
            same("name", "inspect", "--enc=json", record.toString());
            same("name", "inspect", "--verify", record == kubos ? node.peerId().toString() : kubo.peerId(),
                    "--dump=false", record.toString());
        }
        Path junk = Files.writeString(dir.resolve("junk.ipns"), "not a record\n");
        same("name", "inspect", junk.toString());
        String[] badName = both("name", "inspect", "--verify", "bad-name", kubos.toString());
        assertTrue(badName[0].startsWith("Error: failed to parse peer ID: ") && badName[1].startsWith("Error: failed to parse peer ID: "),
                String.join("\n", badName));
    }

    @Test
    void keysImportByKubosRulesAndNoneIsExported() throws Exception {
        io.p2pkit.core.crypto.PrivateKey secp = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.SECP256K1);
        Path key = Files.write(dir.resolve("secp.key"), secp.marshal());
        same("key", "import", "secp", key.toString());
        same("key", "import", "--allow-any-key-type", "secp", key.toString());
        Path ecdsa = Files.write(dir.resolve("ecdsa.pem"), io.p2pkit.node.config.KeyFormat.PEM_PKCS8_CLEARTEXT.encode(
                io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ECDSA)));
        same("key", "import", "-f", "pem-pkcs8-cleartext", "ecdsa", ecdsa.toString());
        same("key", "import", "-f", "pem", "x", key.toString());
        same("key", "rm", "secp");
        // neither serves key/export: Kubo's command reads the keystore itself, never through the API
        for (String base : List.of(kubo.apiUrl(), HttpAddress.url(node.apiAddress().orElseThrow()))) {
            HttpResponse<String> r = post(base, "key/export?arg=self");
            assertEquals(404, r.statusCode(), base);
            assertEquals("404 page not found\n", r.body(), base);
        }
    }

    @Test
    void reprovideAndTheProviderStatisticsReadAsKubos() throws Exception {
        same("routing", "reprovide");
        same("bitswap", "reprovide");
        for (String command : List.of("provide stat", "stats provide", "stats reprovide")) {
            String[] text = alike(command.split(" "));
            assertTrue(text[1].startsWith("TotalReprovides:"), text[1]);
            String[] json = both((command + " --enc=json").split(" "));
            assertEquals(keys(json[0]), keys(json[1]), command + ": " + json[1]);
        }
        same("provide", "stat", "--all");
        same("provide", "stat", "--lan");
    }

    /**
     * Kubo 0.39's default, sweeping provider against p2pkit's: both alone (no DHT peer, so both
     * offline), the same lines and sections in the same order for the brief summary and for each
     * section flag, and the same JSON fields.
     */
    @Test
    void theSweepingProvidersStatisticsReadAsKubos() throws Exception {
        KuboDaemon sweeping = KuboDaemon.start(Toolchains.requireKubo(), List.of(List.of("config", "Routing.Type", "dht")));
        Path repo = dir.resolve("p2pkit-sweeping");
        Repository.init(repo, RepoConfig.defaults());
        Node alone = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .dht(NodeConfig.Dht.of(Mode.SERVER)).content(NodeConfig.Content.of(repo)).build());
        try {
            String aloneApi = HttpAddress.multiaddr(alone.apiAddress().orElseThrow());
            for (List<String> flags : List.of(List.<String>of(), List.of("--all"), List.of("--all", "--compact"),
                    List.of("--schedule"), List.of("--network", "--workers"), List.of("--timings"))) {
                List<String> args = new ArrayList<>(List.of("provide", "stat"));
                args.addAll(flags);
                String theirs = sweeping.cli().outcome(args);
                List<String> withApi = new ArrayList<>(List.of("--api", aloneApi));
                withApi.addAll(args);
                String ours = client.outcome(withApi);
                assertEquals(labels(theirs), labels(ours), String.join(" ", args) + "\nKubo:\n" + theirs + "\np2pkit:\n" + ours);
            }
            List<String> json = List.of("provide", "stat", "--enc=json");
            List<String> withApi = new ArrayList<>(List.of("--api", aloneApi));
            withApi.addAll(json);
            String theirs = sweeping.cli().outcome(json);
            String ours = client.outcome(withApi);
            assertEquals(fields(theirs), fields(ours), "Kubo:\n" + theirs + "\np2pkit:\n" + ours);
            assertTrue(fields(ours).contains("pending_region_reprovides"), ours);
            String[] compact = {sweeping.cli().outcome(List.of("provide", "stat", "--compact")),
                    client.outcome(List.of("--api", aloneApi, "provide", "stat", "--compact"))};
            assertEquals(compact[0], compact[1]);
        } finally {
            alone.close();
            sweeping.close();
        }
    }

    /** Each line's labels (a capital, then words, then a colon), the values left out. */
    private static List<List<String>> labels(String text) {
        List<List<String>> lines = new ArrayList<>();
        Pattern label = Pattern.compile("[A-Z][A-Za-z/() ]*:");
        for (String line : text.split("\n", -1)) {
            List<String> found = new ArrayList<>();
            Matcher m = label.matcher(line);
            while (m.find()) {
                found.add(m.group());
            }
            lines.add(found);
        }
        return lines;
    }

    /** The JSON object's field names, snake case too, in order. */
    private static List<String> fields(String json) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([A-Za-z_]+)\":").matcher(json);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void bandwidthByPeerAndTheStatsAliasesAsKubos() throws Exception {
        // Kubo's bytes with p2pkit, and p2pkit's with Kubo: both counted, printed alike
        String kuboOnP2pkit = kubo.cli().outcome(List.of("stats", "bw", "--peer", node.peerId().toString()));
        String p2pkitOnKubo = client.outcome(List.of("--api", api, "stats", "bw", "--peer", kubo.peerId()));
        assertEquals(shape(kuboOnP2pkit), shape(p2pkitOnKubo), kuboOnP2pkit + "\n" + p2pkitOnKubo);
        assertTrue(p2pkitOnKubo.startsWith("Bandwidth\nTotalIn: ") && !p2pkitOnKubo.contains("TotalIn: 0 B\n"), p2pkitOnKubo);
        same("stats", "bw", "--peer", kubo.peerId(), "--proto", "/ipfs/id/1.0.0");
        String[] bad = both("stats", "bw", "--peer", "bad");
        assertTrue(bad[0].startsWith("Error: failed to parse peer ID: ") && bad[1].startsWith("Error: failed to parse peer ID: "),
                String.join("\n", bad));
        String[] unknown = both("stats", "bw", "--peer", "12D3KooWHz7AEJzbRD66xbLErTe5aCRH8ucnijCRdRWXoJ6tSCbq");
        assertEquals(unknown[0], unknown[1], "a peer never connected: zeros");
        for (String command : List.of("stats bitswap", "stats repo")) {
            String[] json = both((command + " --enc=json").split(" "));
            assertEquals(keys(json[0]), keys(json[1]), command + ": " + json[1]);
        }
    }

    @Test
    void swarmFiltersAsKubos() {
        same("swarm", "filters");
        same("swarm", "filters", "add", "/ip4/10.1.2.3/ipcidr/8", "/ip6/fd00::/ipcidr/8", "/ip4/10.1.2.3/ipcidr/8");
        same("swarm", "filters");
        same("swarm", "filters", "--enc=json");
        same("swarm", "filters", "rm", "/ip6/fd00::/ipcidr/8");
        same("swarm", "filters", "rm", "/ip4/192.168.0.0/ipcidr/16");
        same("swarm", "filters", "add", "/ip4/1.2.3.4");
        same("swarm", "filters", "add", "/ip4/10.0.0.0/ipcidr/33");
        same("swarm", "filters", "rm", "all");
        same("swarm", "filters", "--enc=json");
    }

    @Test
    void swarmPeeringAsKubos() {
        String peer = address(third);
        same("swarm", "peering", "ls");
        same("swarm", "peering", "add", peer);
        same("swarm", "peering", "ls");
        same("swarm", "peering", "ls", "--enc=json");
        same("swarm", "peering", "add", peer.substring(0, peer.indexOf("/p2p/")));
        same("swarm", "peering", "rm", third.peerId().toString());
        same("swarm", "peering", "ls", "--enc=json");
        String[] bad = both("swarm", "peering", "rm", "bad");
        assertTrue(bad[0].startsWith("Error: failed to parse peer ID: ") && bad[1].startsWith("Error: failed to parse peer ID: "),
                String.join("\n", bad));
    }

    @Test
    void dhtQueryAndTheDhtTableAsKubos() {
        // each finds the other and the third node as closest to the third node's ID
        String[] query = both("dht", "query", third.peerId().toString());
        Set<String> byKubo = new TreeSet<>(query[0].lines().toList());
        Set<String> byP2pkit = new TreeSet<>(query[1].lines().toList());
        assertTrue(byKubo.containsAll(Set.of(node.peerId().toString(), third.peerId().toString())), query[0]);
        assertTrue(byP2pkit.containsAll(Set.of(kubo.peerId(), third.peerId().toString())), query[1]);
        String[] events = both("dht", "query", "--enc=json", third.peerId().toString());
        for (String stream : events) {
            assertEquals(Set.of(List.of("Extra", "ID", "Responses", "Type")), stream.lines()
                    .map(l -> List.copyOf(((java.util.Map<?, ?>) io.p2pkit.testing.TinyJson.parse(l)).keySet()))
                    .collect(Collectors.toSet()), "every event a query event, keys in go-libp2p's order: " + stream);
        }
        same("dht", "query", "bad");
        same("dht", "findprovs", "bafkqaaa");
        String[] table = both("stats", "dht", "--enc=json");
        assertEquals(keys(table[0].lines().findFirst().orElseThrow()).subList(0, 2),
                keys(table[1].lines().findFirst().orElseThrow()).subList(0, 2));
        String ours = both("stats", "dht", "wan")[1];
        assertTrue(ours.startsWith("DHT wan ("), ours);
        assertTrue(ours.lines().anyMatch(l -> l.startsWith("  @ " + kubo.peerId())), ours);
        same("stats", "dht", "moon");
    }
}
