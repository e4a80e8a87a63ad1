package io.p2pkit.node.cli;

import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinCommandTest {
    @TempDir
    Path dir;

    private RepoFixture repo;
    private String leaf;
    private String root;

    @BeforeEach
    void init() {
        repo = RepoFixture.init(dir);
        leaf = repo.dagPut("{\"leaf\":1}");
        root = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"}}");
    }

    @Test
    void addLsRmAsKubo() {
        assertEquals("pinned " + root + " recursively", repo.ok("pin", "add", root));
        assertEquals(root + " recursive\n" + leaf + " indirect", repo.ok("pin", "ls"));
        assertEquals(root, repo.ok("pin", "ls", "--type=recursive", "-q"));
        assertEquals(leaf + " indirect through " + root, repo.ok("pin", "ls", leaf)); // asked about: through which pin, as Kubo
        assertEquals(root + " recursive", repo.ok("pin", "ls", "/ipfs/" + root));

        CliRunner notAsAsked = repo.run("pin", "ls", leaf, "--type", "direct");
        assertEquals(1, notAsAsked.status());
        assertTrue(notAsAsked.err().contains("is not pinned direct (it is pinned indirectly)"), notAsAsked.err());

        CliRunner indirect = repo.run("pin", "rm", leaf);
        assertEquals(1, indirect.status());
        assertTrue(indirect.err().contains("error: not pinned or pinned indirectly"), indirect.err());
        CliRunner direct = repo.run("pin", "add", root, "-r=false");
        assertEquals(1, direct.status());
        assertTrue(direct.err().contains("already pinned recursively"), direct.err());

        assertEquals("unpinned " + root, repo.ok("pin", "rm", root));
        assertEquals("", repo.ok("pin", "ls"));
        CliRunner notPinned = repo.run("pin", "ls", root);
        assertEquals(1, notPinned.status());
        assertTrue(notPinned.err().contains("path '" + root + "' is not pinned"), notPinned.err());
    }

    @Test
    void pathsAndNamesAndDirectPins() {
        assertEquals("pinned " + leaf + " directly", repo.ok("pin", "add", root + "/child", "--recursive=false", "--name", "the leaf"));
        assertEquals(leaf + " direct", repo.ok("pin", "ls"));
        assertEquals(leaf + " direct the leaf", repo.ok("pin", "ls", "--names"));
        assertEquals("", repo.ok("pin", "ls", "--name", "other"));
        assertEquals(leaf + " direct the leaf", repo.ok("pin", "ls", "--name", "leaf"));
        assertEquals("unpinned " + leaf, repo.ok("pin", "rm", leaf, "--recursive=false"));
    }

    @Test
    void updateMovesARecursivePinAsKubo() {
        String next = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"},\"version\":2}");
        CliRunner notPinned = repo.run("pin", "update", root, next);
        assertEquals(1, notPinned.status());
        assertTrue(notPinned.err().contains("'from' cid was not recursively pinned already"), notPinned.err());
        repo.ok("pin", "add", "--name", "doc", root);
        assertEquals("updated " + root + " to " + next, repo.ok("pin", "update", root, "/ipfs/" + next));
        assertEquals(next + " recursive doc", repo.ok("pin", "ls", "--type=recursive", "--names"), "the name moved with the pin");
        assertEquals("{\"Pins\":[\"" + next + "\",\"" + root + "\"]}", repo.ok("pin", "update", "--unpin=false", "--json", next, root));
        assertEquals(2, repo.ok("pin", "ls", "--type=recursive").lines().count(), "--unpin=false keeps the old pin");
        CliRunner already = repo.run("pin", "update", next, root);
        assertEquals(1, already.status());
        assertTrue(already.err().contains("'to' cid was already recursively pinned"), already.err());
        String elsewhere = "bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
        CliRunner missing = repo.run("pin", "update", next, elsewhere);
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains(elsewhere), "offline, the missing block is named: " + missing.err());
    }

    @Test
    void jsonShapesAreKubos() {
        assertEquals("{\"Pins\":[\"" + root + "\"]}", repo.ok("pin", "add", root, "--json"));
        Map<?, ?> keys = (Map<?, ?>) ((Map<?, ?>) TinyJson.parse(repo.ok("pin", "ls", "--json"))).get("Keys");
        assertEquals(Map.of("Type", "recursive", "Name", ""), keys.get(root));
        assertEquals(Map.of("Type", "indirect", "Name", ""), keys.get(leaf));
        assertEquals("{\"Cid\":\"" + root + "\",\"Type\":\"recursive\"}\n{\"Cid\":\"" + leaf + "\",\"Type\":\"indirect\"}",
                repo.ok("pin", "ls", "--stream", "--json"));
        assertEquals("{\"Cid\":\"" + root + "\",\"Ok\":true}", repo.ok("pin", "verify", "--verbose", "--json"));
        assertEquals("", repo.ok("pin", "verify", "--json"));
        assertEquals("{\"Pins\":[\"" + root + "\"]}", repo.ok("pin", "rm", root, "--json"));
    }

    @Test
    void aPinNeedsItsWholeDag() {
        repo.ok("block", "rm", leaf);
        CliRunner r = repo.run("pin", "add", root);
        assertEquals(1, r.status());
        assertTrue(r.err().contains(leaf) && r.err().contains("is not available"), r.err());
        assertEquals("", repo.ok("pin", "ls"));
        CliRunner bad = repo.run("pin", "ls", "--type", "some");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("invalid pin type 'some'"), bad.err());
        assertEquals(List.of(), List.of(repo.ok("pin", "verify").split("\n")).stream().filter(s -> !s.isEmpty()).toList());
    }

    @Test
    void progressCountsTheNodesWalkedAsKubo() {
        String other = repo.dagPut("{\"other\":2}");
        CliRunner r = repo.run("pin", "add", "--progress", root, other);
        assertEquals(0, r.status(), r.err());
        assertEquals("pinned " + root + " recursively\npinned " + other + " recursively", r.out().strip());
        // the count runs over every argument: root and leaf, then other
        assertTrue(r.err().endsWith("Fetched/Processed 3 nodes\r"), r.err());
        CliRunner quiet = repo.run("pin", "add", "--progress=false", root);
        assertEquals("", quiet.err());
        CliRunner direct = repo.run("pin", "add", "--progress", "-r=false", leaf);
        assertEquals("", direct.err());
    }
}
