package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's global {@code --cid-base} and {@code --upgrade-cidv0-in-output} on the commands that print
 * CIDs: offline on the repository, and the same through a daemon that holds it. Kubo 0.39 prints
 * the same for the same content ({@code CidBaseKuboInteropTest} compares its daemon's answers).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CidBaseCommandTest {
    /** Command lines run without and then with a daemon (ROOT, SUB: CIDv0 directories; K36: ROOT in base36; CAR: a file). */
    private static final List<List<String>> LINES = List.of(
            List.of("add", "-r", "--cid-base=base36", "TREE"), List.of("add", "-Q", "-r", "--cid-base=k",
                    "--upgrade-cidv0-in-output=false", "TREE"),
            List.of("ls", "--cid-base=base36", "ROOT"), List.of("ls", "--json", "--upgrade-cidv0-in-output", "ROOT"),
            List.of("refs", "-e", "--cid-base=z", "ROOT"), List.of("refs", "-r", "--upgrade-cidv0-in-output", "ROOT"),
            List.of("resolve", "--cid-base=base36", "/ipfs/ROOT/sub"), List.of("resolve", "/ipfs/K36/sub"),
            List.of("resolve", "--upgrade-cidv0-in-output", "/ipfs/ROOT/sub"),
            List.of("pin", "add", "--cid-base=base36", "SUB"), List.of("pin", "ls", "--cid-base=base36", "ROOT"),
            List.of("pin", "ls", "--json", "--upgrade-cidv0-in-output", "ROOT"),
            List.of("pin", "update", "--unpin=false", "--cid-base=base36", "ROOT", "ROOT"),
            List.of("pin", "verify", "--verbose", "--cid-base=base36"),
            List.of("dag", "import", "--cid-base=base36", "CAR"),
            List.of("dag", "import", "--upgrade-cidv0-in-output", "CAR"));

    @Test
    void theCommandsWriteCidsInTheBaseAskedOfflineAndThroughTheDaemonAlike(@TempDir Path home, @TempDir Path work)
            throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        Path tree = Files.createDirectories(work.resolve("tree/sub"));
        Files.writeString(work.resolve("tree/a.txt"), "alpha\n");
        Files.writeString(tree.resolve("b.txt"), "beta\n");
        Cid root = Cid.parse(repo.ok("add", "-Q", "-r", work.resolve("tree").toString()));
        Cid a = Cid.parse(repo.ok("resolve", "/ipfs/" + root + "/a.txt").substring(6));
        Cid sub = Cid.parse(repo.ok("resolve", "/ipfs/" + root + "/sub").substring(6));
        Cid b = Cid.parse(repo.ok("resolve", "/ipfs/" + sub + "/b.txt").substring(6));
        assertEquals(0, root.version());
        Path car = work.resolve("tree.car");
        Files.write(car, repo.bytes("dag", "export", root.toString()).stdout());

        assertEquals(String.join("\n", "added " + b36(a) + " tree/a.txt", "added " + b36(b) + " tree/sub/b.txt",
                "added " + b36(sub) + " tree/sub", "added " + b36(root) + " tree"),
                repo.ok("add", "-r", "--cid-base=base36", work.resolve("tree").toString()));
        assertEquals(root.toString(), repo.ok("add", "-Q", "-r", "--cid-base=k", "--upgrade-cidv0-in-output=false",
                work.resolve("tree").toString()), "a CIDv0 stays when the upgrade is turned off");
        assertTrue(repo.ok("ls", "--cid-base=base36", root.toString()).startsWith(b36(a) + " 6 a.txt\n" + b36(sub) + " "));
        assertEquals("/ipfs/" + b36(sub), repo.ok("resolve", "--cid-base=base36", "/ipfs/" + root + "/sub"));
        assertEquals("/ipfs/" + b36(sub), repo.ok("resolve", "/ipfs/" + b36(root) + "/sub"),
                "without --cid-base, the argument's base (Kubo's encoder from the path)");
        assertEquals("/ipfs/" + sub, repo.ok("resolve", "--upgrade-cidv0-in-output", "/ipfs/" + root + "/sub"),
                "an argument's CIDv0 keeps the result CIDv0 whatever the upgrade says, as Kubo");
        assertEquals(z(root) + " -> " + z(a) + "\n" + z(root) + " -> " + z(sub),
                repo.ok("refs", "-e", "--cid-base=z", root.toString()));
        assertEquals(String.join("\n", a.toV1().toString(), sub.toV1().toString(), b.toV1().toString()),
                repo.ok("refs", "-r", "--upgrade-cidv0-in-output", root.toString()));
        assertEquals(b36(root) + " recursive", repo.ok("pin", "ls", "--cid-base=base36", root.toString()));
        assertEquals("pinned " + b36(sub) + " recursively", repo.ok("pin", "add", "--cid-base=base36", sub.toString()));
        assertEquals("Pinned root\t" + root + "\tsuccess", repo.ok("dag", "import", "--cid-base=base36", car.toString()),
                "dag import's low-level encoder: a base alone keeps a CIDv0");
        assertEquals("Pinned root\t" + root.toV1() + "\tsuccess", repo.ok("dag", "import", "--upgrade-cidv0-in-output",
                car.toString()));
        assertEquals(b36(Cid.parse(repo.dagPut("{\"n\":1}"))), repo.dagPut("{\"n\":1}", "--cid-base=base36"));

        for (String bad : List.of("foo", "base10")) {
            CliRunner r = repo.run("ls", "--cid-base=" + bad, root.toString());
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("unsupported multibase encoding: " + bad), r.err());
        }

        List<String> offline = runAll(repo, root, sub, work.resolve("tree"), car);
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(home)).build())) {
            Files.writeString(home.resolve(DaemonCommand.API_FILE), HttpAddress.multiaddr(node.apiAddress().orElseThrow()));
            assertEquals(offline, runAll(repo, root, sub, work.resolve("tree"), car), "through the daemon as without it");
            repo.ok("files", "cp", "/ipfs/" + root, "/t");
            assertEquals(b36(root), repo.ok("files", "stat", "--hash", "--cid-base=base36", "/t"));
            assertEquals("a.txt\t" + b36(a) + "\t6", repo.ok("files", "ls", "-l", "--cid-base=base36", "/t/a.txt"));
            assertEquals("a.txt\t" + a + "\t6\nsub/\t" + sub + "\t0", repo.ok("files", "ls", "-l", "--cid-base=base36", "/t"),
                    "a directory's entries keep their CIDs, as Kubo's MFS lists them");
            CliRunner bad = repo.run("refs", "--cid-base=nope", root.toString());
            assertEquals(1, bad.status());
            assertTrue(bad.err().contains("unsupported multibase encoding: nope"), bad.err());
        } finally {
            Files.deleteIfExists(home.resolve(DaemonCommand.API_FILE));
        }
    }

    private static String b36(Cid cid) {
        return Multibase.encode(Encoding.BASE36, cid.toV1().bytes());
    }

    private static String z(Cid cid) {
        return Multibase.encode(Encoding.BASE58_BTC, cid.toV1().bytes());
    }

    private static List<String> runAll(RepoFixture repo, Cid root, Cid sub, Path tree, Path car) {
        List<String> out = new ArrayList<>();
        for (List<String> c : LINES) {
            String[] argv = c.stream().map(s -> s.replace("ROOT", root.toString()).replace("SUB", sub.toString())
                    .replace("K36", b36(root)).replace("TREE", tree.toString()).replace("CAR", car.toString()))
                    .toArray(String[]::new);
            CliRunner r = repo.run(argv);
            assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.err());
            out.add(r.out());
        }
        return out;
    }
}
