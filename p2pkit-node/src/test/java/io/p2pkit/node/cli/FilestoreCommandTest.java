package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit add --nocopy} and {@code p2pkit filestore ls|verify|dups}, on the repository and
 * through a daemon in a child process (which is sent the files' absolute paths).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FilestoreCommandTest {
    private static final int CHUNK = 256 * 1024;

    private static Path data(Path home) throws Exception {
        byte[] bytes = new byte[2 * CHUNK + 9];
        new SplittableRandom(11).nextBytes(bytes);
        return Files.write(home.resolve("data.bin"), bytes);
    }

    private static RepoFixture enabled(Path home) {
        RepoFixture repo = RepoFixture.init(home.resolve("repo"));
        repo.ok("config", "--json", "Experimental.FilestoreEnabled", "true");
        return repo;
    }

    @Test
    void onTheRepository(@TempDir Path home) throws Exception {
        Path file = data(home);
        RepoFixture repo = enabled(home);
        String root = repo.ok("add", "-Q", "--nocopy", file.toString());
        assertEquals(repo.ok("add", "-Q", "--only-hash", "--raw-leaves", file.toString()), root);
        List<String> ls = repo.ok("filestore", "ls", "--file-order").lines().toList();
        assertEquals(3, ls.size());
        assertTrue(ls.get(1).matches("bafkrei[a-z2-7]{52} 262144 data\\.bin 262144"), ls.get(1));
        assertTrue(ls.get(2).endsWith("      9 data.bin 524288"), ls.get(2));
        assertTrue(repo.ok("filestore", "ls", "--json").lines()
                .allMatch(l -> l.matches("\\{\"Status\":0,\"ErrorMsg\":\"\",\"Key\":\\{\"/\":\"bafkrei[a-z2-7]+\"},"
                        + "\"FilePath\":\"data.bin\",\"Offset\":\\d+,\"Size\":\\d+}")));
        assertTrue(repo.ok("filestore", "verify").lines().allMatch(l -> l.startsWith("ok      bafkrei")));
        assertEquals("", repo.ok("filestore", "dups"));

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(3);
            raf.write(raf.read() ^ 1);
        }
        List<String> verify = repo.ok("filestore", "verify", "--file-order").lines().toList();
        assertTrue(verify.get(0).startsWith("changed bafkrei") && verify.get(0).endsWith(" data.bin 0"), verify.get(0));
        CliRunner cat = repo.run("cat", root);
        assertEquals(1, cat.status());
        assertTrue(cat.err().contains("data in file did not match. data.bin offset 0"), cat.err());
        List<String> removed = repo.ok("filestore", "verify", "--file-order", "--remove-bad-blocks").lines().toList();
        assertTrue(removed.get(0).endsWith(" remove") && removed.get(1).endsWith(" keep"), removed.toString());
        assertEquals(2, repo.ok("filestore", "ls").lines().count());
        assertTrue(Files.exists(file));

        CliRunner outside = repo.run("add", "--nocopy", Files.write(home.getParent().resolve(home.getFileName() + "-x"),
                new byte[1]).toString());
        assertEquals(1, outside.status());
        assertTrue(outside.err().contains("cannot add filestore references outside ipfs root (" + home.toAbsolutePath()
                + ")"), outside.err());
    }

    @Test
    void offTheErrorsAreKubos(@TempDir Path home) throws Exception {
        Path file = data(home);
        RepoFixture repo = RepoFixture.init(home.resolve("repo"));
        CliRunner add = repo.run("add", "--nocopy", file.toString());
        assertEquals(1, add.status());
        assertTrue(add.err().contains("either the filestore or the urlstore must be enabled to use nocopy"), add.err());
        for (String sub : List.of("ls", "verify", "dups")) {
            CliRunner r = repo.run("filestore", sub);
            assertEquals(1, r.status());
            assertTrue(r.err().contains("filestore is not enabled, see https://git.io/vNItf"), r.err());
        }
        CliRunner noRaw = enabled(home.resolve("second")).run("add", "--nocopy", "--raw-leaves=false", file.toString());
        assertTrue(noRaw.err().contains("nocopy option requires '--raw-leaves' to be enabled as well"), noRaw.err());
    }

    @Test
    void throughADaemon(@TempDir Path home) throws Exception {
        Path file = data(home);
        RepoFixture repo = enabled(home);
        String copied = repo.ok("add", "-Q", "--only-hash", "--raw-leaves", file.toString());
        DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home.resolve("repo"), "--listen",
                "/ip4/127.0.0.1/tcp/0", "--json");
        try {
            d.next("{\"event\":\"ready\"");
            assertEquals(copied, repo.ok("add", "-Q", "--nocopy", file.toString()));
            assertEquals(3, repo.ok("filestore", "ls").lines().count());
            assertTrue(repo.ok("filestore", "verify", "--json").lines().allMatch(l -> l.startsWith("{\"Status\":0,")));
            // a copying add of the same file: its leaves are now both referenced and copied
            repo.ok("add", "-Q", "--raw-leaves", file.toString());
            assertEquals(3, repo.ok("filestore", "dups").lines().count());
        } finally {
            d.close();
        }
    }
}
