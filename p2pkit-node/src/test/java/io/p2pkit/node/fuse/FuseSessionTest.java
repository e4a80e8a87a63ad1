package io.p2pkit.node.fuse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FUSE protocol against the kernel: a small read-only file system mounted for real (mount(2)
 * as root, and through fusermount3), read through the JDK's file API, then unmounted. CI runs as
 * root with the fuse3 package installed; elsewhere these fail with the reason.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuseSessionTest {
    private static final byte[] BIG = new byte[1 << 20];

    static {
        for (int i = 0; i < BIG.length; i++) {
            BIG[i] = (byte) (i * 31 + (i >> 11));
        }
    }

    /** Two files, a link and a directory, fixed in memory. */
    private static final class FixedFs implements MountedFs {
        private final Map<String, byte[]> files = Map.of("/hello.txt", "hello fuse\n".getBytes(StandardCharsets.UTF_8),
                "/dir/big.bin", BIG);

        @Override
        public Duration cacheTime() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Object rootRef() {
            return "/";
        }

        @Override
        public FsAttr attr(String path, Object ref) throws IOException {
            if (path.equals("/") || path.equals("/dir")) {
                return FsAttr.directory(0555);
            }
            if (path.equals("/link")) {
                return new FsAttr(FsAttr.Kind.SYMLINK, 0777, 9, 0, 0);
            }
            byte[] content = files.get(path);
            if (content == null) {
                throw FsError.notFound(path);
            }
            return FsAttr.file(0444, content.length).withMtime(1_700_000_000L, 5);
        }

        @Override
        public Found lookup(String parent, Object parentRef, String name) throws IOException {
            String path = parent.equals("/") ? "/" + name : parent + "/" + name;
            return new Found(path, attr(path, path));
        }

        @Override
        public List<Entry> list(String path, Object ref) throws IOException {
            return switch (path) {
                case "/" -> List.of(new Entry("hello.txt", FsAttr.Kind.FILE), new Entry("dir", FsAttr.Kind.DIRECTORY),
                        new Entry("link", FsAttr.Kind.SYMLINK));
                case "/dir" -> List.of(new Entry("big.bin", FsAttr.Kind.FILE));
                default -> throw new FsError(Errno.ENOTDIR, path);
            };
        }

        @Override
        public String readlink(String path, Object ref) {
            return "hello.txt";
        }

        @Override
        public FsHandle open(String path, Object ref, boolean write, boolean truncate) {
            byte[] content = files.get(path);
            return (offset, into, length) -> {
                if (offset >= content.length) {
                    return 0;
                }
                int n = (int) Math.min(length, content.length - offset);
                System.arraycopy(content, (int) offset, into, 0, n);
                return n;
            };
        }

        @Override
        public Optional<byte[]> xattr(String path, Object ref, String name) {
            return name.equals("user.ipfs.cid") ? Optional.of(path.getBytes(StandardCharsets.UTF_8)) : Optional.empty();
        }

        @Override
        public List<String> xattrNames(String path, Object ref) {
            return List.of("user.ipfs.cid");
        }
    }

    @Test
    void servesFilesDirectoriesAndLinksThroughMount2(@TempDir Path dir) throws IOException {
        exercise(dir, false);
    }

    @Test
    void servesThroughFusermount3(@TempDir Path dir) throws IOException {
        exercise(dir, true);
    }

    private static void exercise(Path dir, boolean viaHelper) throws IOException {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (FuseSession session = FuseSession.mount(new FixedFs(), mnt, "p2pkit-test", true, false, viaHelper)) {
            assertEquals("hello fuse\n", Files.readString(mnt.resolve("hello.txt")));
            assertArrayEquals(BIG, Files.readAllBytes(mnt.resolve("dir/big.bin")));
            try (Stream<Path> list = Files.list(mnt)) {
                assertEquals(List.of("dir", "hello.txt", "link"),
                        list.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertTrue(Files.isSymbolicLink(mnt.resolve("link")));
            assertEquals(Path.of("hello.txt"), Files.readSymbolicLink(mnt.resolve("link")));
            assertEquals("hello fuse\n", Files.readString(mnt.resolve("link")));
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("hello.txt"))));
            assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(mnt.resolve("hello.txt")).toMillis());
            assertEquals(BIG.length, Files.size(mnt.resolve("dir/big.bin")));
            assertFalse(Files.exists(mnt.resolve("missing")));
            var view = Files.getFileAttributeView(mnt.resolve("hello.txt"),
                    java.nio.file.attribute.UserDefinedFileAttributeView.class);
            assertEquals(List.of("ipfs.cid"), view.list());
            assertThrows(IOException.class, () -> Files.writeString(mnt.resolve("new.txt"), "no"));
        }
        try (Stream<Path> list = Files.list(mnt)) {
            assertEquals(0, list.count(), "unmounted: the directory is empty again");
        }
    }
}
