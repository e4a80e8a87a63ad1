package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.command.DaemonCommand;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit refs}, {@code refs local} and {@code resolve}: Kubo's text and JSON offline on the
 * repository, and the same through a daemon that holds it (its RPC API, found through the
 * repository's {@code api} file).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RefsCommandTest {
    /** Command lines run without and then with a daemon ("ROOT": a directory, "CBOR": a DAG-CBOR node). */
    private static final List<List<String>> READ_ONLY = List.of(
            List.of("refs", "ROOT"), List.of("refs", "-r", "ROOT"), List.of("refs", "-r", "-u", "ROOT"),
            List.of("refs", "-e", "ROOT"), List.of("refs", "--format", "<linkname> <dst>", "-r", "ROOT"),
            List.of("refs", "-r", "--max-depth", "1", "ROOT"), List.of("refs", "--json", "-r", "-u", "ROOT"),
            List.of("refs", "CBOR", "/ipfs/ROOT/sub"), List.of("resolve", "/ipfs/ROOT/sub/b.txt"),
            List.of("resolve", "/ipfs/CBOR/n/k"), List.of("resolve", "--json", "/ipfs/CBOR/t/sub"),
            List.of("resolve", "CBOR"));

    @Test
    void refsAndResolvePrintKubosTextOfflineAndThroughTheDaemonAlike(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        Path tree = Files.createDirectories(work.resolve("tree/sub"));
        Files.writeString(work.resolve("tree/a.txt"), "alpha\n");
        Files.writeString(tree.resolve("b.txt"), "beta\n");
        Files.writeString(tree.resolve("dup.txt"), "alpha\n"); // a.txt's block again
        String root = repo.ok("add", "-Q", "-r", work.resolve("tree").toString());
        String a = repo.ok("resolve", "/ipfs/" + root + "/a.txt").substring(6);
        String sub = repo.ok("resolve", root + "/sub").substring(6);
        String b = repo.ok("resolve", "/ipfs/" + sub + "/b.txt").substring(6);
        String cbor = repo.dagPut("{\"t\":{\"/\":\"" + root + "\"},\"n\":{\"k\":1}}");

        assertEquals(String.join("\n", a, sub), repo.ok("refs", root));
        assertEquals(String.join("\n", a, sub, b, a), repo.ok("refs", "-r", root));
        assertEquals(String.join("\n", a, sub, b), repo.ok("refs", "-r", "-u", root));
        assertEquals(root + " -> " + a + "\n" + root + " -> " + sub, repo.ok("refs", "-e", root));
        assertEquals("a.txt " + a + "\nsub " + sub + "\nb.txt " + b + "\ndup.txt " + a,
                repo.ok("refs", "--format", "<linkname> <dst>", "-r", root));
        assertEquals("", repo.ok("refs", "-r", "--max-depth", "0", root));
        assertEquals("{\"Ref\":\"" + a + "\",\"Err\":\"\"}\n{\"Ref\":\"" + sub + "\",\"Err\":\"\"}",
                repo.ok("refs", "--json", root));
        assertEquals("/ipfs/" + cbor + "/n/k", repo.ok("resolve", "/ipfs/" + cbor + "/n/k"));
        assertEquals("/ipfs/" + Cid.parse(sub).toV1(), repo.ok("resolve", "/ipfs/" + cbor + "/t/sub"),
                "the argument's CIDv1 base32 upgrades the result, as Kubo");
        assertEquals("{\"Path\":\"/ipfs/" + b + "\"}", repo.ok("resolve", "--json", "/ipfs/" + root + "/sub/b.txt"));
        List<String> local = repo.ok("refs", "local").lines().sorted().toList();
        assertEquals(5, local.size(), "root, a.txt, sub, b.txt and the DAG-CBOR node: " + local);
        assertTrue(local.contains(Cid.v1(Multicodec.RAW, Cid.parse(root).multihash()).toString()), local.toString());
        assertTrue(repo.ok("refs", "local", "--json").lines().allMatch(l -> l.matches("\\{\"Ref\":\"bafk[a-z2-7]+\",\"Err\":\"\"}")));

        List<String> offline = runAll(repo, root, cbor);
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(home)).build())) {
            Files.writeString(home.resolve(DaemonCommand.API_FILE), HttpAddress.multiaddr(node.apiAddress().orElseThrow()));
            assertEquals(offline, runAll(repo, root, cbor), "through the daemon as without it");
            assertEquals(local, repo.ok("refs", "local").lines().sorted().toList());
            CliRunner broken = repo.run("refs", "/ipfs/" + root + "/nope");
            assertEquals(1, broken.status());
            assertTrue(broken.err().contains("no link named \"nope\" under " + root), broken.err());
            assertFalse(broken.err().contains("in use by"), "asked the daemon: " + broken.err());
        } finally {
            Files.deleteIfExists(home.resolve(DaemonCommand.API_FILE));
        }
    }

    private static List<String> runAll(RepoFixture repo, String root, String cbor) {
        List<String> out = new ArrayList<>();
        for (List<String> c : READ_ONLY) {
            String[] argv = c.stream().map(s -> s.replace("ROOT", root).replace("CBOR", cbor)).toArray(String[]::new);
            CliRunner r = repo.run(argv);
            assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.err());
            out.add(r.out());
        }
        return out;
    }

    @Test
    void wrongCommandLinesAndMissingBlocksFailClearly(@TempDir Path home) {
        RepoFixture repo = RepoFixture.init(home);
        String missing = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "nowhere".getBytes())).toString();
        CliRunner both = repo.run("refs", "-e", "--format", "<src>", missing);
        assertEquals(2, both.status());
        assertTrue(both.err().contains("using format argument with edges is not allowed"), both.err());
        CliRunner none = repo.run("refs");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("argument \"ipfs-path\" is required"), none.err());
        CliRunner gone = repo.run("refs", missing);
        assertEquals(1, gone.status());
        assertTrue(gone.err().contains("block " + missing + " is not in the repository"), gone.err());
        assertEquals("/ipfs/" + missing, repo.ok("resolve", missing), "a bare CID is not read, as Kubo");
        CliRunner name = repo.run("resolve", "/ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8");
        assertEquals(1, name.status());
        assertTrue(name.err().contains("needs the daemon's routing"), name.err());
        CliRunner bad = repo.run("resolve", "nonsense");
        assertEquals(2, bad.status());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }
}
