package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.p2pkit.node.cli.content.TarReader;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While {@code p2pkit daemon} holds a repository, {@code cat}, {@code get}, {@code pin add},
 * {@code dag export} and {@code bitswap} on it go through the daemon's RPC API (found through the
 * repository's {@code api} file), and its errors come back as the command's.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ThroughDaemonTest {
    /** Commands that only read, run with and without a daemon ("CID": a file's root, "BLOCK": a raw block). */
    private static final List<List<String>> READ_ONLY = List.of(
            List.of("pin", "ls"), List.of("pin", "ls", "--type", "recursive", "--json"), List.of("pin", "ls", "CID"),
            List.of("pin", "ls", "--stream", "--json", "--names"),
            List.of("block", "stat", "CID"), List.of("block", "stat", "--json", "BLOCK"), List.of("block", "get", "CID"),
            List.of("block", "get", "--json", "BLOCK"), List.of("dag", "get", "CID"), List.of("dag", "get", "--json", "CID"),
            List.of("dag", "get", "--output-codec", "dag-cbor", "CID"), List.of("ls", "CID"),
            List.of("dag", "stat", "CID", "BLOCK"), List.of("dag", "stat", "--json", "CID"),
            List.of("pin", "verify", "--verbose"), List.of("pin", "verify", "--verbose", "--json"));

    @Test
    void commandsAskTheDaemonThatHoldsTheRepository(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        byte[] data = new byte[700_000];
        new Random(20).nextBytes(data);
        Path file = work.resolve("data.bin");
        Files.write(file, data);
        String cid = repo.ok("add", "-Q", "--pin=false", file.toString());
        String block = repo.runWithInput("just a block", "block", "put").out().strip();
        List<byte[]> throughDaemon = new ArrayList<>();

        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            String ready = d.next("{\"event\":\"ready\"");
            assertTrue(ready.contains("\"api\":\"http://127.0.0.1:"), ready);
            assertTrue(Files.readString(home.resolve("api")).startsWith("/ip4/127.0.0.1/tcp/"), "the api file");

            CliRunner.Bytes cat = repo.bytes("cat", cid);
            assertEquals(0, cat.status(), cat.stderr());
            assertArrayEquals(data, cat.stdout());
            CliRunner.Bytes range = repo.bytes("cat", "--offset", "10", "--length", "5", cid);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 15), range.stdout());

            assertEquals("pinned " + cid + " recursively", repo.ok("pin", "add", cid));
            assertEquals("pinned " + block + " directly", repo.ok("pin", "add", "--recursive=false", block));

            CliRunner.Bytes car = repo.bytes("dag", "export", cid);
            assertEquals(0, car.status(), car.stderr());
            assertTrue(car.stdout().length > data.length, "the whole DAG as a CAR: " + car.stdout().length + " bytes");
            Path out = work.resolve("x.car");
            String summary = repo.ok("dag", "export", "--json", "-o", out.toString(), cid);
            assertTrue(summary.contains("\"Blocks\":4"), summary);

            // read-only commands answer through the daemon what they answer without it (compared below)
            for (List<String> c : READ_ONLY) {
                List<String> argv = c.stream().map(a -> a.replace("CID", cid).replace("BLOCK", block)).toList();
                CliRunner.Bytes r = repo.bytes(argv.toArray(String[]::new));
                assertEquals(0, r.status(), argv + ": " + r.stderr());
                throughDaemon.add(r.stdout());
            }
            assertEquals("Key: " + block + "\nSize: 12", repo.ok("block", "stat", block));
            assertEquals("just a block", repo.ok("block", "get", block));

            // (a CID held nowhere would wait for the network: the daemon fetches what it lacks)
            CliRunner missing = repo.run("cat", "/ipfs/" + cid + "/no-such-entry");
            assertEquals(1, missing.status());
            assertFalse(missing.err().contains("Exception"), missing.err());
            assertFalse(missing.err().contains("in use by"), "asked the daemon: " + missing.err());

            // bitswap asks the daemon and prints as Kubo's ipfs bitswap does
            String stat = repo.ok("bitswap", "stat", "-v", "--human");
            assertTrue(stat.startsWith("bitswap status\n\tblocks received: 0\n\tblocks sent: 0\n\tdata received: 0 B\n"), stat);
            assertTrue(stat.contains("\twantlist [0 keys]\n\tpartners [0]"), stat);
            assertTrue(repo.ok("bitswap", "stat", "--json").startsWith("{\"Wantlist\":[]"));
            assertEquals("", repo.ok("bitswap", "wantlist"));
            // no DHT here: nothing to announce to, done at once (Kubo with Routing.Type none answers the same)
            assertEquals("", repo.ok("routing", "reprovide"));
            assertEquals("", repo.ok("bitswap", "reprovide", "--json"));
            String peer = "12D3KooWMtYJZzjNKPB4KkXUb4sUmw7LBzbASxbZWyqVbKQKXyjN";
            assertEquals("Ledger for " + peer + "\nDebt ratio:\t0.000000\nExchanges:\t0\nBytes sent:\t0\nBytes received:\t0",
                    repo.ok("bitswap", "ledger", peer));
            CliRunner badPeer = repo.run("bitswap", "ledger", "nobody");
            assertEquals(1, badPeer.status());
            assertTrue(badPeer.err().contains("invalid peer ID"), badPeer.err());
        }
        CliRunner offline = repo.run("bitswap", "stat");
        assertEquals(1, offline.status());
        assertTrue(offline.err().contains("start one with 'p2pkit daemon'"), offline.err());
        // The daemon is gone: the commands open the repository again.
        assertArrayEquals(data, repo.bytes("cat", cid).stdout());
        assertTrue(repo.ok("pin", "ls", "--type", "direct").contains(block), "the daemon's pin is in the repository");
        for (int i = 0; i < READ_ONLY.size(); i++) {
            List<String> argv = READ_ONLY.get(i).stream().map(a -> a.replace("CID", cid).replace("BLOCK", block)).toList();
            assertEquals(new String(repo.bytes(argv.toArray(String[]::new)).stdout(), java.nio.charset.StandardCharsets.UTF_8),
                    new String(throughDaemon.get(i), java.nio.charset.StandardCharsets.UTF_8), "through the daemon: " + argv);
        }
        // what storing commands print without a daemon (they store the same blocks again below)
        String localPut = repo.runWithInput("put through the daemon", "block", "put", "--mhtype", "sha2-512", "--json").out();
        String localDag = repo.runWithInput("{\"a\":[1,2]}", "dag", "put", "--store-codec", "dag-json").out();
        Path blockFile = work.resolve("block.bin");
        Files.writeString(blockFile, "a file block");
        String localFilePut = repo.ok("block", "put", "--cid-codec", "dag-pb", blockFile.toString());
        String localImport = repo.ok("dag", "import", "--stats", work.resolve("x.car").toString());
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            assertEquals(localPut, repo.runWithInput("put through the daemon", "block", "put", "--mhtype", "sha2-512",
                    "--json").out());
            assertEquals(localDag, repo.runWithInput("{\"a\":[1,2]}", "dag", "put", "--store-codec", "dag-json").out());
            assertEquals(localFilePut, repo.ok("block", "put", "--cid-codec", "dag-pb", blockFile.toString()));
            assertEquals(localImport, repo.ok("dag", "import", "--stats", work.resolve("x.car").toString()));
            assertTrue(localImport.startsWith("Pinned root\t" + cid + "\tsuccess\nImported 4 blocks"), localImport);
            assertEquals("{\"Stats\":{\"BlockCount\":4,\"BlockBytesCount\":700194}}",
                    repo.ok("dag", "import", "--stats", "--json", "--pin-roots=false", work.resolve("x.car").toString()));
            String missing = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
            CliRunner rm = repo.run("block", "rm", localFilePut, missing);
            assertEquals(1, rm.status());
            assertEquals("removed " + localFilePut, rm.out().strip());
            assertTrue(rm.err().contains("cannot remove " + missing + ": "), rm.err());
            assertTrue(rm.err().contains("1 block was not removed"), rm.err());
            assertEquals("unpinned " + block, repo.ok("pin", "rm", block));
            CliRunner notPinned = repo.run("pin", "rm", block);
            assertEquals(1, notPinned.status());
            assertTrue(notPinned.err().contains("not pinned"), notPinned.err());
            List<String> removed = repo.ok("repo", "gc").lines().toList();
            assertTrue(removed.contains("removed " + block), removed.toString());
            assertEquals(3, removed.size(), "the unpinned block and the two put above: " + removed);
            assertEquals("", repo.ok("repo", "gc"));
            String stat = repo.ok("repo", "stat");
            assertTrue(stat.startsWith("NumObjects: 4\nRepoSize:"), stat + " (the file's four blocks; gc took the rest)");
            assertTrue(stat.endsWith("\nRepoPath:   " + home + "\nVersion:    p2pkit-repo@1"), stat);
        }
        assertFalse(repo.ok("pin", "ls").contains(block), "the daemon removed the pin");
    }

    @Test
    void verifyFindsDamageThroughTheDaemonAndHealFetchesTheBlockAgain(@TempDir Path home, @TempDir Path other)
            throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        RepoFixture peerRepo = RepoFixture.init(other);
        String bad = repo.dagPut("{\"heal\":1}");
        assertEquals(bad, peerRepo.dagPut("{\"heal\":1}"), "the peer holds the same block");
        Path file;
        try (io.p2pkit.ipfs.blockstore.FlatfsBlockstore flatfs = io.p2pkit.ipfs.blockstore.FlatfsBlockstore.open(
                home.resolve("blocks"), io.p2pkit.ipfs.blockstore.FlatfsBlockstore.Options.defaults())) {
            file = flatfs.pathOf(io.p2pkit.core.multiformats.Cid.parse(bad).multihash());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);

        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json");
             DaemonAndPingTest.Daemon peer = DaemonAndPingTest.Daemon.start(other, "--listen", "/ip4/127.0.0.1/tcp/0",
                     "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            String readyLine = peer.next("{\"event\":\"ready\"");
            java.util.regex.Matcher ready = java.util.regex.Pattern.compile("\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\"")
                    .matcher(readyLine);
            assertTrue(ready.find(), readyLine);

            CliRunner found = repo.run("repo", "verify");
            assertEquals(1, found.status(), found.out() + found.err());
            assertFalse(found.err().contains("in use by"), "asked the daemon: " + found.err());
            String[] lines = found.out().strip().split("\n");
            assertTrue(lines[0].startsWith("block ") && lines[0].contains(" was corrupt ("), lines[0]);
            assertEquals("verify complete, 1 block corrupt", lines[lines.length - 1]);

            CliRunner offline = repo.run("repo", "verify", "--heal", "--heal-timeout", "-1s");
            assertEquals(1, offline.status());
            assertTrue(offline.err().contains("heal-timeout must be >= 0"), offline.out() + "|" + offline.err());

            repo.ok("swarm", "connect", ready.group(2) + "/p2p/" + ready.group(1));
            CliRunner heal = repo.run("repo", "verify", "--heal", "--heal-timeout", "20s");
            assertEquals(0, heal.status(), heal.out() + heal.err());
            assertTrue(heal.out().contains(", removed, healed"), heal.out());
            assertTrue(heal.out().strip().endsWith("verify complete, 1 block corrupt, 1 removed, 1 healed"), heal.out());
            assertEquals("verify complete, all blocks validated.", repo.ok("repo", "verify"));
            assertEquals("{\"heal\":1}", repo.ok("dag", "get", bad));
        }
        CliRunner noDaemon = repo.run("repo", "verify", "--heal");
        assertEquals(2, noDaemon.status(), noDaemon.err());
        assertTrue(noDaemon.err().contains("start 'p2pkit daemon' first"), noDaemon.err());
    }

    @Test
    void pinUpdateAndPingByPeerIdGoThroughTheDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        String leaf = repo.dagPut("{\"leaf\":1}");
        String root = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"}}");
        String next = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"},\"version\":2}");
        repo.ok("pin", "add", "--name", "doc", root);
        String stranger = io.p2pkit.core.crypto.PrivateKey.generateEd25519().publicKey().toPeerId().toString();
        CliRunner noDaemon = repo.run("ping", stranger);
        assertEquals(2, noDaemon.status());
        assertTrue(noDaemon.err().contains("give the peer's multiaddr"), noDaemon.err());
        try (io.p2pkit.core.host.Host peer = io.p2pkit.core.host.Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                     "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            assertEquals("updated " + root + " to " + next, repo.ok("pin", "update", root, next));
            assertEquals(next + " recursive doc", repo.ok("pin", "ls", "--type=recursive", "--names"));
            CliRunner inside = repo.run("pin", "update", "--unpin=false", next, next + "/child");
            assertEquals(0, inside.status(), "a block inside the old DAG: nothing to fetch; " + inside.err());

            String address = peer.addresses().getFirst() + "/p2p/" + peer.peerId();
            repo.ok("swarm", "connect", address);
            String ping = repo.ok("ping", peer.peerId().toString(), "--count", "2");
            assertTrue(ping.matches("PING " + peer.peerId() + "\\.\nPong received: time=[0-9.]+ ms\n"
                    + "Pong received: time=[0-9.]+ ms\nAverage latency: [0-9.]+ms"), ping);
            String json = repo.ok("ping", peer.peerId().toString(), "--count", "1", "--json");
            assertTrue(json.lines().skip(1).findFirst().orElseThrow().matches("\\{\"Success\":true,\"Time\":[1-9][0-9]*,\"Text\":\"\"}"),
                    json);
            CliRunner lookup = repo.run("ping", stranger, "--count", "1");
            assertEquals(1, lookup.status());
            assertEquals("Looking up peer " + stranger + "\n", lookup.out());
            assertTrue(lookup.err().contains("peer lookup failed: routing: not found"), lookup.err());
        }
    }

    @Test
    void getUnpacksTheDaemonsArchive(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        Path tree = work.resolve("tree");
        Files.createDirectories(tree.resolve("sub/deeper"));
        byte[] a = new byte[70_000];
        byte[] b = new byte[300_000];
        new Random(21).nextBytes(a);
        new Random(22).nextBytes(b);
        Files.write(tree.resolve("a.txt"), a);
        Files.setPosixFilePermissions(tree.resolve("a.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(tree.resolve("sub/b.bin"), b);
        Files.write(tree.resolve("sub/deeper/c"), new byte[0]);
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        Files.writeString(tree.resolve(".hidden"), "not sent without -H");
        Path single = work.resolve("single file");
        Files.writeString(single, "one");
        // what the local import prints (only-hash needs no daemon): the daemon must give the same
        String local = repo.ok("add", "-r", "-n", "--preserve-mode", tree.toString());
        String localHidden = repo.ok("add", "-r", "-n", "-H", "--json", tree.toString());
        String localWrapped = repo.ok("add", "-r", "-n", "-w", "--cid-version=1", "--chunker=size-1000", tree.toString(),
                single.toString());
        String localStdin = repo.runWithInput("from stdin", "add", "-n").out().strip();
        List<String> listings = new ArrayList<>();

        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            assertEquals(local, repo.ok("add", "-r", "--preserve-mode", tree.toString()));
            assertEquals(localHidden, repo.ok("add", "-r", "-H", "--json", "--pin=false", tree.toString()));
            assertEquals(localWrapped, repo.ok("add", "-r", "-w", "--cid-version=1", "--chunker=size-1000",
                    single.toString(), tree.toString()));
            assertEquals(localStdin, repo.runWithInput("from stdin", "add").out().strip());
            String cid = repo.ok("add", "-r", "-Q", "--preserve-mode", tree.toString());
            assertEquals(local.lines().reduce((x, y) -> y).orElseThrow(), "added " + cid + " tree");
            CliRunner notDir = repo.run("add", tree.toString());
            assertEquals(2, notDir.status(), "a usage error, as without a daemon");
            assertTrue(notDir.err().contains("use the '-r' flag"), notDir.err());
            String listed = repo.ok("ls", "-v", cid);
            String streamed = repo.ok("ls", "--stream", cid);
            String sub = listed.lines().filter(l -> l.endsWith(" sub/")).findFirst().orElseThrow().split(" ")[0];
            listings.add(listed);
            listings.add(streamed);
            listings.add(cid);
            // the daemon's JSON carries each entry's stored mode (Kubo's Mode), which --long prints
            String long_ = repo.ok("ls", "-l", "-v", cid);
            assertTrue(long_.lines().anyMatch(l -> l.matches("-rw-r--r-- +\\w+ +\\d+ +- +a\\.txt")), long_);
            listings.add(long_);
            listings.add(repo.ok("ls", "--json", cid));

            Path out = work.resolve("out");
            String saved = repo.ok("get", "-o", out.toString(), cid);
            assertEquals("Saving file(s) to " + out, saved);
            assertArrayEquals(a, Files.readAllBytes(out.resolve("a.txt")));
            assertArrayEquals(b, Files.readAllBytes(out.resolve("sub/b.bin")));
            assertEquals(0, Files.size(out.resolve("sub/deeper/c")));
            assertEquals(Path.of("a.txt"), Files.readSymbolicLink(out.resolve("link")));
            assertEquals(Files.getPosixFilePermissions(tree.resolve("a.txt")),
                    Files.getPosixFilePermissions(out.resolve("a.txt")), "the stored mode");

            String json = repo.ok("get", "--json", "-o", work.resolve("sub").toString(), "/ipfs/" + cid + "/sub");
            assertEquals("{\"Path\":\"" + work.resolve("sub") + "\",\"Cid\":\"" + sub
                    + "\",\"Files\":2,\"Directories\":2,\"Symlinks\":0,\"Bytes\":300000}", json);

            // again onto what is there: replaced and merged as Kubo does, through the daemon too
            Files.writeString(out.resolve("a.txt"), "edited");
            Files.writeString(out.resolve("mine"), "not in the tree");
            repo.ok("get", "-o", out.toString(), cid);
            assertArrayEquals(a, Files.readAllBytes(out.resolve("a.txt")));
            assertEquals("not in the tree", Files.readString(out.resolve("mine")));
            Path into = Files.createDirectories(work.resolve("into"));
            repo.ok("get", "-o", into.toString(), "/ipfs/" + cid + "/sub/b.bin");
            assertArrayEquals(b, Files.readAllBytes(into.resolve("b.bin")));

            Path tar = work.resolve("t.tar");
            String archived = repo.ok("get", "-a", "--json", "-o", tar.toString(), cid);
            assertTrue(archived.contains("\"Files\":3,\"Directories\":3,\"Symlinks\":1,\"Bytes\":370000"), archived);
            List<String> names = new ArrayList<>();
            try (InputStream in = Files.newInputStream(tar)) {
                TarReader reader = new TarReader(in);
                for (TarReader.Entry e; (e = reader.next()) != null; ) {
                    names.add(e.name());
                }
            }
            assertEquals(List.of(cid, cid + "/a.txt", cid + "/link", cid + "/sub", cid + "/sub/b.bin",
                    cid + "/sub/deeper", cid + "/sub/deeper/c"), names);

            Path gz = work.resolve("a.gz");
            repo.ok("get", "-C", "-o", gz.toString(), "/ipfs/" + cid + "/a.txt");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                assertArrayEquals(a, in.readAllBytes());
            }
            CliRunner missing = repo.run("get", "-o", work.resolve("none").toString(), "/ipfs/" + cid + "/nothing");
            assertEquals(1, missing.status());
            assertFalse(missing.err().contains("in use by"), "asked the daemon: " + missing.err());
            assertFalse(Files.exists(work.resolve("none")), "nothing written");
        }
        // the daemon's listings are the local ones
        assertEquals(listings.get(0), repo.ok("ls", "-v", listings.get(2)));
        assertEquals(listings.get(1), repo.ok("ls", "--stream", listings.get(2)));
        assertEquals(listings.get(3), repo.ok("ls", "-l", "-v", listings.get(2)));
        assertEquals(listings.get(4), repo.ok("ls", "--json", listings.get(2)));
        String pins = repo.ok("pin", "ls", "--type", "recursive");
        assertTrue(pins.contains(local.lines().reduce((x, y) -> y).orElseThrow().split(" ")[1]), "the daemon pinned the root");
    }
}
