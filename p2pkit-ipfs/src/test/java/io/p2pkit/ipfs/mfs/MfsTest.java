package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.GcResult;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.DirectoryWriter;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MFS against CIDs Kubo 0.39 gave for the same operations ({@code ipfs files …} on a fresh
 * repository, offline), and its persistence and GC protection in a repository.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MfsTest {
    @TempDir
    Path dir;

    private Repository open() throws Exception {
        if (!Repository.isInitialized(dir)) {
            Repository.init(dir, RepoConfig.defaults());
        }
        return Repository.open(dir, OpenOptions.of(Codecs.standard()));
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Mfs.WriteOptions create() {
        return new Mfs.WriteOptions(0, -1, true, false, false, null, null);
    }

    private static String read(Mfs mfs, String path) throws Exception {
        try (InputStream in = mfs.read(path, 0, -1)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theSameCidsAsKubo() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            assertEquals("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", mfs.root().toString());
            mfs.write("/a.txt", text("hello\n"), create());
            assertEquals("QmcFUHo1DBpydnTSeuXszKgQqnXQCJq6Wu1BUdzEfuRahM", mfs.lookup("/a.txt").toString());
            assertEquals("QmWYiJ6bF3PsMrsfBAtZP6hVx6XMRmSiUdvSKyT7RsAHBs", mfs.root().toString());
            MfsStat root = mfs.stat(mfs.root());
            assertEquals(115, root.cumulativeSize());
            assertEquals(1, root.blocks());
            assertTrue(root.directory());
            mfs.mkdir("/d/e/f", true, null);
            assertEquals("QmVP3MeS662j4xzvtPnu8CgFY8pTqdSUaWoUES2e4C3UTe", mfs.root().toString());
            byte[] big = new byte[300_000];
            Arrays.fill(big, (byte) 'x');
            mfs.write("/d/big", new ByteArrayInputStream(big), new Mfs.WriteOptions(0, -1, true, false, false, null,
                    CidPrefix.of(1, null)));
            assertEquals("bafybeiczojrotetz36tnisrtel54lpisc6ga37siyi7lad7oaev2ht2pqq", mfs.lookup("/d/big").toString());
            assertEquals("QmahfBV3jqQKfbNabiVjnAAoqE1VztUzXQAFarJUorQQAW", mfs.root().toString());
            assertEquals(List.of("big", "e"), mfs.list("/d", false).stream().map(MfsEntry::name).toList());
            MfsEntry d = mfs.list("/").get(1);
            assertEquals(new MfsEntry("d", true, 0, Cid.parse("QmPYgRnQ33g3NhBQ82GZW2DH4gLJP39uQTejfaGTVnFHYy")), d);
        }
    }

    @Test
    void writesAtAnOffsetTruncateAndCount() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.write("/f", text("hello\n"), create());
            mfs.write("/f", text("world\n"), new Mfs.WriteOptions(3, -1, false, false, false, null, null));
            assertEquals("helworld\n", read(mfs, "/f"));
            assertEquals("QmavmGgEGsYzjYqadKqHkPXLFVg1Cm2eQmfCCfEW1gJQVW", mfs.lookup("/f").toString()); // Kubo's in-place write
            mfs.write("/f", text("ab"), new Mfs.WriteOptions(12, -1, false, false, false, null, null));
            assertEquals("helworld\n\0\0\0ab", read(mfs, "/f"));
            mfs.write("/f", text("xyz"), new Mfs.WriteOptions(0, 2, false, true, false, null, null));
            assertEquals("xy", read(mfs, "/f"));
            try (InputStream in = mfs.read("/f", 1, 5)) {
                assertEquals("y", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            MfsException past = assertThrows(MfsException.class, () -> mfs.read("/f", 3, -1));
            assertEquals("offset was past end of file (3 > 2)", past.getMessage());
            byte[] big = new byte[3 << 20]; // over the 2 MiB write buffer: spooled, the file rewritten whole
            new java.util.Random(7).nextBytes(big);
            mfs.write("/big", new ByteArrayInputStream(big), create());
            mfs.write("/big", text("XY"), new Mfs.WriteOptions(5, -1, false, false, false, null, null));
            mfs.write("/big", new ByteArrayInputStream(big), new Mfs.WriteOptions(1 << 20, -1, false, false, false, null, null));
            byte[] expected = Arrays.copyOf(big, (1 << 20) + big.length);
            System.arraycopy(big, 0, expected, 1 << 20, big.length);
            expected[5] = 'X';
            expected[6] = 'Y';
            try (InputStream in = mfs.read("/big", 0, -1)) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            mfs.write("/sparse", text("end"), new Mfs.WriteOptions(5_000_000, -1, true, false, false, null, null));
            assertEquals(5_000_003, mfs.stat(mfs.lookup("/sparse")).size());
            mfs.write("/empty", text(""), create());
            assertEquals("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", mfs.lookup("/empty").toString());
        }
    }

    @Test
    void eachChangeTellsTheBlocksItWrote() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            List<List<Cid>> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            mfs.onWritten(heard::add);
            mfs.write("/a.txt", text("hello\n"), create());
            assertEquals(1, heard.size());
            Cid file = mfs.lookup("/a.txt");
            Cid leaf = PBNode.decode(repo.blocks().get(file).orElseThrow().data()).links().get(0).hash();
            assertTrue(heard.get(0).containsAll(List.of(mfs.root(), file, leaf)), heard.toString());
            assertThrows(MfsException.class, () -> mfs.mkdir("/a.txt/b", true, null)); // fails midway: nothing told
            mfs.mkdir("/", true, null); // nothing changes: nothing to tell
            mfs.mkdir("/d", false, null);
            assertEquals(2, heard.size());
            assertTrue(heard.get(1).contains(mfs.root()));
            assertFalse(heard.get(1).contains(leaf), "what an earlier or a failed change wrote is not told again");
        }
    }

    @Test
    void kubosErrors() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.write("/f", text("x"), create());
            assertEquals("file does not exist", assertThrows(MfsException.class, () -> mfs.lookup("/nope")).getMessage());
            assertEquals("file does not exist", assertThrows(MfsException.class,
                    () -> mfs.write("/g", text("x"), new Mfs.WriteOptions(0, -1, false, false, false, null, null))).getMessage());
            assertEquals("file does not exist", assertThrows(MfsException.class, () -> mfs.mkdir("/a/b", false, null)).getMessage());
            assertEquals("file already exists", assertThrows(MfsException.class, () -> mfs.mkdir("/f", false, null)).getMessage());
            mfs.mkdir("/dir", false, null);
            assertEquals("path is a directory, use -r to remove directories",
                    assertThrows(MfsException.class, () -> mfs.remove("/dir", false, false)).getMessage());
            assertEquals("cannot delete root", assertThrows(MfsException.class, () -> mfs.remove("/", true, true)).getMessage());
            assertEquals("paths must start with a leading slash", assertThrows(MfsException.class, () -> mfs.lookup("x")).getMessage());
            assertEquals("/dir was not a file", assertThrows(MfsException.class, () -> mfs.read("/dir", 0, -1)).getMessage());
            assertEquals("can only update directories", assertThrows(MfsException.class,
                    () -> mfs.changeCid("/f", CidPrefix.of(1, null))).getMessage());
            mfs.remove("/missing/deeper", false, true); // --force: a missing path is fine
        }
    }

    @Test
    void copyMoveRemoveAndChangeCid() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            Cid added = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(repo.blocks()))
                    .importStream(text("added\n"), "").root();
            mfs.copy(added, "/x/y/added", true, false, null);
            assertEquals(added, mfs.lookup("/x/y/added"));
            assertEquals("cp: cannot put node in path /x/y/added: directory already has entry by that name",
                    assertThrows(MfsException.class, () -> mfs.copy(added, "/x/y/added", false, false, null)).getMessage());
            mfs.copy(mfs.lookup("/x"), "/x2", false, false, null);
            mfs.move("/x/y/added", "/x2/moved");
            assertEquals("added\n", read(mfs, "/x2/moved"));
            assertThrows(MfsException.class, () -> mfs.lookup("/x/y/added"));
            mfs.mkdir("/into", false, null);
            mfs.move("/x2/moved", "/into");            // a directory destination: moved into it
            assertEquals("added\n", read(mfs, "/into/moved"));
            mfs.remove("/x", true, false);
            assertEquals(List.of("into", "x2"), mfs.list("/", false).stream().map(MfsEntry::name).toList());
            mfs.changeCid("/", CidPrefix.of(1, null));
            assertEquals(1, mfs.root().version());
            mfs.mkdir("/v1child", false, null);        // inherits the parent's prefix
            assertEquals(1, mfs.lookup("/v1child").version());
        }
    }

    @Test
    void aLargeDirectoryBecomesAHamtAndShrinksBack() throws Exception {
        MemoryBlockstore blocks = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        AtomicReference<Cid> saved = new AtomicReference<>();
        Mfs.RootStore store = new Mfs.RootStore() {
            @Override
            public Optional<Cid> load() {
                return Optional.ofNullable(saved.get());
            }

            @Override
            public void save(Cid root) {
                saved.set(root);
            }
        };
        ImportOptions profile = ImportOptions.builder().hamtThreshold(1000).build();
        Mfs mfs = Mfs.open(blocks, blocks, new GcLock(), store, profile, dir);
        Cid file = new Importer(profile, BlockSink.of(blocks)).importStream(text("f"), "").root();
        mfs.mkdir("/d", false, null);
        List<DirectoryWriter.Link> links = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            mfs.copy(file, "/d/name-" + i, false, false, null);
            links.add(new DirectoryWriter.Link("name-" + i, file, mfs.stat(file).cumulativeSize()));
        }
        Cid sharded = mfs.lookup("/d");
        assertEquals(DataType.HAMT_SHARD, unixfsType(blocks, sharded));
        // the same directory the importer writes for these entries
        assertEquals(DirectoryWriter.write(profile, BlockSink.NONE, links, null, null).cid(), sharded);
        assertEquals(40, mfs.list("/d", false).size());
        assertEquals(saved.get(), mfs.root());
        for (int i = 0; i < 35; i++) {
            mfs.remove("/d/name-" + i, false, false);
        }
        assertEquals(DataType.DIRECTORY, unixfsType(blocks, mfs.lookup("/d")));
        assertEquals(5, mfs.list("/d").size());
    }

    private static DataType unixfsType(MemoryBlockstore blocks, Cid cid) throws Exception {
        return UnixfsData.decode(PBNode.decode(blocks.get(cid).orElseThrow().data()).data()).type();
    }

    @Test
    void theRootSurvivesARestartAndGcKeepsTheTree() throws Exception {
        Cid root;
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            mfs.write("/kept/file", text("kept\n"), new Mfs.WriteOptions(0, -1, true, false, true, null, null));
            root = mfs.root();
        }
        try (Repository repo = open()) {
            assertEquals(root, repo.mfs().root());
            Cid file = repo.mfs().lookup("/kept/file");
            repo.gc(List.of()); // takes the roots of earlier states, keeps the tree
            assertEquals("kept\n", read(repo.mfs(), "/kept/file"));
            assertTrue(repo.blocks().local().has(file.multihash()));
            repo.mfs().remove("/kept", true, false);
            GcResult gc = repo.gc(List.of());
            assertTrue(gc.removed() > 0);
            assertFalse(repo.blocks().local().has(file.multihash()));
        }
    }

    @Test
    void gcRunningBesideChangesKeepsEveryFile() throws Exception {
        try (Repository repo = open()) {
            Mfs mfs = repo.mfs();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger collections = new java.util.concurrent.atomic.AtomicInteger();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread gc = Thread.ofVirtual().start(() -> {
                try {
                    while (!done.get() || collections.get() == 0) {
                        repo.gc(List.of());
                        collections.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            for (int i = 0; i < 40; i++) {
                mfs.write("/g/" + (i % 5) + "/f" + i, text("file " + i), new Mfs.WriteOptions(0, -1, true, false, true, null, null));
            }
            done.set(true);
            gc.join();
            assertEquals(null, failed.get());
            repo.gc(List.of());
            for (int i = 0; i < 40; i++) {
                assertEquals("file " + i, read(mfs, "/g/" + (i % 5) + "/f" + i));
            }
        }
    }
}
