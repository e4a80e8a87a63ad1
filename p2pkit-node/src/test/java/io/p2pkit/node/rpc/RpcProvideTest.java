package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.exchange.ReprovideStrategy;
import io.p2pkit.node.exchange.Reprovider;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code routing/reprovide} (and {@code bitswap/reprovide}) announce the repository now, and
 * {@code provide/stat} (and {@code stats/provide}, {@code stats/reprovide}) report it in Kubo
 * 0.39's sweeping-provider shape, or its legacy provider's when the sweep is off; a node that
 * announces nothing answers Kubo's errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcProvideTest {
    @TempDir
    static Path dir;
    private static Node provider;
    private static Node finder;
    private static Node silent;
    private static Node noDht;
    private static Node legacy;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("provider", "silent", "no-dht", "legacy")) {
            Repository.init(dir.resolve(name), RepoConfig.defaults());
        }
        finder = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        provider = Node.start(api().dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("provider"))).build());
        silent = Node.start(api().dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("silent")).withReprovide(ReprovideStrategy.NONE,
                        Reprovider.DEFAULT_INTERVAL)).build());
        noDht = Node.start(api().dht(Optional.empty()).content(NodeConfig.Content.of(dir.resolve("no-dht"))).build());
        legacy = Node.start(api().dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("legacy")).withSweep(Optional.empty())).build());
        for (Node n : List.of(provider, legacy)) {
            n.host().connect(finder.addresses().getFirst());
            Await.until("the finder is in the routing table", () -> n.dht().orElseThrow().routingTable().size() > 0,
                    Duration.ofSeconds(10));
            // the run the node starts a second after it starts is over: the next is a day away
            Await.until("the first scheduled run ended",
                    () -> n.content().orElseThrow().reprovider().orElseThrow().lastRun().isPresent(), Duration.ofSeconds(30));
        }
        client = HttpClient.newHttpClient();
    }

    private static NodeConfig.Builder api() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").pubsub(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() {
        Stream.of(legacy, noDht, silent, provider, finder).forEach(Node::close);
        client.close();
    }

    private static HttpResponse<String> post(Node node, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/"
                + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reprovideAnnouncesNowAndTheSweepStatisticsCountIt() throws Exception {
        io.p2pkit.ipfs.block.Block block = io.p2pkit.ipfs.block.Block.create(io.p2pkit.core.multiformats.Multicodec.RAW,
                io.p2pkit.core.multiformats.Multicodec.SHA2_256, "announced by routing/reprovide".getBytes());
        provider.content().orElseThrow().repository().blocks().put(block);
        HttpResponse<String> reprovided = post(provider, "routing/reprovide");
        assertEquals(200, reprovided.statusCode(), reprovided.body());
        assertEquals("", reprovided.body());
        assertEquals("1", reprovided.headers().firstValue("X-Chunked-Output").orElseThrow());
        // it announced: the other node finds the provider
        List<io.p2pkit.core.host.PeerInfo> found = new CopyOnWriteArrayList<>();
        finder.dht().orElseThrow().findProviders(block.cid().multihash().bytes(), 1, found::add);
        assertEquals(provider.peerId(), found.getFirst().peerId());
        // the node's reprovider sweeps by default (Kubo 0.39's provider) and alone decides what is
        // announced: the DHT keeps no list of provided keys to republish by itself
        assertTrue(provider.content().orElseThrow().reprovider().orElseThrow().sweeps());
        assertTrue(provider.dht().orElseThrow().providerStore().localKeys().isEmpty());

        long blocks;
        try (var keys = provider.content().orElseThrow().repository().blocks().local().keys()) {
            blocks = keys.count(); // the block, and what 'init' wrote (the MFS root)
        }
        // Kubo 0.39's answer for its default, sweeping provider
        Map<?, ?> answer = (Map<?, ?>) io.p2pkit.testing.TinyJson.parse(post(provider, "provide/stat").body().strip());
        assertEquals(List.of("Sweep", "Legacy", "FullRT"), List.copyOf(answer.keySet()));
        assertNull(answer.get("Legacy"));
        assertEquals(false, answer.get("FullRT"));
        Map<?, ?> sweep = (Map<?, ?>) answer.get("Sweep");
        assertEquals(List.of("closed", "connectivity", "queues", "schedule", "workers", "timing", "operations", "network"),
                List.copyOf(sweep.keySet()));
        assertEquals(false, sweep.get("closed"));
        assertEquals("online", field(sweep, "connectivity", "status"));
        assertTrue(number(sweep, "operations", "past", "keys_provided") >= 2 * blocks - 1,
                "the first cycle's keys and routing/reprovide's: " + sweep);
        assertEquals(0, number(sweep, "operations", "past", "keys_failed"));
        assertEquals(79_200_000_000_000L, number(sweep, "timing", "reprovides_interval"));
        assertEquals(20, number(sweep, "network", "replication_factor"));
        assertEquals(20, number(sweep, "workers", "max_provide_conns_per_worker"));
        assertEquals(blocks - 1, number(sweep, "schedule", "keys"), "the keys of the cycle, written before the block");
        assertEquals(8, number(sweep, "schedule", "avg_prefix_length"));
        assertTrue(String.valueOf(field(sweep, "schedule", "next_reprovide_prefix")).matches("[01]{8}"), sweep.toString());
        assertTrue(number(sweep, "network", "avg_holders") >= 1, "the finder took the records");

        String text = post(provider, "provide/stat?enc=text").body();
        List<String> lines = text.lines().map(l -> l.replaceFirst(":\\s.*", ":")).toList();
        assertEquals(List.of("Provide queue:", "Reprovide queue:", "CIDs scheduled:", "Regions scheduled:",
                "Avg record holders:", "Ongoing provides:", "Ongoing reprovides:", "Total CIDs provided:"), lines, text);
        String all = post(provider, "stats/provide?enc=text&all=true").body();
        for (String heading : List.of("Connectivity:", "Queues:", "Schedule:", "Timings:", "Network:", "Operations:",
                "Workers:")) {
            assertTrue(all.contains("\n" + heading + "\n") || all.startsWith(heading + "\n"), heading + " in\n" + all);
        }
        assertTrue(post(provider, "provide/stat?enc=text&all=true&compact=true").body().startsWith("Schedule:"));
        HttpResponse<String> compact = post(provider, "provide/stat?enc=text&compact=true");
        assertEquals(200, compact.statusCode());
        assertEquals("", compact.body(), "the error goes in the trailer, as Kubo's encoder's does");
        assertEquals("LAN stats only available for Sweep provider with Dual DHT",
                message(post(provider, "provide/stat?lan=true").body()));
    }

    private static Object field(Map<?, ?> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = ((Map<?, ?>) o).get(p);
        }
        return o;
    }

    private static long number(Map<?, ?> m, String... path) {
        return ((Number) field(m, path)).longValue();
    }

    @Test
    void withoutTheSweepTheStatisticsAreTheLegacyProviders() throws Exception {
        io.p2pkit.ipfs.block.Block block = io.p2pkit.ipfs.block.Block.create(io.p2pkit.core.multiformats.Multicodec.RAW,
                io.p2pkit.core.multiformats.Multicodec.SHA2_256, "announced by the legacy provider".getBytes());
        legacy.content().orElseThrow().repository().blocks().put(block);
        assertEquals(200, post(legacy, "routing/reprovide").statusCode());
        assertFalse(legacy.content().orElseThrow().reprovider().orElseThrow().sweeps());
        long blocks;
        try (var keys = legacy.content().orElseThrow().repository().blocks().local().keys()) {
            blocks = keys.count();
        }
        String stat = post(legacy, "provide/stat").body();
        assertTrue(stat.matches("\\{\"Sweep\":null,\"Legacy\":\\{\"TotalReprovides\":\\d+,\"LastReprovideBatchSize\":" + blocks + ","
                + "\"ReprovideInterval\":79200000000000,\"AvgReprovideDuration\":\\d+,\"LastReprovideDuration\":\\d+,"
                + "\"LastRun\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)\"},\"FullRT\":false}\n"), stat);
        long total = total(stat);
        assertEquals(200, post(legacy, "bitswap/reprovide").statusCode(), "Kubo's deprecated alias");
        assertEquals(total + blocks, total(post(legacy, "stats/reprovide").body()), "both runs counted");
        String text = post(legacy, "stats/provide?enc=text").body();
        assertTrue(text.matches("TotalReprovides:       " + (total + blocks) + "\nAvgReprovideDuration:  \\S+\nLastReprovideDuration: \\S+\n"
                + "LastReprovide:         \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\n"), text);
        HttpResponse<String> flags = post(legacy, "stats/provide?enc=text&all=true");
        assertEquals(200, flags.statusCode());
        assertEquals("", flags.body(), "the error goes in the trailer, as Kubo's encoder's does");
        assertEquals("LAN stats only available for Sweep provider with Dual DHT",
                message(post(legacy, "provide/stat?lan=true").body()));
    }

    @Test
    void aNodeThatAnnouncesNothingSaysWhy() throws Exception {
        HttpResponse<String> off = post(silent, "routing/reprovide");
        assertEquals(500, off.statusCode());
        assertEquals("invalid configuration: this node announces nothing (Provide.Enabled false, Provide.DHT.Interval 0, "
                + "Provide.Strategy none or --role leecher)", message(off.body()));
        assertEquals(message(off.body()), message(post(silent, "routing/provide?arg=bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e").body()),
                "a manual provide is refused too, as Kubo's with Provide.Enabled false");
        assertTrue(message(post(silent, "stats/provide").body()).startsWith("stats not available with current routing system"));
        // without a DHT there is nowhere to announce: done at once, as Kubo with Routing.Type none
        assertEquals(200, post(noDht, "routing/reprovide").statusCode());
        assertTrue(message(post(noDht, "provide/stat").body()).startsWith("stats not available"));
    }

    private static long total(String stat) {
        java.util.Map<?, ?> legacy = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) io.p2pkit.testing.TinyJson.parse(stat.strip())).get("Legacy");
        return ((Number) legacy.get("TotalReprovides")).longValue();
    }

    /** An error answer's message. */
    static String message(String body) {
        return String.valueOf(((java.util.Map<?, ?>) io.p2pkit.testing.TinyJson.parse(body.strip())).get("Message"));
    }

    @Test
    void numbersAndDurationsReadAsKubosHumanForms() {
        assertEquals("0", ProvideCommands.humanNumber(0));
        assertEquals("999", ProvideCommands.humanNumber(999));
        assertEquals("1k\t(1,000)", ProvideCommands.humanNumber(1000));
        assertEquals("1k\t(1,999)", ProvideCommands.humanNumber(1999));
        assertEquals("12M\t(12,345,678)", ProvideCommands.humanNumber(12_345_678));
        assertEquals("89µs", ProvideCommands.humanDuration(89_878));
        assertEquals("0s", ProvideCommands.humanDuration(999));
        assertEquals("1s", ProvideCommands.humanDuration(1_000_000_000));
        assertEquals("1.2s", ProvideCommands.humanDuration(1_234_567_890));
        assertEquals("5m0s", ProvideCommands.humanDuration(300_000_000_000L));
    }
}
