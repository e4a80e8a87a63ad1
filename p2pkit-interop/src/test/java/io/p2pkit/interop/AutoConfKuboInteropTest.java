package io.p2pkit.interop;

import com.sun.net.httpserver.HttpServer;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.config.AutoConfClient;
import io.p2pkit.node.config.KuboConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo 0.39 and p2pkit given the same AutoConf document (a local server) and the same {@code "auto"}
 * values replace them alike: Kubo's daemon fetches the document at its start, p2pkit's client keeps
 * it in the repository, and both {@code config show --expand-auto} outputs name the same bootstrap
 * peers, routers, publishers and DNS resolvers, for a routing with a DHT and one without.
 */
@InteropArea("AutoConf against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AutoConfKuboInteropTest {
    private static final String A = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId().toString();
    private static final String B = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId().toString();

    /** A document in the public one's shape; every URL in it is on loopback, where nothing answers. */
    private static final String DOCUMENT = """
            {"AutoConfVersion": 2025112901, "AutoConfSchema": 1, "AutoConfTTL": 86400,
             "SystemRegistry": {
               "AminoDHT": {"URL": "https://github.com/ipfs/specs/pull/497", "Description": "the DHT",
                 "NativeConfig": {"Bootstrap": ["/ip4/127.0.0.1/tcp/9/p2p/%s", "/ip4/127.0.0.1/udp/9/quic-v1/p2p/%s"]},
                 "DelegatedConfig": {"Read": ["/routing/v1/providers", "/routing/v1/peers", "/routing/v1/ipns"],
                                     "Write": ["/routing/v1/ipns"]}},
               "IPNI": {"URL": "https://ipni.example.com", "Description": "an indexer",
                 "DelegatedConfig": {"Read": ["/routing/v1/providers"], "Write": []}}},
             "DNSResolvers": {"eth.": ["http://127.0.0.1:7/dns-query"]},
             "DelegatedEndpoints": {
               "http://127.0.0.1:8": {"Systems": ["IPNI"], "Read": ["/routing/v1/providers"], "Write": []},
               "http://127.0.0.1:6": {"Systems": ["AminoDHT", "IPNI"],
                 "Read": ["/routing/v1/providers", "/routing/v1/peers", "/routing/v1/ipns"],
                 "Write": ["/routing/v1/ipns"]}}}
            """.formatted(A, B);

    /** The four fields and AutoConf's own, as {@code ipfs config} takes them. */
    private static List<List<String>> settings(String url, String routing) {
        return List.of(List.of("config", "Routing.Type", routing),
                List.of("config", "--json", "AutoConf.Enabled", "true"),
                List.of("config", "AutoConf.URL", url),
                List.of("config", "--json", "Bootstrap", "[\"auto\"]"),
                List.of("config", "--json", "Routing.DelegatedRouters", "[\"auto\"]"),
                List.of("config", "--json", "Ipns.DelegatedPublishers", "[\"auto\"]"),
                List.of("config", "--json", "DNS.Resolvers", "{\".\": \"auto\"}"));
    }

    @Test
    void bothReplaceAutoFromTheSameDocument(@TempDir Path dir) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/autoconf.json", x -> {
            try (x) {
                asked.incrementAndGet();
                byte[] body = DOCUMENT.getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(200, body.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/autoconf.json";
        Path repo = dir.resolve("p2pkit-repo");
        try (KuboDaemon kubo = KuboDaemon.start(Toolchains.requireKubo(), settings(url, "autoclient"))) {
            assertTrue(asked.get() >= 1, "Kubo's daemon fetched the document at its start");
            RepoConfig config = RepoConfig.defaults();
            for (List<String> s : settings(url, "autoclient")) {
                Object value = s.get(1).equals("--json") ? KuboConfig.parseJson(s.get(3)) : s.get(2);
                config = KuboConfig.set(config, s.get(s.get(1).equals("--json") ? 2 : 1), value);
            }
            Repository.init(repo, config);
            int before = asked.get();
            new AutoConfClient(AutoConfClient.url(url), repo.resolve("autoconf"), Duration.ofHours(1), false).latest();
            assertEquals(before + 1, asked.get(), "p2pkit fetched it too");

            Map<String, Object> fromKubo = expanded(kubo.cli().run(List.of("config", "show", "--expand-auto")));
            Map<String, Object> fromP2pkit = expanded(P2pkitCli.ok("config", "show", "--expand-auto", "--repo-dir",
                    repo.toString()));
            same(fromKubo, fromP2pkit);
            assertEquals(List.of("/ip4/127.0.0.1/tcp/9/p2p/" + A, "/ip4/127.0.0.1/udp/9/quic-v1/p2p/" + B),
                    fromP2pkit.get("Bootstrap"));
            assertEquals(List.of("http://127.0.0.1:8/routing/v1/providers"), fromP2pkit.get("Routers"));

            // without a DHT every endpoint is delegated, and there is no native system to bootstrap
            P2pkitCli.ok("config", "Routing.Type", "none", "--repo-dir", repo.toString());
            kubo.cli().run(List.of("config", "Routing.Type", "none"));
            Map<String, Object> kuboNone = expanded(kubo.cli().run(List.of("config", "show", "--expand-auto")));
            Map<String, Object> p2pkitNone = expanded(P2pkitCli.ok("config", "show", "--expand-auto", "--repo-dir",
                    repo.toString()));
            same(kuboNone, p2pkitNone);
            assertEquals(List.of(), p2pkitNone.get("Bootstrap"));
            assertFalse(((List<?>) p2pkitNone.get("Publishers")).isEmpty());
            // and the lists the commands give
            assertEquals(new HashSet<>(kubo.cli().run(List.of("bootstrap", "list", "--expand-auto")).lines().toList()),
                    new HashSet<>(P2pkitCli.ok("bootstrap", "list", "--expand-auto", "--repo-dir", repo.toString())
                            .lines().toList()));
        } finally {
            server.stop(0);
        }
    }

    /** The four fields of a {@code config show} output, the lists as sets where Kubo's order is a Go map's. */
    private static Map<String, Object> expanded(String json) {
        Map<?, ?> c = (Map<?, ?>) KuboConfig.parseJson(json);
        Object bootstrap = c.get("Bootstrap") == null ? List.of() : c.get("Bootstrap");
        Object routers = ((Map<?, ?>) c.get("Routing")).get("DelegatedRouters");
        Object publishers = ((Map<?, ?>) c.get("Ipns")).get("DelegatedPublishers");
        Object resolvers = ((Map<?, ?>) c.get("DNS")).get("Resolvers");
        return Map.of("Bootstrap", bootstrap, "Routers", routers == null ? List.of() : routers,
                "Publishers", publishers == null ? List.of() : publishers, "Resolvers", resolvers == null ? Map.of() : resolvers);
    }

    private static void same(Map<String, Object> kubo, Map<String, Object> p2pkit) {
        assertEquals(kubo.get("Bootstrap"), p2pkit.get("Bootstrap"), "Bootstrap");
        assertEquals(new HashSet<>((List<?>) kubo.get("Routers")), new HashSet<>((List<?>) p2pkit.get("Routers")),
                "Routing.DelegatedRouters");
        assertEquals(new HashSet<>((List<?>) kubo.get("Publishers")), new HashSet<>((List<?>) p2pkit.get("Publishers")),
                "Ipns.DelegatedPublishers");
        assertEquals(kubo.get("Resolvers"), p2pkit.get("Resolvers"), "DNS.Resolvers");
    }
}
