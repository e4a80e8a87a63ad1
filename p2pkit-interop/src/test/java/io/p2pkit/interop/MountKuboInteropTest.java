package io.p2pkit.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mount} against Kubo 0.39's: Kubo's daemon mounts with its own {@code ipfs mount}, and
 * Kubo's {@code ipfs --api} asks p2pkit's daemon the same. The same tree added to both (small,
 * multi-block, empty and HAMT-sharded directories, a symbolic link) reads the same through both
 * {@code /ipfs} mounts: names, kinds, sizes, permissions, links and bytes. Both {@code /ipns}
 * roots show the node's own directory and its {@code local} link, and the same writes into both
 * own directories read the same. The same writes through both
 * {@code /mfs} mounts (new files, a multi-block file, a directory, a rename, an append) read the
 * same back, and {@code files} on each side sees its mount's writes and the reverse. The MFS root
 * CIDs are not compared: Kubo 0.39 stores each write's time as the file's mtime.
 */
@InteropArea("FUSE mounts (mount) against Kubo 0.39")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MountKuboInteropTest {
    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static Path kuboMounts;
    private static Path ourMounts;

    @BeforeAll
    static void start() throws IOException {
        pair = KuboBeside.start(dir, "none", b -> b);
        kuboMounts = mountpoints(dir.resolve("kubo"));
        ourMounts = mountpoints(dir.resolve("p2pkit"));
    }

    private static Path mountpoints(Path base) throws IOException {
        for (String name : List.of("ipfs", "ipns", "mfs")) {
            Files.createDirectories(base.resolve(name));
        }
        return base;
    }

    private static List<String> mountArgs(Path base) {
        return List.of("mount", "-f", base.resolve("ipfs").toString(), "-n", base.resolve("ipns").toString(),
                "-m", base.resolve("mfs").toString());
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        try {
            if (pair != null) {
                pair.close();
            }
        } finally {
            // a mount left by a failed daemon would make the temporary directory undeletable
            for (Path base : new Path[] {kuboMounts, ourMounts}) {
                for (String name : List.of("ipfs", "ipns", "mfs")) {
                    if (base != null) {
                        new ProcessBuilder("fusermount3", "-u", "-z", base.resolve(name).toString())
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start().waitFor(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    @Test
    @Order(1)
    void mountsAndSaysWhereAsKubo() throws IOException {
        String kubo = pair.kubo().cli().run(mountArgs(kuboMounts));
        String ours = pair.client().run(pair.withApi(mountArgs(ourMounts)));
        assertEquals(kubo.replace(kuboMounts.toString(), "BASE"), ours.replace(ourMounts.toString(), "BASE"));
        assertEquals("IPFS mounted at: BASE/ipfs\nIPNS mounted at: BASE/ipns\nMFS mounted at: BASE/mfs\n",
                ours.replace(ourMounts.toString(), "BASE"));
    }

    @Test
    @Order(2)
    void ipfsShowsTheSameTree() throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("nested/deeper"));
        Files.createDirectories(src.resolve("empty"));
        SplittableRandom random = new SplittableRandom(11);
        write(src.resolve("small.txt"), 12, random);
        write(src.resolve("empty.bin"), 0, random);
        write(src.resolve("nested/multi.bin"), 3 * 262_144 + 17, random);
        write(src.resolve("nested/deeper/one.bin"), 1, random);
        write(src.resolve("nested/naïve name.txt"), 300, random);
        Files.createSymbolicLink(src.resolve("link"), Path.of("nested/multi.bin"));
        Path sharded = Files.createDirectories(src.resolve("sharded"));
        for (int i = 0; i < 2100; i++) {
            Files.writeString(sharded.resolve(String.format("%04d-", i) + "x".repeat(95)), Integer.toString(i));
        }
        String root = pair.added(List.of("add", "-r", "-Q", src.toString()));
        List<String> kubo = walk(kuboMounts.resolve("ipfs").resolve(root));
        List<String> ours = walk(ourMounts.resolve("ipfs").resolve(root));
        assertEquals(2100 + 11, ours.size(), "every node of the tree");
        assertEquals(kubo, ours);
        assertThrows(IOException.class, () -> list(kuboMounts.resolve("ipfs")), "Kubo's root is not listed");
        assertThrows(IOException.class, () -> list(ourMounts.resolve("ipfs")), "nor p2pkit's");
    }

    @Test
    @Order(3)
    void ipnsShowsTheNodesOwnName() throws IOException {
        Path kubo = kuboMounts.resolve("ipns");
        Path ours = ourMounts.resolve("ipns");
        String kuboId = pair.kubo().cli().run(List.of("id", "-f", "<id>")).strip();
        String ourId = pair.node().peerId().toString();
        assertEquals(List.of(kuboId, "local").stream().sorted().toList(), list(kubo));
        assertEquals(List.of(ourId, "local").stream().sorted().toList(), list(ours));
        assertEquals(Path.of(kuboId), Files.readSymbolicLink(kubo.resolve("local")));
        assertEquals(Path.of(ourId), Files.readSymbolicLink(ours.resolve("local")));
        assertEquals(perms(kubo.resolve("local")), perms(ours.resolve("local")));
        // both own directories are writable; Kubo shows r-xr-xr-x anyway, p2pkit rwxr-xr-x, which
        // the kernel's default_permissions needs to let a daemon not running as root write there
        assertEquals("r-xr-xr-x", perms(kubo.resolve(kuboId)));
        assertEquals("rwxr-xr-x", perms(ours.resolve(ourId)));
        byte[] small = "written through the ipns mount\n".getBytes(StandardCharsets.UTF_8);
        for (Path own : List.of(kubo.resolve(kuboId), ours.resolve(ourId))) {
            Files.createDirectories(own.resolve("docs"));
            Files.write(own.resolve("docs/note.txt"), small);
        }
        // Kubo shows 0666 files and 0555 directories there; p2pkit the /mfs mount's 0644 and 0755
        assertEquals(withoutModes(walk(kubo.resolve(kuboId))), withoutModes(walk(ours.resolve(ourId))));
        assertEquals(List.of(" dir rwxr-xr-x", "docs dir rwxr-xr-x", "docs/note.txt file " + small.length + " rw-r--r-- "
                + sha256(small)), walk(ours.resolve(ourId)));
    }

    /** {@link #walk}'s lines without the permissions. */
    private static List<String> withoutModes(List<String> walked) {
        return walked.stream().map(line -> line.replaceAll(" [r-][w-][x-][r-][w-][x-][r-][w-][x-]", "")).toList();
    }

    @Test
    @Order(4)
    void mfsWritesReadTheSameOnBoth() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        byte[] big = new byte[2 * 1024 * 1024 + 4099];
        random.nextBytes(big);
        byte[] small = "written through FUSE\n".getBytes(StandardCharsets.UTF_8);
        for (Path mfs : List.of(kuboMounts.resolve("mfs"), ourMounts.resolve("mfs"))) {
            Files.write(mfs.resolve("small.txt"), small);
            Files.createDirectories(mfs.resolve("docs/inner"));
            Files.write(mfs.resolve("docs/inner/big.bin"), big);
            Files.write(mfs.resolve("docs/old-name.txt"), small);
            Files.move(mfs.resolve("docs/old-name.txt"), mfs.resolve("docs/new-name.txt"));
            Files.writeString(mfs.resolve("small.txt"), "appended\n", StandardOpenOption.APPEND);
        }
        assertEquals(walk(kuboMounts.resolve("mfs")), walk(ourMounts.resolve("mfs")));
        // each side's 'files' sees what its mount wrote
        List<String> read = List.of("files", "read", "/small.txt");
        assertEquals("written through FUSE\nappended\n", pair.kubo().cli().run(read));
        assertEquals("written through FUSE\nappended\n", pair.client().run(pair.withApi(read)));
        // Kubo 0.39 stores the time of each write as the file's mtime (so its CIDs change from run to
        // run); p2pkit writes what 'files write' writes
        Path copy = dir.resolve("big.bin");
        Files.write(copy, big);
        pair.client().run(pair.withApi(List.of("files", "write", "--create", "/same.bin", copy.toString())));
        List<String> stat = List.of("files", "stat", "--hash");
        assertEquals(pair.client().run(pair.withApi(concat(stat, "/same.bin"))),
                pair.client().run(pair.withApi(concat(stat, "/docs/inner/big.bin"))));
        // and 'files write' on either side shows in its mount
        pair.kubo().cli().run(List.of("files", "write", "--create", "/from-cli.bin", copy.toString()));
        pair.client().run(pair.withApi(List.of("files", "write", "--create", "/from-cli.bin", copy.toString())));
        for (Path mfs : List.of(kuboMounts.resolve("mfs"), ourMounts.resolve("mfs"))) {
            io.p2pkit.testing.Await.until("from-cli.bin in " + mfs, () -> Files.exists(mfs.resolve("from-cli.bin")),
                    java.time.Duration.ofSeconds(10));
            assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(mfs.resolve("from-cli.bin"))), mfs.toString());
        }
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> all = new ArrayList<>(a);
        all.add(b);
        return all;
    }

    /** One line per node under {@code top}: path, kind, size, permissions, and the link's target or the bytes' SHA-256. */
    private static List<String> walk(Path top) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.sorted().toList()) {
                String rel = top.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.add(rel + " link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(rel + " dir " + perms(p));
                } else {
                    out.add(rel + " file " + Files.size(p) + " " + perms(p) + " " + sha256(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // a directory that opens but cannot be read (Kubo's /ipfs root)
        }
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).permissions());
    }

    private static void write(Path p, int size, SplittableRandom random) throws IOException {
        byte[] b = new byte[size];
        random.nextBytes(b);
        Files.write(p, b);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
