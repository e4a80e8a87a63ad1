package io.p2pkit.node.cli;

import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit object diff|patch add-link|patch rm-link} against a daemon in a child process:
 * the new roots are the CIDs Kubo 0.39 gives for the same patches, the texts Kubo's, the daemon's
 * errors as the CLI prints them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ObjectCommandTest {
    /** Kubo's {@code ipfs object patch add-link -p <empty dir> a/b/c <"alpha\n">}. */
    private static final String NESTED = "QmPsveKjatwtLFWQgLqU7wJAf5qBC9rWR7H44SdVDE8ohd";
    private static final String EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";
    private static final String ALPHA = "QmV4STRyo1dygxGhZcr877TQ1M9AZuXhfm6HrXjxW1TYNP";

    @Test
    void patchesAndDiffsThroughTheDaemon(@TempDir Path home, @TempDir Path files) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            assertEquals(ALPHA, repo.ok("add", "-Q", Files.writeString(files.resolve("a.txt"), "alpha\n").toString()));
            assertEquals(EMPTY_DIR, repo.ok("add", "-r", "-Q", Files.createDirectories(files.resolve("e")).toString()));

            assertEquals(NESTED, repo.ok("object", "patch", "add-link", "-p", EMPTY_DIR, "a/b/c", ALPHA));
            assertEquals(Map.of("Hash", NESTED),
                    TinyJson.parse(repo.ok("object", "patch", "add-link", "--create", EMPTY_DIR, "a/b/c", ALPHA, "--json")));
            assertEquals(EMPTY_DIR, repo.ok("object", "patch", "rm-link", NESTED, "a"));

            String a = repo.ok("resolve", "/ipfs/" + NESTED + "/a").substring("/ipfs/".length());
            assertEquals("+ " + a + " \"a\"", repo.ok("object", "diff", EMPTY_DIR, NESTED));
            assertEquals("Removed link \"a\" (was " + a + ").", repo.ok("object", "diff", "-v", NESTED, EMPTY_DIR));
            assertEquals("Changed \"a/b/c\" from " + ALPHA + " to " + EMPTY_DIR + ".", repo.ok("object", "diff",
                    "--verbose", NESTED, repo.ok("object", "patch", "add-link", NESTED, "a/b/c", EMPTY_DIR)));
            assertEquals("{\"Changes\":[]}", repo.ok("object", "diff", NESTED, NESTED, "--json"));

            CliRunner missing = repo.run("object", "patch", "rm-link", EMPTY_DIR, "nope");
            assertNotEquals(0, missing.status());
            assertTrue(missing.err().contains("no link by that name"), missing.err());
            CliRunner noName = repo.run("object", "patch", "add-link", EMPTY_DIR, "", ALPHA);
            assertTrue(noName.err().contains("cannot create link with no name"), noName.err());
        }
    }
}
