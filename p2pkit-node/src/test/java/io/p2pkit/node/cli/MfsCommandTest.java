package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit files …} through the daemon that holds the repository, printed as Kubo's
 * {@code ipfs files} prints (the CIDs are Kubo 0.39's for the same operations); the tree is still
 * there after the daemon stops and starts again.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MfsCommandTest {
    @Test
    void filesCommandsThroughTheDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            CliRunner write = repo.runWithInput("hello\n", "files", "write", "--create", "/a.txt");
            assertEquals(0, write.status(), write.err());
            assertEquals("QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM", repo.ok("files", "stat", "--hash", "/a.txt"));
            assertEquals("QmWYiJ6bF3PsMrsfBAtZP6hVx6XMRmSiUdvSKyT7RsAHBs\nSize: 0\nCumulativeSize: 115\nChildBlocks: 1\n"
                    + "Type: directory\nMode: not set (not set)\nMtime: not set", repo.ok("files", "stat", "/"));
            assertEquals("", repo.ok("files", "mkdir", "-p", "/d/e/f"));
            assertEquals("a.txt\nd", repo.ok("files", "ls"));
            assertEquals("a.txt\tQmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM\t6", repo.ok("files", "ls", "-l", "/a.txt"));
            assertEquals("hello", repo.ok("files", "read", "/a.txt"));
            assertEquals("ll", repo.ok("files", "read", "-o", "2", "-n", "2", "/a.txt"));
            assertEquals("{\"Cid\":\"QmVP3MeS662j4xzvtPnu8CgFY8pTqdSUaWoUES2e4C3UTe\"}", repo.ok("files", "flush"));
            assertEquals("", repo.ok("files", "cp", "/ipfs/QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM", "/d/"));
            assertEquals("", repo.ok("files", "mv", "/a.txt", "/d/e"));
            assertEquals("QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM\ne", repo.ok("files", "ls", "/d"));
            CliRunner rm = repo.run("files", "rm", "/nope", "/d");
            assertEquals(1, rm.status());
            assertEquals("\"/nope: file does not exist\"\n\"/d: path is a directory, use -r to remove directories\"",
                    rm.out().strip());
            assertTrue(rm.err().contains("can't remove some files"), rm.err());
            // --json: the daemon's JSON lines (stat, ls), the bytes in one object (read), nothing from a change
            assertTrue(repo.ok("files", "stat", "--json", "/d").startsWith("{\"Hash\":\""), "stat --json");
            assertEquals("{\"Entries\":[{\"Name\":\"QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM\",\"Type\":0,"
                    + "\"Size\":0,\"Hash\":\"\"},{\"Name\":\"e\",\"Type\":0,\"Size\":0,\"Hash\":\"\"}]}",
                    repo.ok("files", "ls", "--json", "/d"));
            assertEquals("{\"Path\":\"/d/e/a.txt\",\"Size\":6,\"Data\":\"aGVsbG8K\"}",
                    repo.ok("files", "read", "--json", "/d/e/a.txt"));
            assertEquals("", repo.ok("files", "mkdir", "--json", "/g"));
            CliRunner missing = repo.run("files", "stat", "/nope");
            assertEquals(1, missing.status());
            assertTrue(missing.err().contains("file does not exist"), missing.err());
            // chmod and touch (CIDs as Kubo 0.39's for an empty directory)
            assertEquals("", repo.ok("files", "chmod", "0755", "/g"));
            assertEquals("QmRviohgafvCsbkiTgfQFipbuXJ6k1YtoiaQW4quttJPKu", repo.ok("files", "stat", "--hash", "/g"));
            assertEquals("", repo.ok("files", "touch", "--mtime=100", "/g"));
            assertEquals("QmPXFsvFRG33etyUM5t94mcPZgwD3wA5BQfKPXDRQezZLE\nMode: drwxr-xr-x (0755)\nMtime: 1 Jan 1970, 00:01:40 UTC",
                    repo.ok("files", "stat", "--format=<hash>\nMode: <mode> (<mode-octal>)\nMtime: <mtime>", "/g"));
            assertEquals("", repo.ok("files", "chmod", "--json", "0755", "/g"), "a change prints nothing with --json");
            assertEquals("", repo.ok("files", "touch", "--json", "--mtime=100", "/g"));
            assertEquals("QmPXFsvFRG33etyUM5t94mcPZgwD3wA5BQfKPXDRQezZLE", repo.ok("files", "stat", "--hash", "/g"));
            CliRunner badMode = repo.run("files", "chmod", "999", "/g");
            assertEquals(1, badMode.status());
            assertTrue(badMode.err().contains("strconv.ParseInt: parsing \"999\": invalid syntax"), badMode.err());
        }
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            d.next("{\"event\":\"ready\"");
            assertEquals("hello", repo.ok("files", "read", "/d/e/a.txt"), "the tree outlives the daemon");
        }
    }
}
