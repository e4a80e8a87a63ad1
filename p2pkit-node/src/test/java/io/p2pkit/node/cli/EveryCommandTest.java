package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.cli.command.PerfCommand;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
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
    /** Commands that run until stopped or ask a running daemon: their --json output is checked with real processes elsewhere. */
    private static final Map<String, String> CHECKED_ELSEWHERE = Map.ofEntries(
            Map.entry("pin remote add", "PinRemoteCommandTest (asks a running daemon)"),
            Map.entry("pin remote ls", "PinRemoteCommandTest (asks a running daemon)"),
            Map.entry("pin remote rm", "PinRemoteCommandTest (asks a running daemon)"),
            Map.entry("pin remote service add", "PinRemoteCommandTest (asks a running daemon)"),
            Map.entry("pin remote service ls", "PinRemoteCommandTest (asks a running daemon)"),
            Map.entry("pin remote service rm", "PinRemoteCommandTest (asks a running daemon)"),
            Map.entry("files stat", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files ls", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files read", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files write", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files mkdir", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files rm", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files cp", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files mv", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files flush", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files chcid", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files chmod", "MfsCommandTest (asks a running daemon)"),
            Map.entry("files touch", "MfsCommandTest (asks a running daemon)"),
            Map.entry("mount", "MountCommandTest (asks a running daemon to mount with FUSE)"),
            Map.entry("config edit", "ConfigCommandTest (needs $EDITOR: runs in a child process)"),
            Map.entry("daemon", "DaemonAndPingTest, DaemonDhtTest, PubsubCommandTest (daemon --json in a child process)"),
            Map.entry("transport-interop", "TransportInteropTest (the dialer with --json against real Redis)"),
            Map.entry("bitswap stat", "ThroughDaemonTest (asks a running daemon)"),
            Map.entry("bitswap wantlist", "ThroughDaemonTest (asks a running daemon)"),
            Map.entry("bitswap ledger", "ThroughDaemonTest (asks a running daemon)"),
            Map.entry("swarm peers", "SwarmPeersCommandTest (needs a daemon: one in a child process)"),
            Map.entry("swarm addrs", "DaemonBrowserTransportsTest (asks a running daemon)"),
            Map.entry("swarm connect", "DaemonBrowserTransportsTest (asks a running daemon)"),
            Map.entry("name inspect", "IpnsCommandTest (needs a record: it signs one)"),
            Map.entry("name get", "IpnsCommandTest (needs a published name: it publishes one)"),
            Map.entry("provide once", "ProvideOnceCommandTest (asks a running daemon connected to a DHT server)"),
            Map.entry("name put", "IpnsCommandTest (needs a record of a published name)"),
            Map.entry("routing reprovide", "ThroughDaemonTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("bitswap reprovide", "ThroughDaemonTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("swarm filters add", "SwarmFiltersPeeringCommandTest (asks a running daemon)"),
            Map.entry("swarm filters rm", "SwarmFiltersPeeringCommandTest (asks a running daemon)"),
            Map.entry("swarm peering add", "SwarmFiltersPeeringCommandTest (asks a running daemon)"),
            Map.entry("swarm peering ls", "SwarmFiltersPeeringCommandTest (asks a running daemon)"),
            Map.entry("swarm peering rm", "SwarmFiltersPeeringCommandTest (asks a running daemon)"),
            Map.entry("swarm resources", "SwarmFiltersPeeringCommandTest (asks a running daemon)"),
            Map.entry("log ls", "AdminCommandTest (asks a running daemon)"),
            Map.entry("object diff", "ObjectCommandTest (asks a running daemon)"),
            Map.entry("object patch add-link", "ObjectCommandTest (asks a running daemon)"),
            Map.entry("object patch rm-link", "ObjectCommandTest (asks a running daemon)"),
            Map.entry("p2p listen", "P2pCommandTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("p2p forward", "P2pCommandTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("p2p ls", "P2pCommandTest (asks a running daemon)"),
            Map.entry("p2p close", "P2pCommandTest (asks a running daemon)"),
            Map.entry("p2p stream ls", "P2pCommandTest (asks a running daemon)"),
            Map.entry("p2p stream close", "P2pCommandTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("log level", "AdminCommandTest (asks a running daemon)"),
            Map.entry("log tail", "AdminCommandTest (follows a running daemon's records)"),
            Map.entry("diag sys", "AdminCommandTest (asks a running daemon)"),
            Map.entry("diag cmds", "AdminCommandTest (asks a running daemon)"),
            Map.entry("diag cmds clear", "AdminCommandTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("diag cmds set-time", "AdminCommandTest (asks a running daemon; prints nothing, as Kubo)"),
            Map.entry("diag profile", "AdminCommandTest (asks a running daemon; writes a zip file)"),
            Map.entry("diag healthy", "AdminCommandTest (asks a running daemon)"),
            Map.entry("provide clear", "AdminCommandTest (asks a running daemon)"),
            Map.entry("provide stat", "AdminCommandTest (asks a running daemon)"),
            Map.entry("version check", "AdminCommandTest (asks a running daemon)"),
            Map.entry("name pubsub state", "NamePubsubCommandTest (asks a running daemon)"),
            Map.entry("name pubsub subs", "NamePubsubCommandTest (asks a running daemon)"),
            Map.entry("name pubsub cancel", "NamePubsubCommandTest (asks a running daemon)"),
            Map.entry("filestore ls", "FilestoreCommandTest (needs the filestore on and a nocopy add)"),
            Map.entry("filestore verify", "FilestoreCommandTest (needs the filestore on and a nocopy add)"),
            Map.entry("filestore dups", "FilestoreCommandTest (needs the filestore on and a nocopy add)"),
            Map.entry("shutdown", "AdminCommandTest (stops a running daemon; prints nothing, as Kubo)"));

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
            // picocli warns on System.err, not the command's writer, when a description is not a valid format
            java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
            java.io.PrintStream systemErr = System.err;
            CliRunner r;
            System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                r = CliRunner.run(argv.toArray(String[]::new));
            } finally {
                System.setErr(systemErr);
            }
            assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8), c.getKey() + " --help");
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
                "ping", List.of("--identity", "--timeout", "--security", "--muxer", "--repo-dir"),
                "daemon", List.of("--identity", "--listen", "--bootstrap", "--security", "--muxer"),
                "routing provide", List.of("--identity", "--timeout", "--listen", "--bootstrap", "--security", "--muxer"),
                "routing findprovs", List.of("--identity", "--timeout", "--listen", "--bootstrap", "--security"),
                "pubsub pub", List.of("--identity", "--timeout", "--listen", "--bootstrap", "--security", "--muxer"),
                "perf", List.of("--security", "--muxer"),
                "id", List.of("--identity"));
        Map<String, List<String>> repoCommands = new TreeMap<>(Map.of(
                "init", List.of("--repo-dir", "--profile"),
                "block put", List.of("--repo-dir", "--cid-codec", "--mhtype", "--mhlen", "--pin", "--allow-big-block"),
                "block rm", List.of("--repo-dir", "--force", "--quiet"),
                "dag put", List.of("--repo-dir", "--store-codec", "--input-codec", "--pin", "--hash", "--allow-big-block"),
                "dag get", List.of("--repo-dir", "--output-codec"),
                "dag export", List.of("--repo-dir", "--progress"),
                "dag import", List.of("--repo-dir", "--progress", "--pin-roots", "--stats", "--allow-big-block"),
                "dag stat", List.of("--repo-dir", "--progress"),
                "repo gc", List.of("--repo-dir", "--quiet", "--progress"),
                "repo verify", List.of("--repo-dir", "--progress")));
        repoCommands.putAll(Map.of(
                "repo stat", List.of("--repo-dir", "--size-only", "--human"),
                "add", List.of("--repo-dir", "--progress", "--recursive", "--only-hash", "--cid-version", "--raw-leaves",
                        "--chunker", "--trickle", "--pin", "--wrap-with-directory", "--allow-big-block"),
                "cat", List.of("--repo-dir", "--progress", "--offset", "--length"),
                "get", List.of("--repo-dir", "--progress", "--output"),
                "ls", List.of("--repo-dir", "--headers", "--resolve-type", "--size"),
                "refs", List.of("--repo-dir", "--recursive", "--unique", "--edges", "--format", "--max-depth"),
                "pin add", List.of("--repo-dir", "--recursive"),
                "pin ls", List.of("--repo-dir", "--type", "--quiet"),
                "pin rm", List.of("--repo-dir", "--recursive"),
                "pin update", List.of("--repo-dir", "--unpin", "--bootstrap")));
        repoCommands.put("cid format", List.of("-f", "-b", "-v", "--mc"));
        expected = new TreeMap<>(expected);
        expected.putAll(repoCommands);
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

        // the IPFS repository's commands, on one repository made by the first of them
        Path repo = dir.resolve("repo");
        String rd = "--repo-dir=" + repo;
        byte[] data = "every command".getBytes(StandardCharsets.UTF_8);
        Path dataFile = Files.write(dir.resolve("data"), data);
        String block = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, data)).toString();
        Path nodeFile = Files.writeString(dir.resolve("node.json"), "{\"every\":\"command\"}");
        String node = Codecs.standard().encode(Multicodec.DAG_CBOR, MapNode.of("every", Node.of("command"))).cid().toString();
        Path car = dir.resolve("node.car");
        String fileCid = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE).importPath(dataFile).root().toString();
        String wrapped = new Importer(ImportOptions.builder().wrapWithDirectory(true).build(), BlockSink.NONE)
                .importPath(dataFile).root().toString();
        runs.put("init", new String[] {rd, "--profile", "test"});
        runs.put("block put", new String[] {dataFile.toString(), rd});
        runs.put("block stat", new String[] {block, rd});
        runs.put("block get", new String[] {block, rd});
        runs.put("add", new String[] {"-w", dataFile.toString(), rd});
        runs.put("cat", new String[] {fileCid, rd});
        runs.put("ls", new String[] {"/ipfs/" + wrapped, rd});
        runs.put("refs local", new String[] {rd});
        runs.put("resolve", new String[] {"/ipfs/" + wrapped + "/data", rd});
        runs.put("get", new String[] {fileCid, "-o", dir.resolve("got").toString(), rd});
        runs.put("dag put", new String[] {nodeFile.toString(), rd});
        runs.put("dag get", new String[] {node, rd});
        runs.put("dag stat", new String[] {node, rd});
        runs.put("dag export", new String[] {node, "-o", car.toString(), rd});
        runs.put("dag import", new String[] {car.toString(), "--stats", rd});
        runs.put("pin add", new String[] {node, rd});
        runs.put("pin ls", new String[] {rd});
        runs.put("pin verify", new String[] {"--verbose", rd});
        runs.put("pin rm", new String[] {node, rd});
        runs.put("block rm", new String[] {block, rd});
        runs.put("repo stat", new String[] {rd});
        runs.put("repo verify", new String[] {rd});
        runs.put("repo gc", new String[] {rd});
        runs.put("config show", new String[] {rd});
        runs.put("config replace", new String[] {nodeFile.toString(), rd});
        runs.put("config profile apply", new String[] {"lowpower", rd});
        runs.put("key gen", new String[] {"every", rd});
        runs.put("key list", new String[] {"-l", rd});
        Path keyFile = dir.resolve("every.key");
        runs.put("key rename", new String[] {"every", "every2", rd});
        runs.put("key export", new String[] {"every2", "-o", keyFile.toString(), rd});
        runs.put("key import", new String[] {"every3", keyFile.toString(), rd});
        runs.put("key sign", new String[] {"-k", "every3", dataFile.toString(), rd});
        runs.put("key verify", new String[] {"-k", "every3", "-s", "uAAAA", dataFile.toString(), rd});
        runs.put("key rm", new String[] {"every2", "every3", rd});
        runs.put("key rotate", new String[] {"-o", "every-old", rd});
        runs.put("name publish", new String[] {fileCid, "--bootstrap", peerAddr, rd});
        runs.put("name resolve", new String[] {"--bootstrap", peerAddr, rd});
        runs.put("pin update", new String[] {node, fileCid, "--unpin=false", rd});
        runs.put("cid format", new String[] {"-f", "%P", block});
        runs.put("cid base32", new String[] {node});
        runs.put("cid inspect", new String[] {block});
        String bootstrapPeer = "/ip4/127.0.0.1/tcp/1/p2p/" + peer.peerId();
        runs.put("bootstrap add", new String[] {bootstrapPeer, rd});
        runs.put("bootstrap list", new String[] {rd});
        runs.put("bootstrap rm", new String[] {bootstrapPeer, rd});
        runs.put("repo version", new String[] {});
        runs.put("version deps", new String[] {});
        runs.put("commands", new String[] {"--flags"});
        runs.put("cid bases", new String[] {"--prefix"});
        runs.put("cid codecs", new String[] {"--supported"});
        runs.put("cid hashes", new String[] {"--numeric"});
        Path encoded = Files.writeString(dir.resolve("encoded"), "uaGVsbG8");
        runs.put("multibase encode", new String[] {dataFile.toString()});
        runs.put("multibase decode", new String[] {encoded.toString()});
        runs.put("multibase transcode", new String[] {"-b", "base36", encoded.toString()});
        runs.put("multibase list", new String[] {"--numeric"});

        TreeSet<String> leaves = new TreeSet<>();
        commands().forEach((name, cl) -> {
            if (leaf(cl)) {
                leaves.add(name);
            }
        });
        leaves.add("version"); // runs on its own besides its subcommand deps
        leaves.add("diag cmds"); // lists the requests besides its subcommands clear and set-time
        TreeSet<String> covered = new TreeSet<>(runs.keySet());
        covered.addAll(CHECKED_ELSEWHERE.keySet());
        assertEquals(leaves, covered, "every command is run with --json here or named in CHECKED_ELSEWHERE");

        // In this order: provide before findprovs, put before get.
        for (String name : List.of("version", "id", "ping", "perf", "pubsub pub", "routing provide",
                "routing findprovs", "routing findpeer", "routing put", "routing get",
                "init", "block put", "block stat", "block get", "add", "cat", "get", "ls", "refs local", "resolve", "dag put", "dag get", "dag stat", "dag export", "dag import",
                "pin add", "pin ls", "pin verify", "pin update", "pin rm", "block rm", "repo stat", "repo verify", "repo gc",
                "config show", "config replace", "config profile apply",
                "key gen", "key list", "key rename", "key export", "key import", "key sign", "key verify", "key rm",
                "key rotate", "name publish", "name resolve",
                "cid format", "cid base32", "cid inspect", "bootstrap add", "bootstrap list", "bootstrap rm", "repo version",
                "version deps", "commands", "cid bases", "cid codecs", "cid hashes",
                "multibase encode", "multibase decode", "multibase transcode", "multibase list")) {
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
