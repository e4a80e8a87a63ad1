package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepoCommandTest {
    @TempDir
    Path dir;

    private RepoFixture repo;

    @BeforeEach
    void init() {
        repo = RepoFixture.init(dir);
    }

    /** The key repo gc prints for a block: CIDv1, raw codec, its multihash (Kubo's form). */
    private static String key(String cid) {
        return Cid.v1(Multicodec.RAW, Cid.parse(cid).multihash()).toString();
    }

    @Test
    void dagPutPinAddGcKeepsItPinRmGcRemovesIt() {
        String leaf = repo.dagPut("{\"leaf\":true}");
        String root = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"}}");
        String loose = repo.dagPut("{\"loose\":1}");
        assertEquals("pinned " + root + " recursively", repo.ok("pin", "add", root));

        CliRunner gc = repo.run("repo", "gc");
        assertEquals(0, gc.status(), gc.err());
        assertEquals("removed " + key(loose), gc.out().strip(), "only the unpinned block goes");
        assertTrue(repo.ok("dag", "get", root + "/child").contains("\"leaf\":true"), "the pinned DAG is whole");

        assertEquals("unpinned " + root, repo.ok("pin", "rm", root));
        CliRunner gcJson = repo.run("repo", "gc", "--json");
        assertEquals(0, gcJson.status(), gcJson.err());
        Set<String> removed = new TreeSet<>();
        for (String line : gcJson.out().strip().split("\n")) {
            Map<?, ?> o = (Map<?, ?>) TinyJson.parse(line);
            removed.add(((Map<?, ?>) o.get("Key")).get("/").toString());
        }
        assertEquals(new TreeSet<>(List.of(key(root), key(leaf))), removed);
        assertTrue(repo.ok("repo", "stat", "--json").contains("\"NumObjects\":0"));
        assertEquals(1, repo.run("dag", "get", root).status());
        assertEquals("", repo.ok("repo", "gc"), "nothing left to collect");
    }

    @Test
    void gcQuietAndSilent() {
        String a = repo.dagPut("{\"a\":1}");
        assertEquals(key(a), repo.ok("repo", "gc", "--quiet"));
        repo.dagPut("{\"b\":1}");
        assertEquals("", repo.ok("repo", "gc", "--silent"));
        assertTrue(repo.ok("repo", "stat", "--json").contains("\"NumObjects\":0"));
    }

    @Test
    void gcRemovesNothingWhenAPinnedDagIsIncomplete() throws Exception {
        String leaf = repo.dagPut("{\"leaf\":true}");
        String root = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"}}", "--pin");
        String loose = repo.dagPut("{\"loose\":1}");
        // block rm refuses pinned blocks, so damage the repository behind its back
        try (FlatfsBlockstore flatfs = FlatfsBlockstore.open(dir.resolve("blocks"), FlatfsBlockstore.Options.defaults())) {
            assertTrue(flatfs.delete(Cid.parse(leaf).multihash()));
        }
        CliRunner gc = repo.run("repo", "gc");
        assertEquals(1, gc.status());
        assertEquals("", gc.out());
        assertTrue(gc.err().contains(leaf) && gc.err().contains(root), "names the missing block and its pin: " + gc.err());
        assertEquals(0, repo.run("block", "stat", loose).status(), "nothing was removed");

        CliRunner verify = repo.run("pin", "verify");
        assertEquals(1, verify.status());
        assertEquals(root + " broken\n  " + leaf + ": missing", verify.out().strip());
    }

    @Test
    void statPrintsKubosFields() {
        repo.dagPut("{\"a\":1}");
        String text = repo.ok("repo", "stat");
        String[] lines = text.split("\n");
        assertEquals(5, lines.length, text);
        assertEquals("NumObjects: 1", lines[0]);
        assertTrue(lines[1].matches("RepoSize:   \\d+"), lines[1]);
        assertEquals("StorageMax: 10000000000", lines[2]);
        assertEquals("RepoPath:   " + dir.toAbsolutePath(), lines[3]);
        assertEquals("Version:    p2pkit-repo@1", lines[4]);
        assertTrue(repo.ok("repo", "stat", "--human").contains("StorageMax: 10 GB"));
        assertEquals(2, repo.ok("repo", "stat", "-s").split("\n").length);

        Map<?, ?> json = (Map<?, ?>) TinyJson.parse(repo.ok("repo", "stat", "--json"));
        assertEquals(List.of("RepoSize", "StorageMax", "NumObjects", "RepoPath", "Version"), List.copyOf(json.keySet()));
        Map<?, ?> sizeOnly = (Map<?, ?>) TinyJson.parse(repo.ok("repo", "stat", "--size-only", "--json"));
        assertEquals(Set.of("RepoSize", "StorageMax"), sizeOnly.keySet());
    }

    @Test
    void aCorruptBlockFileMakesVerifyFailNamingIt() throws Exception {
        String good = repo.dagPut("{\"good\":1}");
        String bad = repo.dagPut("{\"bad\":1}");
        assertEquals("verify complete, all blocks validated.", repo.ok("repo", "verify"));

        Path file;
        try (FlatfsBlockstore flatfs = FlatfsBlockstore.open(dir.resolve("blocks"), FlatfsBlockstore.Options.defaults())) {
            file = flatfs.pathOf(Cid.parse(bad).multihash());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);

        CliRunner verify = repo.run("repo", "verify");
        assertEquals(1, verify.status());
        String[] lines = verify.out().strip().split("\n");
        assertEquals(2, lines.length, verify.out());
        assertTrue(lines[0].startsWith("block " + key(bad) + " was corrupt ("), lines[0]);
        assertTrue(lines[0].endsWith(file.toString()), "names the file: " + lines[0]);
        assertEquals("verify complete, 1 block corrupt", lines[1]);
        assertFalse(verify.out().contains(key(good)));

        CliRunner json = repo.run("repo", "verify", "--json");
        assertEquals(1, json.status());
        String[] objects = json.out().strip().split("\n");
        Map<?, ?> first = (Map<?, ?>) TinyJson.parse(objects[0]);
        assertTrue(first.get("Msg").toString().contains(key(bad)), objects[0]);
        Map<?, ?> last = (Map<?, ?>) TinyJson.parse(objects[1]);
        assertEquals("verify complete, 1 block corrupt", last.get("Msg"));
        assertEquals(2L, ((Number) last.get("Progress")).longValue());

        CliRunner get = repo.run("dag", "get", bad);
        assertEquals(1, get.status());
        assertTrue(get.err().contains("is corrupt"), get.err());

        CliRunner drop = repo.run("repo", "verify", "--drop");
        assertEquals(0, drop.status(), drop.out() + drop.err());
        assertTrue(drop.out().contains("was corrupt") && drop.out().contains(", removed"), drop.out());
        assertEquals("verify complete, all blocks validated.", repo.ok("repo", "verify"));
        assertEquals(1, repo.run("block", "stat", bad).status());
    }

    @Test
    void progressGoesToStderrWhenAskedAndNeverToStdout() {
        for (int i = 0; i < 5; i++) {
            repo.dagPut("{\"n\":" + i + "}");
        }
        CliRunner plain = repo.run("repo", "verify");
        CliRunner bar = repo.run("repo", "verify", "--progress");
        assertEquals(plain.out(), bar.out());
        assertEquals("", plain.err(), "off when stderr is not a terminal");
        assertTrue(bar.err().startsWith("\rverifying  ["), bar.err());
        assertTrue(bar.err().contains("100%  5 / 5 blocks"), bar.err());
        assertEquals("", repo.run("repo", "verify", "--progress=false").err());
    }

    @Test
    void aSecondProcessOnALockedRepositoryIsToldWhichProcessHasIt() throws Exception {
        // a real p2pkit process that opens the repository and waits on its stdin
        try (DaemonAndPingTest.Daemon holder = DaemonAndPingTest.Daemon.command(dir, "dag", "import", "--repo-dir",
                dir.toString())) {
            String pid = Long.toString(holder.process().pid());
            Path lock = dir.resolve("repo.lock");
            Await.until("the child to hold the repository", () -> {
                try {
                    return Files.readString(lock).strip().equals(pid);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            CliRunner r = repo.run("repo", "stat");
            assertEquals(1, r.status());
            assertEquals("", r.out());
            assertTrue(r.err().contains("the repository " + dir.toAbsolutePath() + " is in use by process " + pid), r.err());
            assertTrue(r.err().contains("p2pkit daemon"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals(1, repo.run("init").status(), "init does not touch it either");
        }
        assertEquals(0, repo.run("repo", "stat").status(), "free again once the holder has ended");
    }
}
