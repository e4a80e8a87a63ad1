package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit bootstrap}, {@code repo version}, {@code version deps} and {@code commands} offline;
 * {@code swarm addrs listen}, {@code log ls|level|tail}, {@code diag sys|cmds|profile}, {@code provide clear}, {@code version check}
 * and {@code shutdown} against a daemon in a child process, which {@code shutdown} stops.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminCommandTest {
    private static final String A = PrivateKey.generateEd25519().publicKey().toPeerId().toString();
    private static final String B = PrivateKey.generateEd25519().publicKey().toPeerId().toString();

    @Test
    void bootstrapEditsTheConfigOfflineAsKubosDoes(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        String a1 = "/ip4/127.0.0.1/tcp/4001/p2p/" + A;
        String a2 = "/ip4/127.0.0.1/tcp/4003/p2p/" + A;
        String b1 = "/ip4/127.0.0.1/tcp/4002/p2p/" + B;
        assertEquals("", repo.ok("bootstrap"));
        assertEquals("added " + a1 + "\nadded " + b1, repo.ok("bootstrap", "add", b1, a1), "sorted, as Kubo prints them");
        assertEquals("{\"Peers\":[\"" + a2 + "\"]}", repo.ok("bootstrap", "add", "--json", a2));
        assertEquals(Optional.of(a2 + ", " + b1 + ", " + a1), Repository.readConfig(home).get("bootstrap"));
        assertEquals(a1 + "\n" + b1 + "\n" + a2, repo.ok("bootstrap", "list"));
        assertEquals("removed " + a1 + "\nremoved " + a2, repo.ok("bootstrap", "rm", "/p2p/" + A));
        assertEquals("{\"Peers\":[\"" + b1 + "\"]}", repo.ok("bootstrap", "list", "--json"));
        repo.ok("bootstrap", "add", a1);
        assertEquals("removed " + a1 + "\nremoved " + b1, repo.ok("bootstrap", "rm", "all"));
        repo.ok("bootstrap", "add", a1);
        assertEquals("{\"Peers\":[\"" + a1 + "\"]}", repo.ok("bootstrap", "rm", "--all", "--json"));
        assertEquals("", repo.ok("bootstrap", "list"));

        CliRunner bad = repo.run("bootstrap", "add", "/ip4/127.0.0.1/tcp/4001");
        assertEquals(1, bad.status());
        assertEquals("p2pkit bootstrap add: error: invalid bootstrap address: /ip4/127.0.0.1/tcp/4001\n", bad.err());
        CliRunner defaults = repo.run("bootstrap", "add", "--default");
        assertEquals(1, defaults.status());
        // the test profile turns AutoConf off, as Kubo's does: Kubo's refusal, in its words
        assertTrue(defaults.err().contains("cannot add default bootstrap peers: AutoConf is disabled "
                + "(AutoConf.Enabled=false)"), defaults.err());
        assertEquals(1, repo.run("bootstrap", "add", "default").status());
        assertEquals("", repo.ok("bootstrap", "list"), "a refusal writes nothing");
        CliRunner noRepo = CliRunner.run("bootstrap", "list", "--repo-dir", home.resolve("none").toString());
        assertEquals(1, noRepo.status());
        assertTrue(noRepo.err().contains("no p2pkit repository at"), noRepo.err());
    }

    @Test
    void repoVersionVersionDepsAndCommandsNeedNoDaemon() {
        assertEquals("p2pkit repo version p2pkit-repo@" + Repository.VERSION, ok("repo", "version"));
        assertEquals("p2pkit-repo@" + Repository.VERSION, ok("repo", "version", "-q"));
        assertEquals("{\"Version\":\"" + Repository.VERSION + "\"}", ok("repo", "version", "--json"));

        List<String> deps = ok("version", "deps").lines().toList();
        assertEquals("io.p2pkit:p2pkit-node@" + io.p2pkit.node.NodeVersion.get(), deps.getFirst());
        assertTrue(deps.stream().anyMatch(l -> l.startsWith("info.picocli:picocli@")), deps.toString());
        assertTrue(ok("version", "deps", "--json").lines().allMatch(l -> TinyJson.parse(l) instanceof Map<?, ?> m
                && m.keySet().equals(java.util.Set.of("Path", "Version", "ReplacedBy", "Sum"))));

        List<String> commands = ok("commands").lines().toList();
        assertEquals("p2pkit", commands.getFirst());
        for (String c : List.of("p2pkit bootstrap rm", "p2pkit shutdown", "p2pkit log level", "p2pkit repo version",
                "p2pkit version deps", "p2pkit swarm addrs", "p2pkit commands")) {
            assertTrue(commands.contains(c), c);
        }
        assertEquals(commands.stream().sorted().toList(), commands);
        List<String> flags = ok("commands", "--flags").lines().toList();
        assertTrue(flags.contains("p2pkit bootstrap rm --all"), flags.toString());
        assertTrue(flags.contains("p2pkit commands --flags / p2pkit commands -f"), flags.toString());
        Map<?, ?> tree = (Map<?, ?>) TinyJson.parse(ok("commands", "--json"));
        assertEquals("p2pkit", tree.get("Name"));
        assertTrue(((List<?>) tree.get("Subcommands")).size() >= Main.commands().size());
    }

    private static String ok(String... argv) {
        CliRunner r = CliRunner.run(argv);
        assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.err());
        return r.out().strip();
    }

    @Test
    void logsAddressesAndShutdownGoThroughTheDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json");
        try {
            String ready = d.next("{\"event\":\"ready\"");
            String listen = ((String) ((List<?>) ((Map<?, ?>) TinyJson.parse(ready)).get("addrs")).getFirst())
                    .replaceAll("/p2p/.*", "");
            assertEquals(listen, repo.ok("swarm", "addrs", "listen"));
            assertEquals("{\"Strings\":[\"" + listen + "\"]}", repo.ok("swarm", "addrs", "listen", "--json"));
            assertEquals(2, repo.run("swarm", "addrs", "listen", "--id").status());

            assertTrue(repo.ok("log", "ls").lines().anyMatch(l -> l.startsWith("io.p2pkit.")), "the daemon's loggers");
            assertEquals("info", repo.ok("log", "level"));
            assertEquals("Changed log level of 'io.p2pkit.kad' to 'debug'", repo.ok("log", "level", "io.p2pkit.kad", "debug"));
            assertEquals("debug", repo.ok("log", "level", "io.p2pkit.kad"));
            assertEquals("{\"Levels\":{\"io.p2pkit.kad\":\"debug\"}}", repo.ok("log", "level", "io.p2pkit.kad", "--json"));
            assertEquals("Changed log level of '*' to 'warn'", repo.ok("log", "level", "all", "warn"));
            assertEquals("warn", repo.ok("log", "level"));
            String all = repo.ok("log", "level", "all");
            assertTrue(all.contains("(default): warn") && all.contains("io.p2pkit.kad: warn"), all);
            CliRunner wrong = repo.run("log", "level", "all", "verbose");
            assertEquals(1, wrong.status());
            assertEquals("p2pkit log level: error: unrecognized level: \"verbose\"\n", wrong.err());

            CliRunner added = repo.run("bootstrap", "add", "/ip4/127.0.0.1/tcp/4001/p2p/" + A);
            assertEquals(0, added.status(), added.err());
            assertTrue(added.err().contains("the change takes effect when it starts again"), added.err());

            // Kubo 0.42's container health check
            assertEquals("ok\n", repo.ok("diag", "healthy") + "\n");
            assertEquals("\"ok\"", repo.ok("diag", "healthy", "--json"));

            CliRunner shutdown = repo.run("shutdown");
            assertEquals(0, shutdown.status(), shutdown.err());
            assertEquals("", shutdown.out());
            assertFalse(Files.exists(home.resolve("api")), "shutdown returns once the daemon has exited");
            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, d.process().exitValue());
            assertEquals("{\"event\":\"stopped\"}", d.next("{\"event\":\"stopped\""));
            assertFalse(Files.readString(d.stderr()).contains("stopping"), "the SIGINT hook did not run again");
        } finally {
            d.close();
        }
        CliRunner none = repo.run("shutdown");
        assertEquals(1, none.status());
        assertEquals("p2pkit shutdown: error: daemon not running\n", none.err());
        CliRunner noDaemon = repo.run("log", "ls");
        assertEquals(1, noDaemon.status());
        assertEquals(1, repo.run("diag", "healthy").status(), "no daemon: not healthy");
    }

    @Test
    void diagVersionCheckAndLogTailGoThroughTheDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "server", "--json");
        ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        try {
            d.next("{\"event\":\"ready\"");
            String sys = repo.ok("diag", "sys");
            assertEquals(Set.of("diskinfo", "environment", "ipfs_commit", "ipfs_version", "memory", "net", "runtime"),
                    ((Map<?, ?>) TinyJson.parse(sys)).keySet(), "Kubo's keys, printed as its CLI prints them");
            Map<?, ?> again = (Map<?, ?>) TinyJson.parse(repo.ok("diag", "sys", "--json"));
            assertEquals(((Map<?, ?>) TinyJson.parse(sys)).keySet(), again.keySet(),
                    "the same object with --json (its figures move between two asks)");

            assertEquals("", repo.ok("diag", "cmds", "set-time", "1m"));
            List<String> table = repo.ok("diag", "cmds").lines().toList();
            assertTrue(table.getFirst().matches("Command +Active +StartTime +RunTime"), table.toString());
            assertTrue(table.stream().anyMatch(l -> l.matches("diag/cmds/set-time +false +.*")), table.toString());
            assertTrue(table.getLast().matches("diag/cmds +true +.*"), "the request that asks: " + table);
            assertTrue(repo.ok("diag", "cmds", "-v").lines().anyMatch(l -> l.matches("\\d+ +diag/cmds/set-time +\\[1m] +.*")));
            List<String> json = repo.ok("diag", "cmds", "--json").lines().toList();
            assertTrue(json.stream().allMatch(l -> ((Map<?, ?>) TinyJson.parse(l)).containsKey("Command")), json.toString());
            assertEquals("", repo.ok("diag", "cmds", "clear"));
            // what is left: clear itself, the CLI's look for the daemon (a version request), and the request that asks
            assertEquals(List.of("diag/cmds/clear", "version", "diag/cmds"), repo.ok("diag", "cmds", "--json").lines()
                    .map(l -> ((Map<?, ?>) TinyJson.parse(l)).get("Command")).toList());
            CliRunner badTime = repo.run("diag", "cmds", "set-time", "xx");
            assertEquals(1, badTime.status());
            assertEquals("p2pkit diag cmds set-time: error: time: invalid duration \"xx\"\n", badTime.err());

            Path zip = home.resolve("profile.zip");
            assertEquals("Wrote profiles to: " + zip, repo.ok("diag", "profile", "-o", zip.toString(), "--collectors",
                    "version,goroutines-stack,cpu", "--profile-time", "200ms").strip());
            List<String> entries = new java.util.ArrayList<>();
            try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
                for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    entries.add(e.getName());
                }
            }
            assertEquals(List.of("version.json", "threads.stacks", "profile.jfr"), entries);
            Path bad = home.resolve("bad.zip");
            CliRunner unknown = repo.run("diag", "profile", "-o", bad.toString(), "--collectors", "foo");
            assertEquals(1, unknown.status());
            assertEquals("p2pkit diag profile: error: unknown collector 'foo'\n", unknown.err());
            assertFalse(Files.exists(bad), "no half a zip");
            assertEquals("removed 0 items from provide queue", repo.ok("provide", "clear").strip());
            assertEquals("0", repo.ok("provide", "clear", "--json").strip());
            assertEquals("", repo.ok("provide", "clear", "-q"));
            List<String> stat = repo.ok("provide", "stat").lines().map(l -> l.replaceFirst(":\\s.*", ":")).toList();
            List<String> brief = List.of("Provide queue:", "Reprovide queue:", "CIDs scheduled:", "Regions scheduled:",
                    "Avg record holders:", "Ongoing provides:", "Ongoing reprovides:", "Total CIDs provided:");
            // Kubo 0.39's brief summary of its sweeping provider, led by the status when it is not online
            assertEquals(brief, stat.subList(stat.size() - brief.size(), stat.size()), "Kubo's brief summary: " + stat);
            assertTrue(stat.size() == brief.size() || stat.size() == brief.size() + 1 && stat.get(0).equals("Status:"),
                    stat.toString());
            assertTrue(repo.ok("provide", "stat", "--all", "--compact").startsWith("Schedule:"));
            CliRunner compact = repo.run("provide", "stat", "--compact");
            assertEquals(1, compact.status());
            assertEquals("p2pkit provide stat: error: --compact requires --all flag\n", compact.err());
            Map<?, ?> statJson = (Map<?, ?>) TinyJson.parse(repo.ok("provide", "stat", "--json"));
            assertEquals(List.of("Sweep", "Legacy", "FullRT"), List.copyOf(statJson.keySet()));
            assertEquals(null, statJson.get("Legacy"));
            CliRunner lan = repo.run("provide", "stat", "--lan");
            assertEquals(1, lan.status());
            assertEquals("p2pkit provide stat: error: LAN stats only available for Sweep provider with Dual DHT\n", lan.err());

            String version = NodeVersion.get().replaceFirst("[-+].*", "");
            assertEquals("{\"UpdateAvailable\":false,\"RunningVersion\":\"" + version + "\",\"GreatestVersion\":\""
                    + version + "\",\"PeersSampled\":1,\"WithGreaterVersion\":0}", repo.ok("version", "check"),
                    "no peers: the daemon alone");
            CliRunner badPercent = repo.run("version", "check", "-t", "101");
            assertEquals(1, badPercent.status());
            assertTrue(badPercent.err().contains("Version.SwarmCheckPercentThreshold must be between 1 and 100"), badPercent.err());

            Future<CliRunner> tail = background.submit(() -> repo.run("log", "tail", "--log-level", "info"));
            Await.until("the daemon runs the tail", () -> repo.ok("diag", "cmds").lines()
                    .anyMatch(l -> l.matches("log/tail +true +.*")), Duration.ofSeconds(30));
            repo.ok("log", "level", "io.p2pkit.node.rpc.LogCommands", "info");
            assertEquals("", repo.ok("shutdown"));
            CliRunner tailed = tail.get(30, TimeUnit.SECONDS);
            Map<?, ?> record = tailed.out().lines().map(l -> (Map<?, ?>) TinyJson.parse(l))
                    .filter(m -> "io.p2pkit.node.rpc.LogCommands".equals(m.get("logger"))).findFirst()
                    .orElseThrow(() -> new AssertionError(tailed.out() + tailed.err()));
            assertEquals(List.of("level", "ts", "logger", "caller", "msg"), List.copyOf(record.keySet()));
            assertEquals("Changed log level of 'io.p2pkit.node.rpc.LogCommands' to 'info'", record.get("msg"));
        } finally {
            background.shutdownNow();
            d.close();
        }
    }
}
