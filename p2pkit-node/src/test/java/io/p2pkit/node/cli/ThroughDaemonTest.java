package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While {@code p2pkit daemon} holds a repository, {@code cat}, {@code pin add} and {@code dag
 * export} on it go through the daemon's RPC API (found through the repository's {@code api}
 * file), and its errors come back as the command's.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ThroughDaemonTest {
    @Test
    void commandsAskTheDaemonThatHoldsTheRepository(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        byte[] data = new byte[700_000];
        new Random(20).nextBytes(data);
        Path file = work.resolve("data.bin");
        Files.write(file, data);
        String cid = repo.ok("add", "-Q", "--pin=false", file.toString());
        String block = repo.runWithInput("just a block", "block", "put").out().strip();

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

            // (a CID held nowhere would wait for the network: the daemon fetches what it lacks)
            CliRunner missing = repo.run("cat", "/ipfs/" + cid + "/no-such-entry");
            assertEquals(1, missing.status());
            assertFalse(missing.err().contains("Exception"), missing.err());
            assertFalse(missing.err().contains("in use by"), "asked the daemon: " + missing.err());
        }
        // The daemon is gone: the commands open the repository again.
        assertArrayEquals(data, repo.bytes("cat", cid).stdout());
        assertTrue(repo.ok("pin", "ls", "--type", "direct").contains(block), "the daemon's pin is in the repository");
    }
}
