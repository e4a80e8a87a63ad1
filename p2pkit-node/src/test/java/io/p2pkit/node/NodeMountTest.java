package io.p2pkit.node;

import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Node#mount} and {@link Node#unmount} as a library user calls them (root and FUSE, as in CI). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeMountTest {
    @Test
    void mountsReadsWritesAndUnmounts(@TempDir Path dir) throws IOException {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        Path ipfs = Files.createDirectory(dir.resolve("ipfs"));
        Path ipns = Files.createDirectory(dir.resolve("ipns"));
        Path mfs = Files.createDirectory(dir.resolve("mfs"));
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(repo)).build())) {
            Mfs tree = node.content().orElseThrow().repository().mfs();
            tree.write("/hello.txt", new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)),
                    new Mfs.WriteOptions(0, -1, true, true, false, null, null));
            String cid = tree.lookup("/hello.txt").toString();

            node.mount(ipfs, ipns, mfs, false);
            assertEquals("hello\n", Files.readString(mfs.resolve("hello.txt")));
            assertEquals("hello\n", Files.readString(ipfs.resolve(cid)));
            Files.writeString(mfs.resolve("new.txt"), "from the mount\n");
            assertEquals(Files.readString(mfs.resolve("new.txt")), new String(
                    tree.read("/new.txt", 0, -1).readAllBytes(), StandardCharsets.UTF_8));

            assertTrue(node.unmount());
            assertFalse(node.unmount(), "nothing left to unmount");
            assertTrue(empty(mfs) && empty(ipfs), "the directories are plain empty directories again");
            node.mount(ipfs, ipns, mfs, false); // left mounted: the node's close unmounts
            assertTrue(Files.exists(mfs.resolve("new.txt")));
        }
        assertTrue(empty(mfs), "closing the node unmounted");
    }

    private static boolean empty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
