package io.p2pkit.node.fuse;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.mfs.MfsStat;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MFS mounted for real (as root, through mount(2)) over a repository in a temporary
 * directory, used through the JDK's file API and, for xattrs and rename flags, libc.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MfsFsTest {
    private static final byte[] BIG = new byte[5 << 20];

    static {
        for (int i = 0; i < BIG.length; i++) {
            BIG[i] = (byte) (i * 131 + (i >> 13));
        }
    }

    /** The libc calls the JDK has no API for. */
    interface Xattrs extends Library {
        Xattrs C = Native.load("c", Xattrs.class);
        int AT_FDCWD = -100;
        int RENAME_NOREPLACE = 1;

        long getxattr(String path, String name, byte[] value, long size) throws LastErrorException;

        long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

        long listxattr(String path, byte[] list, long size) throws LastErrorException;

        int rename(String from, String to) throws LastErrorException;

        int renameat2(int fromDir, String from, int toDir, String to, int flags) throws LastErrorException;
    }

    @TempDir
    Path dir;

    private Repository open(String name) throws IOException {
        Path root = dir.resolve(name);
        if (!Repository.isInitialized(root)) {
            Repository.init(root, RepoConfig.defaults());
        }
        return Repository.open(root, OpenOptions.of(Codecs.standard()));
    }

    private Path mountpoint() throws IOException {
        return Files.createDirectories(dir.resolve("mnt"));
    }

    private static FuseSession mount(MfsFs fs, Path mnt) throws IOException {
        return FuseSession.mount(fs, mnt, "mfs", false, false, false);
    }

    private static byte[] read(Mfs mfs, String path) throws IOException {
        try (InputStream in = mfs.read(path, 0, -1)) {
            return in.readAllBytes();
        }
    }

    private static Mfs.WriteOptions create() {
        return new Mfs.WriteOptions(0, -1, true, false, false, null, null);
    }

    private static String xattr(Path path, String name) {
        byte[] value = new byte[256];
        long n = Xattrs.C.getxattr(path.toString(), name, value, value.length);
        return new String(value, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void writesSmallAndLargeFilesAndReadsThemBackBothWays() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            AtomicInteger changes = new AtomicInteger();
            mfs.onWritten(cids -> changes.incrementAndGet());
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Files.writeString(mnt.resolve("hello.txt"), "hello mfs\n");
                int beforeBig = changes.get();
                Files.write(mnt.resolve("big.bin"), BIG);
                // created empty, then written once: not once per 128 KiB the kernel sends
                assertTrue(changes.get() - beforeBig <= 2, "MFS changes for a 5 MiB write: " + (changes.get() - beforeBig));

                assertEquals("hello mfs\n", Files.readString(mnt.resolve("hello.txt")));
                assertArrayEquals(BIG, Files.readAllBytes(mnt.resolve("big.bin")));
                assertEquals("hello mfs\n", new String(read(mfs, "/hello.txt"), StandardCharsets.UTF_8));
                assertArrayEquals(BIG, read(mfs, "/big.bin"));
                assertEquals(BIG.length, Files.size(mnt.resolve("big.bin")));
                assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("hello.txt"))));
                Files.createDirectory(mnt.resolve("sub"));
                assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("sub"))));
                try (Stream<Path> list = Files.list(mnt)) {
                    assertEquals(List.of("big.bin", "hello.txt", "sub"), list.map(p -> p.getFileName().toString()).sorted().toList());
                }
                assertTrue(Files.isDirectory(mnt.resolve("sub")));
                assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(mnt.resolve("missing")));
                assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(mnt.resolve("sub")));
                assertThrows(IOException.class, () -> Files.readAllBytes(mnt.resolve("sub")), "a directory read as a file");
            }
        }
    }

    @Test
    void theMountMakesTheSameDagAsFilesWrite() throws Exception {
        byte[] small = "the same bytes\n".getBytes(StandardCharsets.UTF_8);
        Cid viaMount;
        try (Repository repo = open("mounted")) {
            Mfs mfs = repo.mfs();
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Files.createDirectories(mnt.resolve("docs/deep"));
                Files.write(mnt.resolve("docs/small.txt"), small);
                Files.write(mnt.resolve("docs/deep/big.bin"), BIG);
                Files.write(mnt.resolve("top.txt"), small);
            }
            viaMount = mfs.root();
        }
        try (Repository repo = open("direct")) {
            Mfs mfs = repo.mfs();
            mfs.mkdir("/docs/deep", true, null);
            mfs.write("/docs/small.txt", new ByteArrayInputStream(small), create());
            mfs.write("/docs/deep/big.bin", new ByteArrayInputStream(BIG), create());
            mfs.write("/top.txt", new ByteArrayInputStream(small), create());
            assertEquals(mfs.root(), viaMount);
        }
    }

    @Test
    void renamesDeletesTruncatesAppendsAndWritesInTheMiddle() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Path a = Files.createDirectory(mnt.resolve("a"));
                Files.writeString(a.resolve("x.txt"), "0123456789");
                Files.move(a.resolve("x.txt"), a.resolve("y.txt"));
                assertFalse(Files.exists(a.resolve("x.txt")));
                Files.move(a, mnt.resolve("b"));
                Path y = mnt.resolve("b/y.txt");
                assertEquals("0123456789", Files.readString(y));
                assertEquals("0123456789", new String(read(mfs, "/b/y.txt"), StandardCharsets.UTF_8));
                assertThrows(Exception.class, () -> mfs.lookup("/a"));

                Files.writeString(y, "abc", StandardOpenOption.APPEND);
                assertEquals("0123456789abc", Files.readString(y));
                try (FileChannel ch = FileChannel.open(y, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap("XY".getBytes(StandardCharsets.UTF_8)), 4);
                    ch.write(ByteBuffer.wrap("Z".getBytes(StandardCharsets.UTF_8)), 0); // not after the first: both land
                    ch.truncate(8); // ftruncate on the open file
                }
                assertEquals("Z123XY67", Files.readString(y));
                try (FileChannel ch = FileChannel.open(y, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap("!".getBytes(StandardCharsets.UTF_8)), 11); // past the end: a gap of zeros
                }
                assertArrayEquals("Z123XY67\0\0\0!".getBytes(StandardCharsets.UTF_8), read(mfs, "/b/y.txt"));
                try (FileChannel ch = FileChannel.open(y, StandardOpenOption.WRITE)) {
                    ch.truncate(3);
                }
                assertEquals("Z12", Files.readString(y));
                Files.write(y, "new".getBytes(StandardCharsets.UTF_8)); // O_TRUNC then a write
                assertEquals("new", new String(read(mfs, "/b/y.txt"), StandardCharsets.UTF_8));

                // a large file cut and grown through truncate(2) without an open handle
                Path big = mnt.resolve("b/big.bin");
                Files.write(big, BIG);
                try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
                    ch.truncate(3_000_000);
                }
                assertArrayEquals(Arrays.copyOf(BIG, 3_000_000), read(mfs, "/b/big.bin"));
                assertEquals(3_000_000, Files.size(big));

                Files.delete(y);
                assertFalse(Files.exists(y));
                assertThrows(Exception.class, () -> mfs.lookup("/b/y.txt"));
                Files.delete(big);
                Files.delete(mnt.resolve("b"));
                try (Stream<Path> list = Files.list(mnt)) {
                    assertEquals(0, list.count());
                }
                assertEquals(0, mfs.list("/").size());
            }
        }
    }

    @Test
    void renameReplacesFilesAndRmdirRefusesADirectoryWithEntries() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Files.writeString(mnt.resolve("old.txt"), "old");
                Files.writeString(mnt.resolve("new.txt"), "new");
                Cid newCid = mfs.lookup("/new.txt");
                Xattrs.C.rename(mnt.resolve("new.txt").toString(), mnt.resolve("old.txt").toString());
                assertEquals("new", Files.readString(mnt.resolve("old.txt")));
                assertEquals(newCid, mfs.lookup("/old.txt"));
                assertFalse(Files.exists(mnt.resolve("new.txt")));

                Files.writeString(mnt.resolve("other.txt"), "other");
                LastErrorException exists = assertThrows(LastErrorException.class, () -> Xattrs.C.renameat2(Xattrs.AT_FDCWD,
                        mnt.resolve("other.txt").toString(), Xattrs.AT_FDCWD, mnt.resolve("old.txt").toString(),
                        Xattrs.RENAME_NOREPLACE));
                assertEquals(Errno.EEXIST, exists.getErrorCode());
                assertEquals("new", Files.readString(mnt.resolve("old.txt")), "RENAME_NOREPLACE left the target alone");

                Path full = Files.createDirectory(mnt.resolve("full"));
                Files.writeString(full.resolve("inside.txt"), "inside");
                assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(full));
                assertEquals("inside", new String(read(mfs, "/full/inside.txt"), StandardCharsets.UTF_8));

                Path empty = Files.createDirectory(mnt.resolve("empty"));
                LastErrorException isDir = assertThrows(LastErrorException.class,
                        () -> Xattrs.C.rename(mnt.resolve("other.txt").toString(), empty.toString()));
                assertEquals(Errno.EISDIR, isDir.getErrorCode());
                LastErrorException notEmpty = assertThrows(LastErrorException.class,
                        () -> Xattrs.C.rename(empty.toString(), full.toString()));
                assertEquals(Errno.ENOTEMPTY, notEmpty.getErrorCode());
                Xattrs.C.rename(full.toString(), empty.toString()); // a directory over an empty one
                assertEquals("inside", new String(read(mfs, "/empty/inside.txt"), StandardCharsets.UTF_8));
                assertFalse(Files.exists(full));
                LastErrorException intoItself = assertThrows(LastErrorException.class,
                        () -> Xattrs.C.rename(empty.toString(), empty.resolve("sub").toString()));
                assertEquals(Errno.EINVAL, intoItself.getErrorCode());
            }
        }
    }

    @Test
    void everyNodeHasItsCidAsTheIpfsCidXattr() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Files.createDirectory(mnt.resolve("d"));
                Files.writeString(mnt.resolve("d/hello.txt"), "hello\n");
                assertEquals(mfs.lookup("/d/hello.txt").toString(), xattr(mnt.resolve("d/hello.txt"), "ipfs.cid"));
                assertEquals("QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM", xattr(mnt.resolve("d/hello.txt"), "ipfs.cid"),
                        "Kubo's CID for `files write --create` of hello\\n");
                assertEquals(mfs.lookup("/d").toString(), xattr(mnt.resolve("d"), "ipfs.cid"));
                assertEquals(mfs.root().toString(), xattr(mnt, "ipfs.cid"));

                byte[] names = new byte[64];
                long n = Xattrs.C.listxattr(mnt.resolve("d/hello.txt").toString(), names, names.length);
                assertEquals("ipfs.cid\0", new String(names, 0, (int) n, StandardCharsets.UTF_8));
                LastErrorException none = assertThrows(LastErrorException.class,
                        () -> xattr(mnt.resolve("d/hello.txt"), "user.other"));
                assertEquals(Errno.ENODATA, none.getErrorCode());

                // written and still open: the xattr names the new content
                try (FileChannel ch = FileChannel.open(mnt.resolve("d/hello.txt"), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap("j".getBytes(StandardCharsets.UTF_8)), 0);
                    String cid = xattr(mnt.resolve("d/hello.txt"), "ipfs.cid"); // applies the buffered write first
                    assertEquals(mfs.lookup("/d/hello.txt").toString(), cid);
                    assertEquals("jello\n", new String(read(mfs, "/d/hello.txt"), StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void changesMadeThroughTheMfsApiShowInTheMount() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Files.writeString(mnt.resolve("f.txt"), "one");
                mfs.write("/rpc.txt", new ByteArrayInputStream("from rpc".getBytes(StandardCharsets.UTF_8)), create());
                mfs.chmod("/f.txt", 0600);
                mfs.touch("/f.txt", new Mtime(1_700_000_000L, 0));
                Await.until("the file files write made", () -> Files.exists(mnt.resolve("rpc.txt")), Duration.ofSeconds(10));
                assertEquals("from rpc", Files.readString(mnt.resolve("rpc.txt")));
                Await.until("the mode and mtime stored in the UnixFS node", () -> modeAndMtime(mnt.resolve("f.txt"))
                        .equals("rw------- 1700000000000"), Duration.ofSeconds(10));
                assertEquals("one", Files.readString(mnt.resolve("f.txt")));
            }
        }
    }

    @Test
    void showsASymlinkCopiedIntoTheMfs() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            byte[] node = PBNode.of(UnixfsData.symlink("hello.txt".getBytes(StandardCharsets.UTF_8)).encode()).encode();
            Cid link = Cid.v0(Multihash.digest(Multicodec.SHA2_256, node));
            repo.blocks().put(Block.of(link, node));
            mfs.write("/hello.txt", new ByteArrayInputStream("through the link".getBytes(StandardCharsets.UTF_8)), create());
            mfs.copy(link, "/link", false, false, null);
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                assertTrue(Files.isSymbolicLink(mnt.resolve("link")));
                assertEquals(Path.of("hello.txt"), Files.readSymbolicLink(mnt.resolve("link")));
                assertEquals("through the link", Files.readString(mnt.resolve("link")));
                byte[] value = new byte[64];
                long n = Xattrs.C.lgetxattr(mnt.resolve("link").toString(), "ipfs.cid", value, value.length);
                assertEquals(link.toString(), new String(value, 0, (int) n, StandardCharsets.UTF_8), "the link's own CID");
                assertEquals(mfs.lookup("/hello.txt").toString(), xattr(mnt.resolve("link"), "ipfs.cid"), "the target's");
                try (var entries = Files.newDirectoryStream(mnt)) {
                    List<String> kinds = new ArrayList<>();
                    entries.forEach(p -> kinds.add(p.getFileName() + (Files.isSymbolicLink(p) ? "@" : "")));
                    assertEquals(List.of("hello.txt", "link@"), kinds.stream().sorted().toList());
                }
                Files.delete(mnt.resolve("link"));
                assertEquals(List.of("hello.txt"), mfs.list("/").stream().map(e -> e.name()).toList());
            }
        }
    }

    private static String modeAndMtime(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " " + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void chmodAndTouchAreAcceptedAndStoredOnlyWhenTheMountStoresThem() throws Exception {
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            Path mnt = mountpoint();
            try (FuseSession session = mount(new MfsFs(mfs), mnt)) {
                Path f = mnt.resolve("f.txt");
                Files.writeString(f, "kept as is");
                Cid before = mfs.lookup("/f.txt");
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L));
                assertEquals(before, mfs.lookup("/f.txt"), "Kubo's default: mode and mtime not stored");
                assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            }
            MfsFs storing = new MfsFs(mfs, dir.resolve("spool"), repo.root(), true, true, 1 << 20);
            try (FuseSession session = mount(storing, mnt)) {
                Path f = mnt.resolve("f.txt");
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L));
                MfsStat s = mfs.stat(mfs.lookup("/f.txt"));
                assertEquals(0600, s.mode() & 07777);
                assertEquals(new Mtime(1_600_000_000L, 0), s.mtime());
                assertEquals("rw------- 1600000000000", modeAndMtime(f));
                Files.createDirectory(mnt.resolve("d"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                assertEquals(0700, mfs.stat(mfs.lookup("/d")).mode() & 07777);
                assertTrue(session.mountpoint().toFile().getTotalSpace() > 0, "df shows the repository's disk");
                // a write larger than the 1 MiB cap still arrives whole
                Files.write(mnt.resolve("d/big.bin"), BIG);
                assertArrayEquals(BIG, read(mfs, "/d/big.bin"));
                assertEquals(0600, mfs.stat(mfs.lookup("/f.txt")).mode() & 07777, "the mode survives a rewrite");
                try (Stream<Path> spooled = Files.list(dir.resolve("spool"))) {
                    assertEquals(0, spooled.count(), "closed files leave no spool behind");
                }
            }
        }
    }

    @Test
    void whatWasWrittenSurvivesUnmountAndReopening() throws Exception {
        Path mnt = mountpoint();
        List<String> names = new ArrayList<>();
        try (Repository repo = open("repo")) {
            try (FuseSession session = mount(new MfsFs(repo.mfs()), mnt)) {
                Files.createDirectory(mnt.resolve("kept"));
                Files.write(mnt.resolve("kept/big.bin"), BIG);
                Files.writeString(mnt.resolve("kept/note.txt"), "still here");
            }
            try (Stream<Path> list = Files.list(mnt)) {
                assertEquals(0, list.count(), "unmounted");
            }
        }
        try (Repository repo = open("repo")) {
            Mfs mfs = repo.mfs();
            mfs.list("/kept").forEach(e -> names.add(e.name()));
            assertEquals(List.of("big.bin", "note.txt"), names.stream().sorted().toList());
            assertArrayEquals(BIG, read(mfs, "/kept/big.bin"));
            assertEquals("still here", new String(read(mfs, "/kept/note.txt"), StandardCharsets.UTF_8));
            assertNull(mfs.stat(mfs.lookup("/kept/note.txt")).mtime());
        }
    }
}
