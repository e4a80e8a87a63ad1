package io.p2pkit.node.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo 0.43's native URIs ({@code ipfs://<cid>}, {@code ipfs:<cid>}, {@code ipns://<name>}) taken
 * by the commands that run on the repository without a daemon, as Kubo's
 * {@code test/cli/path_uri_test.go} takes them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeUriCommandTest {
    private static final String CONTENT = "hello ipfs uri";
    @TempDir
    Path dir;
    private String file;

    @BeforeEach
    void init() {
        assertEquals(0, CliRunner.run("init", "--repo-dir", dir.toString(), "--profile", "test").status());
        CliRunner add = CliRunner.runWithInput(CONTENT.getBytes(StandardCharsets.UTF_8), "add", "-Q", "--cid-version=1",
                "--repo-dir", dir.toString());
        assertEquals(0, add.status(), add.err());
        file = add.out().trim();
    }

    private CliRunner run(String... argv) {
        List<String> a = new ArrayList<>(List.of(argv));
        a.add("--repo-dir=" + dir);
        return CliRunner.run(a.toArray(String[]::new));
    }

    private String ok(String... argv) {
        CliRunner r = run(argv);
        assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.err());
        return r.out();
    }

    @Test
    void catTakesEveryFormAsABareCid() {
        for (String arg : List.of(file, "/ipfs/" + file, "ipfs://" + file, "ipfs:" + file, "IPFS://" + file)) {
            assertEquals(CONTENT, ok("cat", arg), arg);
        }
        assertTrue(ok("block", "stat", "ipfs://" + file).contains(file));
    }

    @Test
    void pathsBelowTheRootWorkThroughAUri() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("a.txt"), "a");
        String tree = ok("add", "-Q", "-r", "--cid-version=1", site.toString()).trim();
        assertTrue(ok("ls", "ipfs://" + tree).contains("a.txt"));
        assertEquals("a", ok("cat", "ipfs://" + tree + "/a.txt"));
        assertTrue(ok("resolve", "ipfs:" + tree + "/a.txt").startsWith("/ipfs/b"));
        assertTrue(ok("pin", "ls", "ipfs://" + tree).contains(tree));
        Path out = dir.resolve("got");
        ok("get", "-o", out.toString(), "ipfs://" + tree);
        assertEquals("a", Files.readString(out.resolve("a.txt")));
    }

    @Test
    void commandsRefuseWhatAUriCannotBeForThem() {
        // the CID is read before any peer is dialled: the bootstrap address is never used
        String nowhere = "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
        CliRunner below = CliRunner.run("routing", "findprovs", "ipfs://" + file + "/a.txt", "--bootstrap", nowhere);
        assertEquals(2, below.status(), below.err());
        assertTrue(below.err().contains("points below a root CID, expected a single CID"), below.err());
        CliRunner notIpns = run("name", "resolve", "ipfs://" + file, "--bootstrap", nowhere);
        assertEquals(2, notIpns.status(), notIpns.err());
        assertTrue(notIpns.err().contains("'ipfs://" + file + "' is not an IPNS name"), notIpns.err());
        CliRunner badCid = run("cat", "ipfs://not-a-cid");
        assertNotEquals(0, badCid.status());
        assertTrue(badCid.err().contains("not-a-cid"), badCid.err());
    }
}
