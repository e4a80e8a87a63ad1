package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs config}, pointed with {@code --api} at a p2pkit daemon, gets the same
 * output as against a Kubo 0.39 daemon for the keys both have: set (a string, {@code --json},
 * {@code --bool}, a section), get, the errors, {@code config show} and {@code config replace};
 * and p2pkit's change lands in its repository's config file.
 */
@InteropArea("RPC API: config edits against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConfigKuboInteropTest {
    /** One step, run on both daemons in this order. */
    enum Step {
        SET_STRING, SET_JSON, SET_BOOL, SET_LIST, SET_SECTION, WRONG_TYPE, NOT_JSON, MISSING, IMPORT, SHOW, PROFILE, REPLACE
    }

    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static Path repo;
    private static String api;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        client = KuboCli.fresh(Toolchains.requireKubo());
        repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        api = HttpAddress.multiaddr(node.apiAddress().orElseThrow());
    }

    @AfterAll
    static void stop() throws IOException {
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

    /** Runs the command on both and asserts the outputs are the same, byte for byte; returns it, stripped. */
    private static final String PEERING_PEER = "12D3KooWDnxHwYJA3jsZvtZi9FHVtdAtSs8F2WDH58HTAh4whhbs";

    private static String same(String... args) {
        String fromKubo = kubo.cli().outcome(List.of(args));
        List<String> withApi = new ArrayList<>(List.of("--api", api));
        withApi.addAll(List.of(args));
        String fromP2pkit = client.outcome(withApi);
        assertEquals(fromKubo, fromP2pkit, "ipfs " + String.join(" ", args));
        return fromKubo.strip();
    }

    private static String file(String fileKey) throws IOException {
        return Repository.readConfig(repo).get(fileKey).orElse("(not set)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Step.class)
    void kubosCliGetsKubosAnswers(Step step) throws Exception {
        switch (step) {
            case SET_STRING -> {
                assertEquals("", same("config", "Addresses.Gateway", "/ip4/127.0.0.1/tcp/8081"));
                assertEquals("/ip4/127.0.0.1/tcp/8081", same("config", "Addresses.Gateway"));
                assertEquals("/ip4/127.0.0.1/tcp/8081", file("addresses.gateway"));
                // Kubo 0.38's Provide keys, kept under the file keys p2pkit had
                assertEquals("", same("config", "Provide.Strategy", "pinned"));
                assertEquals("", same("config", "Provide.DHT.Interval", "12h"));
                assertEquals("pinned", same("config", "Provide.Strategy"));
                assertEquals("pinned", file("reprovider.strategy"));
                // the Pubsub section and the GC keys of daemon --enable-gc
                assertEquals("", same("config", "Pubsub.Router", "floodsub"));
                assertEquals("", same("config", "Pubsub.SeenMessagesStrategy", "first-seen"));
                assertEquals("", same("config", "Pubsub.SeenMessagesTTL", "5m"));
                assertEquals("", same("config", "Datastore.GCPeriod", "30m"));
                assertEquals("floodsub", same("config", "Pubsub.Router"));
                assertEquals("5m", file("pubsub.seenMessagesTTL"));
                assertEquals("12h", file("reprovider.interval"));
                // Kubo 0.38's AutoConf keys (the document itself is compared in AutoConfKuboInteropTest)
                assertEquals("", same("config", "AutoConf.URL", "http://127.0.0.1:9/autoconf.json"));
                assertEquals("", same("config", "--json", "AutoConf.Enabled", "false"));
                assertEquals("", same("config", "AutoConf.RefreshInterval", "12h"));
                assertEquals("http://127.0.0.1:9/autoconf.json", same("config", "AutoConf.URL"));
                assertEquals("false", same("config", "AutoConf.Enabled"));
                assertEquals("12h", file("autoConf.refreshInterval"));
            }
            case SET_JSON -> {
                assertEquals("", same("config", "--json", "Swarm.ConnMgr.HighWater", "200"));
                assertEquals("200", same("config", "Swarm.ConnMgr.HighWater"));
                assertEquals("200", file("swarm.connMgr.highWater"));
                // Kubo's OptionalInteger and OptionalBytes (a number kept as a string, or a size string)
                same("config", "--json", "Gateway.MaxConcurrentRequests", "100");
                assertEquals("100", same("config", "Gateway.MaxConcurrentRequests"));
                same("config", "--json", "Gateway.MaxRangeRequestFileSize", "1048576");
                assertEquals("1048576", same("config", "Gateway.MaxRangeRequestFileSize"));
                same("config", "Gateway.MaxRangeRequestFileSize", "5GiB");
                assertEquals("5GiB", same("config", "Gateway.MaxRangeRequestFileSize"));
                assertEquals("5GiB", file("gateway.maxRangeRequestFileSize"));
                // a map of arrays, set one entry at a time as Kubo's MapSetKV sets it
                same("config", "--json", "Gateway.HTTPHeaders.X-Served-By", "[\"p2pkit\",\"test\"]");
                assertEquals("{\n  \"X-Served-By\": [\n    \"p2pkit\",\n    \"test\"\n  ]\n}",
                        same("config", "Gateway.HTTPHeaders"));
                // an object of hostnames, one removing Kubo's default localhost
                same("config", "--json", "Gateway.PublicGateways", "{\"example.com\":{\"Paths\":[\"/ipfs\",\"/ipns\"],"
                        + "\"UseSubdomains\":true,\"DeserializedResponses\":false},\"localhost\":null}");
                assertTrue(same("config", "Gateway.PublicGateways").contains("\"DeserializedResponses\": false"));
                assertEquals("false", file("gateway.publicGateways.example.com.deserializedResponses"));
                assertEquals("off", file("gateway.publicGateways.localhost"));
                same("config", "Gateway.RootRedirect", "/ipfs/bafkqaaa");
                assertEquals("/ipfs/bafkqaaa", same("config", "Gateway.RootRedirect"));
                // the peers a daemon keeps connected: an array of AddrInfo, one without addresses
                same("config", "--json", "Peering.Peers", "[{\"ID\":\"" + PEERING_PEER + "\",\"Addrs\":"
                        + "[\"/ip4/127.0.0.1/tcp/4001\"]},{\"ID\":\"QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN\"}]");
                assertTrue(same("config", "Peering.Peers").contains("\"ID\": \"" + PEERING_PEER + "\""));
                assertTrue(file("peering.peers").contains(PEERING_PEER));
                // security priorities: a positive integer or false, Kubo's words for the rest
                same("config", "--json", "Swarm.Transports.Security.Noise", "50");
                same("config", "--json", "Swarm.Transports.Security.TLS", "false");
                assertEquals("50", same("config", "Swarm.Transports.Security.Noise"));
                assertEquals("false", same("config", "Swarm.Transports.Security.TLS"));
                assertEquals("false", file("swarm.transports.security.tls"));
                same("config", "--json", "Swarm.Transports.Security.TLS", "true");
                same("config", "--json", "Swarm.Transports.Security.TLS", "0");
                same("config", "--json", "Swarm.Transports.Multiplexers.Yamux", "100");
                assertEquals("100", file("swarm.transports.multiplexers.yamux"));
                // Bitswap's knobs that both have
                same("config", "--json", "Internal.Bitswap.MaxOutstandingBytesPerPeer", "1000000");
                same("config", "Internal.Bitswap.ProviderSearchDelay", "250ms");
                same("config", "--json", "Internal.Bitswap.EngineTaskWorkerCount", "16");
                assertEquals("1000000", same("config", "Internal.Bitswap.MaxOutstandingBytesPerPeer"));
                assertEquals("250ms", same("config", "Internal.Bitswap.ProviderSearchDelay"));
                assertEquals("16", same("config", "Internal.Bitswap.EngineTaskWorkerCount"));
                assertEquals("1000000", file("internal.bitswap.maxOutstandingBytesPerPeer"));
                // (Kubo's command line reads a value of -1 as an option, so the test sets 50)
                same("config", "--json", "Internal.Bitswap.BroadcastControl.MaxPeers", "50");
                same("config", "--json", "Internal.Bitswap.BroadcastControl.MaxRandomPeers", "2");
                same("config", "--bool", "Internal.Bitswap.BroadcastControl.LocalPeers", "true");
                assertEquals("50", same("config", "Internal.Bitswap.BroadcastControl.MaxPeers"));
                assertEquals("50", file("internal.bitswap.broadcastControl.maxPeers"));
                // the name cache's
                same("config", "--json", "Ipns.ResolveCacheSize", "256");
                same("config", "Ipns.MaxCacheTTL", "1m");
                assertEquals("256", same("config", "Ipns.ResolveCacheSize"));
                assertEquals("1m", same("config", "Ipns.MaxCacheTTL"));
                assertEquals("1m", file("ipns.maxCacheTTL"));
                // DNS-over-HTTPS endpoints by domain (on loopback: nothing here is ever asked of the internet)
                same("config", "--json", "DNS.Resolvers", "{\"eth.\":\"http://127.0.0.1:9/dns-query\",\".\":\"\"}");
                same("config", "DNS.MaxCacheTTL", "5m");
                assertEquals("{\n  \".\": \"\",\n  \"eth.\": \"http://127.0.0.1:9/dns-query\"\n}",
                        same("config", "DNS.Resolvers"));
                assertEquals("5m", same("config", "DNS.MaxCacheTTL"));
                same("config", "--json", "Ipns.DelegatedPublishers", "[\"http://127.0.0.1:9/routing/v1/ipns\"]");
                assertEquals("[\n  \"http://127.0.0.1:9/routing/v1/ipns\"\n]", same("config", "Ipns.DelegatedPublishers"));
                same("config", "--json", "Routing.IgnoreProviders", "[\"" + PEERING_PEER + "\"]");
                assertEquals(PEERING_PEER, file("routing.ignoreProviders"));
                assertEquals("{\".\":\"\",\"eth.\":\"http://127.0.0.1:9/dns-query\"}", file("dns.resolvers"));
            }
            case SET_BOOL -> {
                assertEquals("", same("config", "--bool", "Discovery.MDNS.Enabled", "false"));
                assertEquals("false", same("config", "Discovery.MDNS.Enabled"));
                assertEquals("false", file("discovery.mdns.enabled"));
                assertEquals("", same("config", "--bool", "Provide.Enabled", "true"));
                assertEquals("", same("config", "--bool", "Gateway.NoFetch", "true"));
                assertEquals("true", file("gateway.noFetch"));
                assertEquals("", same("config", "--bool", "Bitswap.ServerEnabled", "false"));
                assertEquals("false", same("config", "Bitswap.ServerEnabled"));
                assertEquals("false", file("bitswap.serverEnabled"));
                assertEquals("", same("config", "--bool", "Swarm.Transports.Network.QUIC", "false"));
                assertEquals("false", same("config", "Swarm.Transports.Network.QUIC"));
                assertEquals("false", file("swarm.transports.network.quic"));
                assertEquals("true", file("provide.enabled"));
            }
            case SET_LIST -> {
                same("config", "--json", "Routing.DelegatedRouters", "[\"http://127.0.0.1:9/\"]");
                assertEquals("[\n  \"http://127.0.0.1:9/\"\n]", same("config", "Routing.DelegatedRouters"));
                same("config", "--json", "Addresses.Swarm", "[\"/ip4/127.0.0.1/tcp/4011\",\"/ip4/127.0.0.1/udp/4011/quic-v1\"]");
                assertEquals("[\n  \"/ip4/127.0.0.1/tcp/4011\",\n  \"/ip4/127.0.0.1/udp/4011/quic-v1\"\n]",
                        same("config", "Addresses.Swarm"));
                same("config", "--json", "API.HTTPHeaders.Access-Control-Allow-Origin", "[\"https://webui.example\"]");
                same("config", "API.HTTPHeaders.Access-Control-Allow-Origin");
                assertEquals("https://webui.example", file("api.allowedOrigins"));
                // the API's other headers: one at a time, then the whole object, shown as Kubo shows them
                same("config", "--json", "API.HTTPHeaders.X-Api-Test", "[\"a\",\"b\"]");
                same("config", "API.HTTPHeaders");
                same("config", "--json", "API.HTTPHeaders", "{\"Access-Control-Allow-Origin\":[\"https://webui.example\"],"
                        + "\"Access-Control-Allow-Credentials\":[\"true\"],\"X-Api-Test\":[\"c\"]}");
                assertTrue(same("config", "API.HTTPHeaders").contains("\"Access-Control-Allow-Credentials\""));
                assertEquals("https://webui.example", file("api.allowedOrigins"));
            }
            case SET_SECTION -> {
                same("config", "--json", "Swarm.ConnMgr", "{\"HighWater\":50,\"LowWater\":20,\"GracePeriod\":\"30s\"}");
                assertEquals("{\n  \"GracePeriod\": \"30s\",\n  \"HighWater\": 50,\n  \"LowWater\": 20\n}",
                        same("config", "Swarm.ConnMgr"));
                assertEquals("30s", same("config", "Swarm.ConnMgr.GracePeriod"));
                // the RPC secrets: an object of names, read back whole (neither daemon takes them before a restart)
                same("config", "--json", "API.Authorizations", "{\"ci\":{\"AuthSecret\":\"bearer:s3cret\","
                        + "\"AllowedPaths\":[\"/api/v0/id\",\"/api/v0/cat\"]}}");
                assertTrue(same("config", "API.Authorizations").contains("\"bearer:s3cret\""));
                assertEquals("/api/v0/id, /api/v0/cat", file("api.authorization.ci.paths"));
            }
            case WRONG_TYPE -> {
                assertTrue(same("config", "Swarm.ConnMgr.HighWater", "300").startsWith("Error: failed to set config value: "
                        + "failure to decode config: json: cannot unmarshal string into Go struct field"));
                same("config", "--json", "Swarm.RelayService.Enabled", "3");
                same("config", "--json", "Swarm.ConnMgr.GracePeriod", "\"5\"");
                assertEquals("50", same("config", "Swarm.ConnMgr.HighWater"), "a refused change changes nothing");
            }
            case NOT_JSON -> {
                // the parser's own words differ (Go's encoding/json, p2pkit's DAG-JSON): Kubo's prefix is the same
                String fromKubo = kubo.cli().outcome(List.of("config", "--json", "Addresses.Swarm", "nojson"));
                String fromP2pkit = client.outcome(List.of("--api", api, "config", "--json", "Addresses.Swarm", "nojson"));
                assertTrue(fromKubo.startsWith("Error: failed to unmarshal json. "), fromKubo);
                assertTrue(fromP2pkit.startsWith("Error: failed to unmarshal json. "), fromP2pkit);
            }
            case MISSING -> {
                same("config", "Swarm.Nope");
                same("config", "Swarm.ConnMgr.HighWater.x");
                same("config", "Identity.PrivKey");
            }
            case IMPORT -> {
                // Kubo's Import keys are add's defaults on both daemons: the same tree gives the same CIDs
                Path tree = Files.createDirectories(dir.resolve("import-tree"));
                java.util.Random random = new java.util.Random(42);
                for (int i = 0; i < 12; i++) {
                    byte[] data = new byte[i * 60_000 + 1];
                    random.nextBytes(data);
                    Files.write(tree.resolve("file-" + i), data);
                }
                String before = same("add", "-r", "-Q", "--only-hash", tree.toString());
                assertTrue(before.startsWith("Qm"), before);
                same("config", "--json", "Import.CidVersion", "1");
                same("config", "Import.UnixFSChunker", "size-100000");
                same("config", "--json", "Import.UnixFSFileMaxLinks", "3");
                same("config", "--json", "Import.UnixFSDirectoryMaxLinks", "5"); // 12 entries: a HAMT
                same("config", "--json", "Import.UnixFSHAMTDirectoryMaxFanout", "16");
                same("config", "Import.HashFunction", "blake2b-256");
                // stored, not --only-hash: Kubo 0.39's --only-hash leaves a directory basic past its max links
                String after = same("add", "-r", "-Q", tree.toString());
                assertTrue(after.startsWith("bafy") && !after.equals(before), after);
                assertEquals("3", same("config", "Import.UnixFSFileMaxLinks"));
                assertEquals("3", file("import.unixfsFileMaxLinks"));
                // the command's option still wins
                same("add", "-r", "-Q", "--cid-version=1", "--hash=sha2-256", "--max-file-links=2", tree.toString());
            }
            case PROFILE -> {
                // Kubo's network profiles set the same keys the same way (the printed diffs differ:
                // p2pkit's config has fewer keys). After SHOW: Kubo rewrites its whole config through
                // its structs when it applies a profile, which writes its durations in Go's long form
                // ("12h0m0s") and fills in a public gateway's unset fields; p2pkit keeps what was set
                for (String profile : List.of("server", "lowpower")) {
                    List<String> args = List.of("config", "profile", "apply", profile);
                    String fromKubo = kubo.cli().outcome(args);
                    List<String> withApi = new ArrayList<>(List.of("--api", api));
                    withApi.addAll(args);
                    String fromP2pkit = client.outcome(withApi);
                    assertFalse(fromKubo.startsWith("Error") || fromP2pkit.startsWith("Error"), fromKubo + fromP2pkit);
                }
                same("config", "Swarm.AddrFilters");
                same("config", "Addresses.NoAnnounce");
                same("config", "Discovery.MDNS.Enabled");
                same("config", "Swarm.DisableNatPortMap");
                same("config", "Routing.Type");
                same("config", "AutoNAT.ServiceMode");
                assertEquals("1m0s", same("config", "Swarm.ConnMgr.GracePeriod"));
                assertEquals("basic", same("config", "Swarm.ConnMgr.Type"));
                same("config", "--json", "Swarm.ConnMgr.HighWater", "50"); // what the replace step below changes
            }
            case SHOW -> {
                Map<?, ?> fromKubo = (Map<?, ?>) KuboConfig.parseJson(kubo.cli().outcome(List.of("config", "show")));
                Map<?, ?> fromP2pkit = (Map<?, ?>) KuboConfig.parseJson(client.outcome(List.of("--api", api, "config", "show")));
                for (String key : List.of("Addresses.Gateway", "Addresses.Swarm", "Swarm.ConnMgr", "Discovery.MDNS.Enabled",
                        "API.HTTPHeaders", "API.Authorizations", "Ipns.RepublishPeriod", "Ipns.RecordLifetime",
                        "Ipns.ResolveCacheSize", "Ipns.MaxCacheTTL", "Provide", "Pubsub", "Datastore.GCPeriod",
                        "Datastore.StorageGCWatermark", "Gateway.NoFetch", "Gateway.MaxConcurrentRequests",
                        "Gateway.MaxRangeRequestFileSize", "Import.CidVersion", "Import.UnixFSChunker",
                        "Import.UnixFSFileMaxLinks", "Import.HashFunction", "Import.UnixFSHAMTDirectoryMaxFanout",
                        "Gateway.HTTPHeaders", "Gateway.RootRedirect", "Gateway.PublicGateways", "Peering.Peers",
                        "Swarm.Transports.Security", "DNS", "Ipns.DelegatedPublishers",
                        "Routing.IgnoreProviders", "Swarm.Transports.Multiplexers",
                        "Internal.Bitswap.BroadcastControl")) {
                    assertEquals(at(fromKubo, key), at(fromP2pkit, key), key);
                }
                assertEquals(Map.of(), at(fromP2pkit, "API.Authorizations"), "the secrets emptied, as Kubo's");
                assertEquals(at(fromKubo, "Identity.PeerID").getClass(), at(fromP2pkit, "Identity.PeerID").getClass());
                assertTrue(at(fromP2pkit, "Identity.PrivKey") == null, "no private key, as Kubo");
            }
            case REPLACE -> {
                // Kubo's whole config, changed, goes to both; p2pkit takes the keys it has
                String shown = kubo.cli().outcome(List.of("config", "show"));
                Path replacement = Files.writeString(dir.resolve("replacement.json"),
                        shown.replace("\"HighWater\": 50", "\"HighWater\": 60"));
                assertEquals("", same("config", "replace", replacement.toString()));
                assertEquals("60", same("config", "Swarm.ConnMgr.HighWater"));
                assertEquals("/ip4/127.0.0.1/tcp/8081", same("config", "Addresses.Gateway"));
                assertEquals("60", file("swarm.connMgr.highWater"));
            }
        }
    }

    private static Object at(Map<?, ?> config, String dotted) {
        Object cursor = config;
        for (String part : dotted.split("\\.")) {
            cursor = cursor instanceof Map<?, ?> m ? m.get(part) : null;
        }
        return cursor;
    }
}
