package io.p2pkit.node.cli;

import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.p2pkit.testing.Await;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --graphsync}: commands fetch a whole DAG from their --bootstrap peer in one GraphSync request. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GraphSyncFetchCommandTest {
    @Test
    void dagExportAndCatFetchOverGraphSync(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture served = RepoFixture.init(home);
        byte[] data = new byte[1_200_000];
        new Random(29).nextBytes(data);
        Path file = work.resolve("f.bin");
        Files.write(file, data);
        String cid = served.ok("add", "-Q", file.toString());
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(home)).build())) {
            String addr = node.host().addresses().getFirst().encapsulate("/p2p/" + node.peerId()).toString();

            RepoFixture one = RepoFixture.init(work.resolve("one"));
            CliRunner.Bytes car = one.bytes("dag", "export", "--bootstrap", addr, "--graphsync", cid);
            assertEquals(0, car.status(), car.stderr());
            RepoFixture two = RepoFixture.init(work.resolve("two"));
            Files.write(work.resolve("x.car"), car.stdout());
            two.ok("dag", "import", work.resolve("x.car").toString());
            assertArrayEquals(data, two.bytes("cat", cid).stdout(), "the exported CAR holds the whole file");

            RepoFixture three = RepoFixture.init(work.resolve("three"));
            CliRunner.Bytes cat = three.bytes("cat", "--bootstrap", addr, "--graphsync", cid);
            assertEquals(0, cat.status(), cat.stderr());
            assertArrayEquals(data, cat.stdout());

            GraphSync gs = node.content().orElseThrow().graphsync().orElseThrow();
            assertEquals(2, gs.stats().requestsServed());
            assertEquals(0, node.content().orElseThrow().bitswap().stats().blocksSent(), "nothing came over Bitswap");
        }
        CliRunner noPeer = RepoFixture.init(work.resolve("four")).run("cat", "--graphsync", cid);
        assertNotEquals(0, noPeer.status());
        assertTrue(noPeer.err().contains("--graphsync needs --bootstrap"), noPeer.err());
    }

    @Test
    void catAndPinAddWithGraphSyncGoThroughARunningDaemon(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture served = RepoFixture.init(home);
        byte[] data = new byte[800_000];
        new Random(31).nextBytes(data);
        Path file = work.resolve("f.bin");
        Files.write(file, data);
        String cid = served.ok("add", "-Q", file.toString());
        Path daemonHome = work.resolve("daemon");
        RepoFixture local = RepoFixture.init(daemonHome);
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(home)).build());
             DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(daemonHome, "--listen", "/ip4/127.0.0.1/tcp/0", "--json")) {
            d.next("{\"event\":\"ready\"");
            String addr = node.host().addresses().getFirst().encapsulate("/p2p/" + node.peerId()).toString();

            CliRunner.Bytes cat = local.bytes("cat", "--bootstrap", addr, "--graphsync", cid);
            assertEquals(0, cat.status(), cat.stderr());
            assertArrayEquals(data, cat.stdout());
            GraphSync gs = node.content().orElseThrow().graphsync().orElseThrow();
            assertEquals(1, gs.stats().requestsServed(), "the daemon asked once");
            assertEquals(0, node.content().orElseThrow().bitswap().stats().blocksSent(), "nothing came over Bitswap");

            // the daemon has the DAG now: asked again, it names every block as one not to send
            long sent = gs.stats().blocksSent();
            assertEquals("pinned " + cid + " recursively", local.ok("pin", "add", "--bootstrap", addr, "--graphsync", cid));
            assertEquals(2, gs.stats().requestsServed());
            assertEquals(sent, gs.stats().blocksSent(), "no block was sent twice");
            assertTrue(gs.stats().blocksNotSent() > 0);
        }
    }

    /**
     * A path fetches the blocks it names and the DAG under its end, never its siblings: through
     * a running daemon and with a short-lived node, through a basic directory and a HAMT.
     */
    @Test
    void getOfAPathFetchesThePathNotItsSiblings(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture served = RepoFixture.init(home);
        Path top = work.resolve("top");
        Files.createDirectories(top.resolve("docs"));
        Files.createDirectories(top.resolve("big"));
        Random random = new Random(37);
        java.util.Map<String, byte[]> files = new java.util.HashMap<>();
        for (String name : java.util.List.of("a.bin", "b.bin", "c.bin")) {
            byte[] data = new byte[600_000];
            random.nextBytes(data);
            files.put(name, data);
            Files.write(top.resolve("docs").resolve(name), data);
        }
        for (int i = 0; i < 300; i++) {
            Files.writeString(top.resolve("big").resolve("f" + i), "file " + i);
        }
        String root = served.ok("add", "-r", "-Q", "--max-directory-links", "100", "--max-hamt-fanout", "16", top.toString());
        Path daemonHome = work.resolve("daemon");
        RepoFixture local = RepoFixture.init(daemonHome);
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(home)).build())) {
            String addr = node.host().addresses().getFirst().encapsulate("/p2p/" + node.peerId()).toString();
            GraphSync gs = node.content().orElseThrow().graphsync().orElseThrow();
            try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(daemonHome, "--listen", "/ip4/127.0.0.1/tcp/0", "--json")) {
                d.next("{\"event\":\"ready\"");
                Path out = work.resolve("a.out");
                CliRunner.Bytes get = local.bytes("get", "--bootstrap", addr, "--graphsync", "-o", out.toString(),
                        "/ipfs/" + root + "/docs/a.bin");
                assertEquals(0, get.status(), get.stderr());
                assertArrayEquals(files.get("a.bin"), Files.readAllBytes(out));
                Await.until("one request served", () -> gs.stats().requestsServed() == 1, Duration.ofSeconds(30));
                // the root, docs/ and a.bin's four blocks: nothing of b.bin or c.bin (counted once written)
                Await.until("6 blocks sent", () -> gs.stats().blocksSent() == 6, Duration.ofSeconds(30));

                Path f = work.resolve("f123.out");
                CliRunner.Bytes hamt = local.bytes("get", "--bootstrap", addr, "--graphsync", "-o", f.toString(),
                        "/ipfs/" + root + "/big/f123");
                assertEquals(0, hamt.status(), hamt.stderr());
                assertEquals("file 123", Files.readString(f));
                Await.until("two requests served", () -> gs.stats().requestsServed() == 2, Duration.ofSeconds(30));
                long hamtBlocks = gs.stats().blocksSent() - 6;
                assertTrue(hamtBlocks >= 2 && hamtBlocks <= 1 + 16, "big/'s shards on f123's hash path and the file, "
                        + "not the other 299 files: " + hamtBlocks);
            }
            assertEquals(0, node.content().orElseThrow().bitswap().stats().blocksSent(), "nothing came over Bitswap");

            // no daemon: the command's own node asks once for the path and the file under it
            long before = gs.stats().blocksSent();
            Path out = work.resolve("b.out");
            RepoFixture fresh = RepoFixture.init(work.resolve("fresh"));
            CliRunner.Bytes get = fresh.bytes("get", "--bootstrap", addr, "--graphsync", "-o", out.toString(),
                    "/ipfs/" + root + "/docs/b.bin");
            assertEquals(0, get.status(), get.stderr());
            assertArrayEquals(files.get("b.bin"), Files.readAllBytes(out));
            // the root, docs/ and b.bin's four blocks
            Await.until("6 more blocks sent", () -> gs.stats().blocksSent() - before == 6, Duration.ofSeconds(30));
            Await.until("one request for the path and the file under it", () -> gs.stats().requestsServed() == 3,
                    Duration.ofSeconds(30));
            assertEquals(0, node.content().orElseThrow().bitswap().stats().blocksSent(), "nothing came over Bitswap");
        }
    }
}
