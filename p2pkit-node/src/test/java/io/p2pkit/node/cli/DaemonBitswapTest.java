package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit daemon} on a repository serves it over Bitswap; {@code cat}, {@code get},
 * {@code pin add} and {@code dag export} on another repository fetch from it with {@code --bootstrap};
 * the daemon announces its content to the DHT; a leecher serves nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DaemonBitswapTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\".*");

    private static String readyAddress(DaemonAndPingTest.Daemon d) throws InterruptedException {
        String line = d.next("{\"event\":\"ready\"");
        Matcher m = READY.matcher(line);
        assertTrue(m.matches(), line);
        assertTrue(line.contains("\"repo\":"), line);
        return m.group(2);
    }

    @Test
    void commandsFetchWhatTheDaemonServes(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture served = RepoFixture.init(home);
        byte[] data = new byte[3 * 1024 * 1024 + 5];
        new Random(19).nextBytes(data);
        Path file = work.resolve("big.bin");
        Files.write(file, data);
        Path dir = Files.createDirectories(work.resolve("tree").resolve("sub"));
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(dir.getParent().resolve("b.txt"), "bee");
        String fileCid = served.ok("add", "-Q", file.toString());
        String treeCid = served.ok("add", "-Q", "-r", work.resolve("tree").toString());

        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "server", "--json")) {
            String addr = readyAddress(d);

            RepoFixture one = RepoFixture.init(work.resolve("one"));
            CliRunner.Bytes cat = one.bytes("cat", "--bootstrap", addr, fileCid);
            assertEquals(0, cat.status(), cat.stderr());
            assertArrayEquals(data, cat.stdout());
            assertEquals(data.length, one.bytes("cat", fileCid).stdout().length, "the blocks are kept");

            RepoFixture two = RepoFixture.init(work.resolve("two"));
            Path out = work.resolve("got");
            two.ok("get", "--bootstrap", addr, "-o", out.toString(), treeCid);
            assertEquals("a", Files.readString(out.resolve("sub/a.txt")));
            assertEquals("bee", Files.readString(out.resolve("b.txt")));

            RepoFixture three = RepoFixture.init(work.resolve("three"));
            assertEquals("pinned " + treeCid + " recursively", three.ok("pin", "add", "--bootstrap", addr, treeCid));
            assertTrue(three.ok("pin", "ls", "--type", "recursive").contains(treeCid));

            RepoFixture four = RepoFixture.init(work.resolve("four"));
            CliRunner.Bytes car = four.bytes("dag", "export", "--bootstrap", addr, fileCid);
            assertEquals(0, car.status(), car.stderr());
            RepoFixture five = RepoFixture.init(work.resolve("five"));
            Files.write(work.resolve("x.car"), car.stdout());
            five.ok("dag", "import", work.resolve("x.car").toString());
            CliRunner.Bytes again = five.bytes("cat", fileCid);
            assertArrayEquals(data, again.stdout(), "the exported CAR holds the whole file");

            // a range fetches its own blocks only: the rest of the file stays away
            RepoFixture six = RepoFixture.init(work.resolve("six"));
            CliRunner.Bytes range = six.bytes("cat", "--bootstrap", addr, "--offset", "2097152", "--length", "10", fileCid);
            assertEquals(0, range.status(), range.stderr());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 2097152, 2097162), range.stdout());
            CliRunner offline = six.run("cat", fileCid);
            assertNotEquals(0, offline.status(), "the blocks before the range were not fetched");

            // pin update brings what the new version has beyond the old one
            Files.writeString(work.resolve("tree").resolve("c.txt"), "sea");
            String nextTree = served.ok("add", "-Q", "-r", work.resolve("tree").toString());
            assertEquals("updated " + treeCid + " to " + nextTree, three.ok("pin", "update", "--bootstrap", addr, treeCid, nextTree));
            assertEquals("sea", three.ok("cat", nextTree + "/c.txt"));
            assertTrue(three.ok("pin", "ls", "--type", "recursive").contains(nextTree));

            // the daemon announces what it holds: a DHT lookup through it finds it as a provider
            java.util.concurrent.atomic.AtomicReference<CliRunner> found = new java.util.concurrent.atomic.AtomicReference<>();
            io.p2pkit.testing.Await.until("the daemon's provider record", () -> {
                found.set(CliRunner.run("routing", "findprovs", treeCid, "--bootstrap", addr, "--json"));
                return found.get().status() == 0;
            }, java.time.Duration.ofSeconds(30));
            CliRunner f = found.get();
            assertEquals(0, f.status(), "findprovs: " + f.err() + f.out());
            assertTrue(f.out().contains(addr.substring(addr.lastIndexOf('/') + 1)), f.out());
        }
    }

    @Test
    void aLeecherServesNothingAndTheFetchTimesOut(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture served = RepoFixture.init(home);
        String cid = served.runWithInput("only for the leecher", "add", "-Q").out().strip();
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--role", "leecher", "--json")) {
            String addr = readyAddress(d);
            RepoFixture other = RepoFixture.init(work.resolve("other"));
            CliRunner r = other.run("cat", "--bootstrap", addr, "--fetch-timeout", "2s", cid);
            assertNotEquals(0, r.status());
            assertTrue(r.err().contains(cid), r.err());
        }
        assertEquals("only for the leecher", new String(served.bytes("cat", cid).stdout(), StandardCharsets.UTF_8));
    }
}
