package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.cli.command.PerfCommand;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every command of the tree, found by walking it (so a new command is covered as soon as it is
 * registered): {@code --help} works and is generated with the shared options, and {@code --json}
 * is accepted and makes stdout JSON lines only. One peer serves everything the commands need:
 * perf (with the test plans' identity), a DHT server and a pubsub subscriber.
 */
class EveryCommandTest {
    /** Commands that run until stopped: their --json output is checked with real processes elsewhere. */
    private static final Map<String, String> CHECKED_ELSEWHERE = Map.of(
            "daemon", "DaemonAndPingTest, DaemonDhtTest, PubsubCommandTest (daemon --json in a child process)",
            "transport-interop", "TransportInteropTest (the dialer with --json against real Redis)");

    private static Host peer;
    private static String peerAddr;

    @BeforeAll
    static void startPeer() throws Exception {
        peer = Host.builder().identity(PerfCommand.serverIdentity()).listen("/ip4/127.0.0.1/tcp/0").perf(true).build();
        KadDht.attach(peer, KadConfig.builder().mode(Mode.SERVER).periodicTasks(false).build());
        PubSub.start(peer, PubsubConfig.defaults(), new GossipRouter()).join("every-command").subscribe();
        peerAddr = peer.addresses().get(0).encapsulate("/p2p/" + peer.peerId()).toString();
    }

    @AfterAll
    static void stopPeer() {
        peer.close();
    }

    /** Every command and subcommand, by its name after "p2pkit ", with its picocli model. */
    private static Map<String, CommandLine> commands() {
        PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Map<String, CommandLine> out = new TreeMap<>();
        walk(Main.commandLine(Main.commands(), new Console(discard, discard)), out);
        return out;
    }

    private static void walk(CommandLine cl, Map<String, CommandLine> out) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            String name = sub.getCommandSpec().qualifiedName().substring("p2pkit ".length());
            if (!name.equals("help") && out.put(name, sub) == null) {
                walk(sub, out);
            }
        }
    }

    private static boolean leaf(CommandLine cl) {
        return cl.getSubcommands().isEmpty();
    }

    @Test
    void everyCommandPrintsItsGeneratedHelpOnStdout() {
        for (Map.Entry<String, CommandLine> c : commands().entrySet()) {
            List<String> argv = new ArrayList<>(List.of(c.getKey().split(" ")));
            argv.add("--help");
            CliRunner r = CliRunner.run(argv.toArray(String[]::new));
            assertEquals(0, r.status(), c.getKey() + ": " + r.err());
            assertEquals("", r.err(), c.getKey());
            assertTrue(r.out().startsWith("Usage: p2pkit " + c.getKey()), r.out());
            assertTrue(r.out().contains("-h, --help"), r.out());
            if (leaf(c.getValue())) {
                assertTrue(r.out().contains("--json"), c.getKey() + " --help names --json: " + r.out());
            }
            List<String> viaHelp = new ArrayList<>(List.of("help"));
            viaHelp.addAll(List.of(c.getKey().split(" ")));
            if (viaHelp.size() == 2) { // p2pkit help CMD is CMD --help
                assertEquals(r.out(), CliRunner.run(viaHelp.toArray(String[]::new)).out());
            }
        }
    }

    @Test
    void everyCommandTakesTheSharedOptionsWhereTheyApply() {
        // The options a user of one command expects on the others, by what the command does.
        Map<String, List<String>> expected = Map.of(
                "ping", List.of("--identity", "--timeout", "--security", "--muxer"),
                "daemon", List.of("--identity", "--listen", "--bootstrap", "--security", "--muxer"),
                "routing provide", List.of("--identity", "--timeout", "--listen", "--bootstrap", "--security", "--muxer"),
                "routing findprovs", List.of("--identity", "--timeout", "--listen", "--bootstrap", "--security"),
                "pubsub pub", List.of("--identity", "--timeout", "--listen", "--bootstrap", "--security", "--muxer"),
                "perf", List.of("--security", "--muxer"),
                "id", List.of("--identity"));
        Map<String, CommandLine> all = commands();
        expected.forEach((name, options) -> {
            CommandLine cl = all.get(name);
            for (String o : options) {
                assertTrue(cl.getCommandSpec().findOption(o) != null, name + " takes " + o);
            }
        });
        for (Map.Entry<String, CommandLine> c : all.entrySet()) {
            if (leaf(c.getValue())) {
                assertTrue(c.getValue().getCommandSpec().findOption("--json") != null, c.getKey() + " takes --json");
            }
        }
    }

    @Test
    void everyCommandRunsWithJsonAndPrintsOnlyJsonLines(@TempDir Path dir) throws Exception {
        PrivateKey recordKey = PrivateKey.generateEd25519();
        Path record = dir.resolve("pk");
        Files.write(record, recordKey.publicKey().marshal());
        String pkKey = "/pk/" + recordKey.publicKey().toPeerId();
        Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "every command".getBytes()));
        Path provider = dir.resolve("provider.key");
        Map<String, String[]> runs = new TreeMap<>();
        runs.put("version", new String[] {});
        runs.put("id", new String[] {"--identity", dir.resolve("id.key").toString()});
        runs.put("ping", new String[] {peerAddr, "--count", "2", "--interval", "10ms"});
        runs.put("perf", new String[] {"--server-address", peerAddr, "--upload-bytes", "1000", "--download-bytes", "1000"});
        runs.put("pubsub pub", new String[] {"every-command", "hello", "--bootstrap", peerAddr, "--timeout", "20s"});
        runs.put("routing provide", new String[] {cid.toString(), "--bootstrap", peerAddr, "--identity", provider.toString()});
        runs.put("routing findprovs", new String[] {cid.toString(), "--bootstrap", peerAddr});
        runs.put("routing findpeer", new String[] {peer.peerId().toString(), "--bootstrap", peerAddr});
        runs.put("routing put", new String[] {pkKey, record.toString(), "--bootstrap", peerAddr});
        runs.put("routing get", new String[] {pkKey, "--bootstrap", peerAddr});

        TreeSet<String> leaves = new TreeSet<>();
        commands().forEach((name, cl) -> {
            if (leaf(cl)) {
                leaves.add(name);
            }
        });
        TreeSet<String> covered = new TreeSet<>(runs.keySet());
        covered.addAll(CHECKED_ELSEWHERE.keySet());
        assertEquals(leaves, covered, "every command is run with --json here or named in CHECKED_ELSEWHERE");

        // In this order: provide before findprovs, put before get.
        for (String name : List.of("version", "id", "ping", "perf", "pubsub pub", "routing provide",
                "routing findprovs", "routing findpeer", "routing put", "routing get")) {
            List<String> argv = new ArrayList<>(List.of(name.split(" ")));
            argv.addAll(List.of(runs.get(name)));
            argv.add("--json");
            CliRunner r = CliRunner.run(argv.toArray(String[]::new));
            assertEquals(0, r.status(), name + ": " + r.err());
            String out = r.out().strip();
            assertTrue(!out.isEmpty(), name + " printed nothing");
            for (String line : out.split("\n")) {
                if (!(TinyJson.parse(line) instanceof Map<?, ?>)) {
                    fail(name + " --json printed a line that is not a JSON object: " + line);
                }
            }
            if (name.equals("routing findprovs")) {
                // provide named the peer of --identity, not a throw-away one.
                String expected = io.p2pkit.node.config.IdentityFile.loadOrCreate(provider,
                        io.p2pkit.core.crypto.KeyType.ED25519).key().publicKey().toPeerId().toString();
                assertTrue(out.contains("\"peerId\":\"" + expected + "\""), out);
            }
        }
    }

    @Test
    void perfTakesJsonAsEveryOtherCommand() {
        CliRunner r = CliRunner.run("perf", "--server-address", peerAddr, "--upload-bytes", "10", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().strip().endsWith("}"), r.out());
    }

    @Test
    void aUsageErrorUnderJsonLeavesStdoutEmpty() {
        CliRunner r = CliRunner.run("ping", "--json", "--count", "x", peerAddr);
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("p2pkit ping: "), r.err());
    }
}
