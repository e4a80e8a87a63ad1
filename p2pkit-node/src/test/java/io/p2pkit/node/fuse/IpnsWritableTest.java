package io.p2pkit.node.fuse;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.rpc.NameCommands;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's own {@code /ipns/<peer ID>} directory, mounted for real (as root, through mount(2)):
 * written through the mount, read back, kept in the repository and by garbage collection, and
 * published as the node's IPNS record, which a second node resolves through the DHT.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IpnsWritableTest {
    private static final byte[] HELLO = "hello from the ipns mount\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INNER = "inner\n".repeat(50_000).getBytes(StandardCharsets.UTF_8); // a multi-block file

    @TempDir
    Path dir;

    private Node start(boolean dht) throws IOException {
        Path repo = dir.resolve("repo");
        if (!Repository.isInitialized(repo)) {
            Repository.init(repo, RepoConfig.defaults());
        }
        NodeConfig.Builder b = NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").content(NodeConfig.Content.of(repo));
        if (dht) {
            b.dht(NodeConfig.Dht.of(Mode.SERVER));
        }
        return Node.start(b.build());
    }

    private FuseMounts.Mountpoints mountpoints() throws IOException {
        return new FuseMounts.Mountpoints(Files.createDirectories(dir.resolve("ipfs")).toString(),
                Files.createDirectories(dir.resolve("ipns")).toString(), Files.createDirectories(dir.resolve("mfs")).toString());
    }

    /** The own directory's root as the repository keeps it. */
    private static Optional<Cid> keptRoot(Node node) {
        try {
            return node.content().orElseThrow().repository().metadata().keptRoot(FuseMounts.ownTreeName(node));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String cidOf(Path p) throws IOException {
        byte[] value = new byte[128];
        long n = MfsFsTest.Xattrs.C.getxattr(p.toString(), MfsFs.CID_XATTR, value, value.length);
        return new String(value, 0, (int) n, StandardCharsets.UTF_8);
    }

    private static void assertReadOnly(String what, ThrowingCall call) {
        FileSystemException e = assertThrows(FileSystemException.class, call::run, what);
        assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), what + ": " + e);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws IOException;
    }

    @Test
    void withoutRoutingTheOwnDirectoryIsWrittenKeptAndSurvivesGcAndRemounting() throws Exception {
        try (Node node = start(false)) {
            FuseMounts.Mountpoints at = mountpoints();
            Path ipfs = Path.of(at.ipfs());
            Path own = Path.of(at.ipns()).resolve(node.peerId().toString());
            try {
                FuseMounts.mount(node, at, false, false);
                assertEquals(List.of(), listed(own), "no record yet: an empty directory");
                Files.write(own.resolve("hello.txt"), HELLO);
                Files.createDirectory(own.resolve("sub"));
                Files.write(own.resolve("sub").resolve("inner.txt"), INNER);
                assertArrayEquals(HELLO, Files.readAllBytes(own.resolve("hello.txt")));
                assertArrayEquals(INNER, Files.readAllBytes(own.resolve("sub/inner.txt")));
                assertArrayEquals(HELLO, Files.readAllBytes(Path.of(at.ipns()).resolve("local/hello.txt")),
                        "local leads to the same directory");
                assertEquals(List.of("hello.txt", "sub"), listed(own));

                // outside the own directory the mount stays read-only
                Path ipns = Path.of(at.ipns());
                assertReadOnly("a file in the root", () -> Files.write(ipns.resolve("new.txt"), HELLO));
                assertReadOnly("a directory in the root", () -> Files.createDirectory(ipns.resolve("newdir")));
                assertReadOnly("a move out of the own directory", () -> Files.move(own.resolve("hello.txt"),
                        ipns.resolve("moved.txt")));
                assertReadOnly("removing the own directory", () -> Files.delete(own));
                assertArrayEquals(HELLO, Files.readAllBytes(own.resolve("hello.txt")), "a refused move loses nothing");

                // nothing routes: the root is kept in the repository, and /ipfs shows it
                String root = cidOf(own);
                Await.until("the repository keeps the own directory's root " + root,
                        () -> keptRoot(node).map(Cid::toString).orElse("").equals(root), Duration.ofSeconds(10));
                assertArrayEquals(INNER, Files.readAllBytes(ipfs.resolve(root + "/sub/inner.txt")));

                // garbage collection keeps the tree
                List<String> cids = List.of(root, cidOf(own.resolve("hello.txt")), cidOf(own.resolve("sub")),
                        cidOf(own.resolve("sub/inner.txt")));
                Repository repo = node.content().orElseThrow().repository();
                repo.gc(List.of());
                for (String c : cids) {
                    assertTrue(repo.blocks().local().has(Cid.parse(c).multihash()), c + " survives repo gc");
                }
            } finally {
                FuseMounts.unmount(node);
            }

            // mounted again: the directory starts from the kept root
            try {
                FuseMounts.mount(node, at, false, false);
                assertArrayEquals(INNER, Files.readAllBytes(own.resolve("sub/inner.txt")));
                Files.delete(own.resolve("hello.txt"));
                assertEquals(List.of("sub"), listed(own));
            } finally {
                FuseMounts.unmount(node);
            }
        }
    }

    @Test
    void theOwnDirectoryIsPublishedAndASecondNodeResolvesIt() throws Exception {
        try (Node a = start(true);
             Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER)).build())) {
            a.host().connect(b.addresses().getFirst().toString().contains("/p2p/") ? b.addresses().getFirst()
                    : Multiaddr.parse(b.addresses().getFirst() + "/p2p/" + b.peerId()));
            Await.until("b is in a's routing table", () -> a.dht().orElseThrow().routingTable().size() > 0
                    && b.dht().orElseThrow().routingTable().size() > 0, Duration.ofSeconds(10));
            FuseMounts.Mountpoints at = mountpoints();
            Path own = Path.of(at.ipns()).resolve(a.peerId().toString());
            String name = "/ipns/" + a.peerId();
            try {
                FuseMounts.mount(a, at, false, false);
                Files.createDirectories(own.resolve("docs"));
                Files.write(own.resolve("docs/hello.txt"), HELLO);
                String root = cidOf(own);
                Await.until("a's name resolves to " + root + " on both nodes",
                        () -> resolves(a, name).equals("/ipfs/" + root) && lookedUp(b, a, name).equals("/ipfs/" + root),
                        Duration.ofSeconds(30));
                assertArrayEquals(HELLO, Files.readAllBytes(Path.of(at.ipfs()).resolve(root + "/docs/hello.txt")));

                // a change still pending at unmount is published then
                Files.write(own.resolve("last.txt"), INNER);
                String last = cidOf(own);
                FuseMounts.unmount(a);
                assertEquals("/ipfs/" + last, NameCommands.resolveName(a, Duration.ZERO, name, true, false));
                Await.until("b resolves the last root", () -> lookedUp(b, a, name).equals("/ipfs/" + last),
                        Duration.ofSeconds(30));
            } finally {
                FuseMounts.unmount(a);
            }
        }
    }

    /** What the name resolves to on the node, through {@code name/resolve}'s code; empty when it does not. */
    private static String resolves(Node node, String name) {
        try {
            return NameCommands.resolveName(node, Duration.ZERO, name, true, false);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The same, {@code name} (of {@code owner}) looked up afresh: {@code node} keeps what it resolved
     * for the record's TTL, as Kubo does, and would not see a newer value before then.
     */
    private static String lookedUp(Node node, Node owner, String name) {
        node.nameCache().invalidate(io.p2pkit.node.names.NameCache.key(owner.peerId()));
        return resolves(node, name);
    }

    private static List<String> listed(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
