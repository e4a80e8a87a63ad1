package io.p2pkit.node.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code p2pkit mount} and {@code p2pkit daemon --mount} on a daemon in a child process: real FUSE
 * mounts (the test runs as root, as CI does; fuse3 installed), read and written through the JDK's
 * file API while the CLI's {@code add}, {@code files} and {@code cat} show the same content, and
 * no mount left once the daemon stops.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MountCommandTest {
    private static final Pattern READY = Pattern.compile("\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\".*");

    /** getxattr(2), which the JDK's view reaches only under {@code user.}. */
    interface XattrLibC extends Library {
        long getxattr(String path, String name, byte[] value, long size);
    }

    @Test
    void mountsIpfsIpnsAndMfsOfARunningDaemon(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home.resolve("repo"));
        Path src = Files.createDirectories(home.resolve("src/sub"));
        Files.writeString(src.resolveSibling("a.txt"), "hello mount\n");
        byte[] big = new byte[700_000];
        new SplittableRandom(7).nextBytes(big);
        Files.write(src.resolve("b.bin"), big);
        Files.createSymbolicLink(src.resolveSibling("ln"), Path.of("a.txt"));
        Path ipfs = Files.createDirectory(home.resolve("ipfs"));
        Path ipns = Files.createDirectory(home.resolve("ipns"));
        Path mfs = Files.createDirectory(home.resolve("mfs"));
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(repo.dir(), "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--json")) {
            Matcher ready = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(ready.matches());
            String peerId = ready.group(1);
            String root = repo.ok("add", "-r", "-Q", home.resolve("src").toString());

            assertEquals("IPFS mounted at: " + ipfs + "\nIPNS mounted at: " + ipns + "\nMFS mounted at: " + mfs,
                    repo.ok("mount", "-f", ipfs.toString(), "-n", ipns.toString(), "-m", mfs.toString()));
            assertTrue(mounted(ipfs) && mounted(ipns) && mounted(mfs), "three FUSE mounts");

            // /ipfs: the added tree, as cat and ls show it
            Path tree = ipfs.resolve(root);
            assertEquals("hello mount\n", Files.readString(tree.resolve("a.txt")));
            assertArrayEquals(big, Files.readAllBytes(tree.resolve("sub/b.bin")));
            assertEquals(List.of("a.txt", "ln", "sub"), names(tree));
            assertEquals(Path.of("a.txt"), Files.readSymbolicLink(tree.resolve("ln")));
            assertEquals("r--r--r--", perms(tree.resolve("a.txt")));
            assertEquals("r-xr-xr-x", perms(tree.resolve("sub")));
            assertEquals(big.length, Files.size(tree.resolve("sub/b.bin")));
            String fileCid = repo.ok("resolve", "/ipfs/" + root + "/sub/b.bin").substring("/ipfs/".length());
            assertEquals(fileCid, xattr(tree.resolve("sub/b.bin"), "ipfs.cid"));
            assertArrayEquals(big, Files.readAllBytes(ipfs.resolve(fileCid)), "a file's CID opens at the root too");
            assertThrows(IOException.class, () -> names(ipfs), "the root of /ipfs is not listed");
            assertFalse(Files.exists(ipfs.resolve("not-a-cid")));
            assertThrows(IOException.class, () -> Files.writeString(tree.resolve("new"), "x"), "read-only");

            // /ipns: the node's own name, unpublished here (no routing)
            assertEquals(List.of(peerId, "local").stream().sorted().toList(), names(ipns));
            assertEquals(Path.of(peerId), Files.readSymbolicLink(ipns.resolve("local")));
            assertEquals(List.of(), names(ipns.resolve(peerId)));

            // /mfs: written here, read by 'files'; written by 'files', read here
            Files.writeString(mfs.resolve("x.txt"), "written through the mount\n");
            Files.createDirectory(mfs.resolve("d"));
            Files.write(mfs.resolve("d/big.bin"), big);
            assertEquals("written through the mount", repo.ok("files", "read", "/x.txt"));
            repo.ok("files", "write", "--create", "/same.bin", src.resolve("b.bin").toString());
            assertEquals(repo.ok("files", "stat", "--hash", "/same.bin"), repo.ok("files", "stat", "--hash", "/d/big.bin"),
                    "the mount writes the DAG 'files write' does");
            Await.until("the file written by 'files write' shows in the mount",
                    () -> Files.exists(mfs.resolve("same.bin")), java.time.Duration.ofSeconds(10));
            assertArrayEquals(big, Files.readAllBytes(mfs.resolve("same.bin")));

            // mounting again replaces the mounts; --json prints Kubo's Mounts object
            java.util.Map<?, ?> json = (java.util.Map<?, ?>) io.p2pkit.testing.TinyJson.parse(
                    repo.ok("mount", "-f", ipfs.toString(), "-n", ipns.toString(), "-m", mfs.toString(), "--json"));
            assertEquals(java.util.Map.of("IPFS", ipfs.toString(), "IPNS", ipns.toString(), "MFS", mfs.toString(),
                    "FuseAllowOther", false), json);
            assertEquals("hello mount\n", Files.readString(tree.resolve("a.txt")));
            CliRunner missing = repo.run("mount", "-f", home.resolve("nowhere").toString(), "-n", ipns.toString(),
                    "-m", mfs.toString());
            assertEquals(1, missing.status());
            assertTrue(missing.err().contains("nowhere"), missing.err());
            assertFalse(mounted(ipns) || mounted(mfs), "all or nothing: the other two are unmounted");
        }
        assertFalse(mounted(ipfs) || mounted(ipns) || mounted(mfs), "no mount outlives the daemon");
    }

    @Test
    void daemonMountsAtStartAndUnmountsAsItStops(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home.resolve("repo"));
        Path ipfs = Files.createDirectory(home.resolve("i"));
        Path ipns = Files.createDirectory(home.resolve("n"));
        Path mfs = Files.createDirectory(home.resolve("m"));
        repo.ok("config", "Mounts.MFS", mfs.toString());
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(repo.dir(), "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--mount", "--mount-ipfs", ipfs.toString(), "--mount-ipns", ipns.toString())) {
            d.next("p2pkit daemon is ready");
            assertEquals("IPFS mounted at: " + ipfs, d.next("IPFS mounted at"));
            assertEquals("IPNS mounted at: " + ipns, d.next("IPNS mounted at"));
            assertEquals("MFS mounted at: " + mfs, d.next("MFS mounted at"), "Mounts.MFS from the config");
            Files.writeString(mfs.resolve("f"), "x");
            assertEquals("x", repo.ok("files", "read", "/f"));
        }
        assertFalse(mounted(ipfs) || mounted(ipns) || mounted(mfs), "no mount outlives the daemon");
        try (DaemonAndPingTest.Daemon again = DaemonAndPingTest.Daemon.start(repo.dir(), "--listen",
                "/ip4/127.0.0.1/tcp/0", "--dht", "off")) {
            again.next("p2pkit daemon is ready");
            assertEquals("x", repo.ok("files", "read", "/f"), "what was written through the mount is in the repository");
        }
    }

    @Test
    void daemonStopsWhenItCannotMount(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home.resolve("repo"));
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(repo.dir(), "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "off", "--mount", "--mount-ipfs", home.resolve("absent").toString())) {
            assertTrue(d.process().waitFor(60, TimeUnit.SECONDS), "the daemon exits");
            assertEquals(1, d.process().exitValue());
            String err = Files.readString(d.stderr());
            assertTrue(err.contains("--mount") && err.contains("absent"), err);
        }
    }

    private static boolean mounted(Path dir) throws IOException {
        String target = dir.toAbsolutePath().toString();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(l -> l.split(" ")).anyMatch(f -> f.length > 2 && f[1].equals(target) && f[2].startsWith("fuse"));
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String xattr(Path p, String name) {
        XattrLibC libc = Native.load("c", XattrLibC.class);
        byte[] value = new byte[256];
        long n = libc.getxattr(p.toString(), name, value, value.length);
        assertTrue(n > 0, "getxattr " + name + " on " + p + ": " + n);
        return new String(value, 0, (int) n, StandardCharsets.UTF_8);
    }
}
