package io.p2pkit.node.cli.command;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.AutoConfServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's AutoConf in the daemon and the commands: "auto" in Bootstrap, DNS.Resolvers,
 * Routing.DelegatedRouters and Ipns.DelegatedPublishers replaced from the document at AutoConf.URL
 * (a local server), kept in the repository, and Kubo's checks when AutoConf is off.
 */
@Timeout(60)
class DaemonAutoConfTest {
    private static final String A = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519)
            .publicKey().toPeerId().toString();
    private static final String B = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519)
            .publicKey().toPeerId().toString();

    private static String doc(long version) {
        return AutoConfServer.document(version, A, B, "http://127.0.0.1:3");
    }

    /** A command run in-process: its status, stdout and stderr. */
    private record CliRunner(int status, String out, String err) {
        static CliRunner run(String... argv) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = new io.p2pkit.node.cli.Main().run(List.of(argv), new Console(
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
            return new CliRunner(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** The daemon's config from the repository, and what it said on its console. */
    private record Started(NodeConfig config, String said) {
    }

    private static Started daemon(Path repo) throws Exception {
        DaemonCommand command = new DaemonCommand();
        new CommandLine(command).parseArgs("--repo-dir", repo.toString(), "--identity",
                repo.resolveSibling("id.key").toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(text, true, StandardCharsets.UTF_8);
        NodeConfig config = command.config(new Console(sink, sink));
        return new Started(config, text.toString(StandardCharsets.UTF_8));
    }

    private static Path repo(Path dir, Map<String, Object> kubo) throws Exception {
        return DaemonConfigFileTest.repo(dir, kubo);
    }

    private static Map<String, Object> everyAuto(URI url) {
        return Map.of("AutoConf.URL", url.toString(), "Bootstrap", List.of("auto"),
                "Routing.DelegatedRouters", List.of("auto"), "Ipns.DelegatedPublishers", List.of("auto"),
                "DNS.Resolvers", Map.of(".", "auto"));
    }

    @Test
    void theDaemonReplacesAutoFromTheDocumentAndKeepsIt(@TempDir Path dir) throws Exception {
        Path repo;
        try (AutoConfServer server = new AutoConfServer(doc(11))) {
            repo = repo(dir, everyAuto(server.url()));
            NodeConfig c = daemon(repo).config();
            assertEquals(List.of(PeerInfo.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + A),
                    PeerInfo.parse("/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + B)), c.bootstrap());
            // Routing.Type auto: the DHT is native, so only the IPNI endpoint, asked for providers alone
            assertEquals(List.of(URI.create("http://127.0.0.1:3/routing/v1/providers")), c.delegatedRouters());
            assertEquals(List.of(), c.delegatedPublishers(), "the only IPNS endpoint serves the DHT's system");
            assertEquals(Map.of("eth.", URI.create("http://127.0.0.1:1/dns-query")), c.dnsResolvers().endpoints());
            assertEquals(1, server.conditions.size());
        }
        try (var files = Files.list(repo.resolve("autoconf"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("autoconf-\\d+\\.json")));
        }
        // the server is gone: the kept copy serves the next start (and the commands, which never fetch)
        assertEquals(2, daemon(repo).config().bootstrap().size());
        CliRunner expanded = CliRunner.run("bootstrap", "list", "--expand-auto", "--repo-dir", repo.toString());
        assertEquals("/ip4/127.0.0.1/tcp/4001/p2p/" + A + "\n/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + B + "\n",
                expanded.out(), expanded.err());
        assertEquals("auto\n", CliRunner.run("bootstrap", "list", "--repo-dir", repo.toString()).out());
        CliRunner routers = CliRunner.run("config", "Routing.DelegatedRouters", "--expand-auto", "--repo-dir",
                repo.toString());
        assertEquals("[\n  \"http://127.0.0.1:3/routing/v1/providers\"\n]\n", routers.out(), routers.err());
        CliRunner show = CliRunner.run("config", "show", "--expand-auto", "--json", "--repo-dir", repo.toString());
        assertTrue(show.out().contains("\"Resolvers\":{\"eth.\":\"http://127.0.0.1:1/dns-query\"}"), show.out());
        CliRunner set = CliRunner.run("config", "Bootstrap", "[]", "--json", "--expand-auto", "--repo-dir",
                repo.toString());
        assertTrue(set.err().contains("--expand-auto can only be used for reading config values, not for setting them"),
                set.err());
        // "auto" is AutoConf's: a single peer cannot be taken out of it, as in Kubo
        CliRunner rm = CliRunner.run("bootstrap", "rm", "/ip4/127.0.0.1/tcp/4001/p2p/" + A, "--repo-dir", repo.toString());
        assertTrue(rm.err().contains("cannot remove individual bootstrap peers when using 'auto' placeholder"), rm.err());
        assertEquals("removed auto\n", CliRunner.run("bootstrap", "rm", "--all", "--repo-dir", repo.toString()).out());
        assertEquals("added auto\n", CliRunner.run("bootstrap", "add", "default", "--repo-dir", repo.toString()).out(),
                "as Kubo: default is the auto placeholder, now that AutoConf has a URL");
    }

    @Test
    void withAutoConfOffAutoIsAnErrorAndOnlyAutoBootstrapPeersStopTheStart(@TempDir Path dir) throws Exception {
        UsageException only = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("a"),
                Map.of("AutoConf.Enabled", false, "Bootstrap", List.of("auto")))));
        assertTrue(only.getMessage().startsWith("no usable bootstrap peers: AutoConf is disabled "
                + "(AutoConf.Enabled=false) but 'auto' placeholder is used in Bootstrap config."), only.getMessage());
        String peer = "/ip4/127.0.0.1/tcp/4001/p2p/" + A;
        Started mixed = daemon(repo(dir.resolve("b"), Map.of("AutoConf.Enabled", false, "Bootstrap", List.of("auto", peer),
                "Routing.DelegatedRouters", List.of("auto"))));
        assertEquals(List.of(PeerInfo.parse(peer)), mixed.config().bootstrap());
        assertTrue(mixed.said().contains("error: Bootstrap contains 'auto' but AutoConf.Enabled=false"), mixed.said());
        assertTrue(mixed.said().contains("error: Routing.DelegatedRouters contains 'auto' but AutoConf.Enabled=false"),
                mixed.said());
        Path off = repo(dir.resolve("c"), Map.of("AutoConf.Enabled", false));
        CliRunner add = CliRunner.run("bootstrap", "add", "auto", "--repo-dir", off.toString());
        assertTrue(add.err().contains("cannot add default bootstrap peers: AutoConf is disabled (AutoConf.Enabled=false)"),
                add.err());
    }

    @Test
    void withoutAUrlAutoNamesNothingAndTheDaemonSaysSo(@TempDir Path dir) throws Exception {
        Started s = daemon(repo(dir, Map.of("Bootstrap", List.of("auto"), "Routing.DelegatedRouters", List.of("auto"))));
        assertEquals(List.of(), s.config().bootstrap());
        assertEquals(List.of(), s.config().delegatedRouters());
        assertTrue(s.said().contains("\"auto\" in Bootstrap, Routing.DelegatedRouters names nothing here"), s.said());
        assertFalse(Files.exists(dir.resolve("repo").resolve("autoconf")), "nothing was fetched");
    }

    @Test
    void anUnreachableUrlWithNothingKeptLeavesAutoEmptyAndTheStartGoesOn(@TempDir Path dir) throws Exception {
        URI url;
        try (AutoConfServer server = new AutoConfServer(doc(1))) {
            url = server.url();
        }
        Started s = daemon(repo(dir, everyAuto(url)));
        assertEquals(List.of(), s.config().bootstrap());
        assertTrue(s.said().contains("error: AutoConf: failed to fetch autoconf from " + url), s.said());
    }

    @Test
    void theRunningDaemonSaysWhenANewerDocumentIsOut(@TempDir Path dir) throws Exception {
        try (AutoConfServer server = new AutoConfServer(doc(1))) {
            Map<String, Object> settings = new java.util.HashMap<>(everyAuto(server.url()));
            settings.put("AutoConf.RefreshInterval", "50ms");
            Path repo = repo(dir, settings);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            PrintStream sink = new PrintStream(text, true, StandardCharsets.UTF_8);
            Console console = new Console(sink, sink);
            AutoConfSettings auto = AutoConfSettings.forDaemon(RepoSettings.read(repo), repo, console);
            assertEquals(1, auto.conf().orElseThrow().version());
            server.serve(doc(2));
            ScheduledExecutorService timer = auto.refresh(console).orElseThrow();
            try {
                String expected = "error: new autoconf version 2 published at " + server.url() + " - restart to apply updates";
                io.p2pkit.testing.Await.until("the daemon says a newer document is out",
                        () -> text.toString(StandardCharsets.UTF_8).contains(expected));
            } finally {
                timer.shutdownNow();
            }
            List<String> seen = new ArrayList<>(server.conditions);
            assertTrue(seen.size() >= 2, seen.toString());
        }
    }
}
