package io.p2pkit.ipfs.filestore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.testing.TestDag;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.ImportResult;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FilestoreTest {
    private static final int CHUNK = 256 * 1024;

    @TempDir
    Path home;
    private Path repoDir;
    private final SplittableRandom random = new SplittableRandom(7);

    @BeforeEach
    void init() throws IOException {
        repoDir = home.resolve(".p2pkit");
        Repository.init(repoDir, RepoConfig.defaults().with(Repository.FILESTORE_ENABLED, "true"));
    }

    private Repository open() throws IOException {
        return Repository.open(repoDir, OpenOptions.of(Codecs.standard()));
    }

    private Path file(String name, int size) throws IOException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        Path p = home.resolve("data").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return p;
    }

    private static ImportOptions rawLeaves() {
        return ImportOptions.UNIXFS_V0_2015.toBuilder().rawLeaves(true).build();
    }

    private static ImportResult nocopyAdd(Repository repo, Path file) throws IOException {
        Filestore fs = repo.filestore().orElseThrow();
        return new Importer(rawLeaves(), fs.sink(BlockSink.of(repo.blocks()))).nocopy().importPath(file);
    }

    private static byte[] cat(Repository repo, Cid root) throws IOException {
        try (InputStream in = new Exporter(repo.blocks()).read(root)) {
            return in.readAllBytes();
        }
    }

    @Test
    void offByDefault() throws IOException {
        Path other = home.resolve("other");
        Repository.init(other, RepoConfig.defaults());
        try (Repository repo = Repository.open(other, OpenOptions.of(TestDag.LINKS))) {
            assertTrue(repo.filestore().isEmpty());
        }
    }

    @Test
    void referenceStorePutGetDeleteSurvivesReopening() throws IOException {
        Path f = file("small.bin", 5000);
        byte[] data = Files.readAllBytes(f);
        Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
        try (Repository repo = open()) {
            Filestore fs = repo.filestore().orElseThrow();
            assertEquals(repoDir.getParent().toAbsolutePath(), fs.root());
            fs.putReferences(List.of(new Filestore.Placed(block.cid().multihash(), data.length, f, 0)));
            assertTrue(fs.has(block.cid().multihash()));
            assertTrue(fs.isReference(block.cid().multihash()));
            assertEquals(0, fs.main().count(), "nothing copied");
        }
        try (Repository repo = open()) {
            Filestore fs = repo.filestore().orElseThrow();
            assertArrayEquals(data, repo.blocks().get(block.cid()).orElseThrow().data());
            assertEquals(data.length, repo.blocks().sizeOf(block.cid().multihash()).orElseThrow());
            FilestoreEntry e = fs.one(block.cid(), false);
            assertEquals(new FilestoreEntry(FilestoreStatus.OK, "", block.cid(), "data/small.bin", 0, 5000), e);
            assertTrue(fs.delete(block.cid().multihash()));
            assertFalse(fs.has(block.cid().multihash()));
            assertTrue(Files.exists(f), "the file stays");
        }
        try (Repository repo = open()) {
            assertTrue(repo.blocks().get(block.cid()).isEmpty());
            assertEquals(FilestoreStatus.KEY_NOT_FOUND, repo.filestore().orElseThrow().one(block.cid(), true).status());
        }
    }

    @Test
    void dataObjRoundTrips() {
        FileRef r = new FileRef("dir/a file.bin", 1L << 40, 262144);
        assertEquals(r, FileRef.decode(r.encode()));
        assertThrows(IllegalArgumentException.class, () -> FileRef.decode(new byte[] {0x0a, 0x05, 'a'}));
    }

    @Test
    void nocopyImportGivesTheCidsOfARawLeavesAddAndCopiesOnlyInnerNodes() throws IOException {
        Path f = file("big.bin", 3 * CHUNK + 1234);
        ImportResult copied = new Importer(rawLeaves(), BlockSink.NONE).importPath(f);
        try (Repository repo = open()) {
            ImportResult r = nocopyAdd(repo, f);
            assertEquals(copied.root(), r.root());
            Filestore fs = repo.filestore().orElseThrow();
            List<FilestoreEntry> all = fs.all(false, true);
            assertEquals(4, all.size());
            long at = 0;
            for (FilestoreEntry e : all) {
                assertEquals("data/big.bin", e.filePath());
                assertEquals(at, e.offset());
                assertEquals(Multicodec.RAW, e.key().codec());
                at += e.size();
            }
            assertEquals(Files.size(f), at);
            assertEquals(1, fs.main().count(), "only the root node is copied");
            assertArrayEquals(Files.readAllBytes(f), cat(repo, r.root()));
            assertTrue(fs.duplicates().isEmpty());
            assertTrue(fs.all(true, false).stream().allMatch(e -> e.status() == FilestoreStatus.OK));
        }
    }

    @Test
    void aSingleChunkFileIsOneReferenceAndANormalAddMakesDuplicates() throws IOException {
        Path f = file("one.bin", 1000);
        try (Repository repo = open()) {
            ImportResult r = nocopyAdd(repo, f);
            assertEquals(Multicodec.RAW, r.root().codec());
            Filestore fs = repo.filestore().orElseThrow();
            assertEquals(0, fs.main().count());
            new Importer(rawLeaves(), BlockSink.of(repo.addTarget())).importPath(f);
            assertEquals(List.of(Cid.v1(Multicodec.RAW, r.root().multihash())), fs.duplicates());
        }
    }

    @Test
    void aChangedTruncatedOrVanishedFileFailsTheReadNamingIt() throws IOException {
        Path f = file("change.bin", 2 * CHUNK + 10);
        try (Repository repo = open()) {
            ImportResult r = nocopyAdd(repo, f);
            Filestore fs = repo.filestore().orElseThrow();
            List<FilestoreEntry> refs = fs.all(false, true);
            Cid second = refs.get(1).key();
            for (int i = 0; i < 5; i++) { // read often: a hot block must not be kept in memory
                assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(f), CHUNK, 2 * CHUNK),
                        repo.blocks().get(second).orElseThrow().data());
            }
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.seek(CHUNK + 5);
                raf.write(raf.read() ^ 1);
            }
            FilestoreException changed = assertThrows(FilestoreException.class, () -> repo.blocks().get(second));
            assertEquals(FilestoreStatus.FILE_CHANGED, changed.status());
            assertEquals("data in file did not match. data/change.bin offset " + CHUNK, changed.getMessage());
            assertThrows(FilestoreException.class, () -> cat(repo, r.root()));

            List<FilestoreEntry> verified = fs.all(true, true);
            assertEquals(List.of(FilestoreStatus.OK, FilestoreStatus.FILE_CHANGED, FilestoreStatus.OK),
                    verified.stream().map(FilestoreEntry::status).toList());

            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(CHUNK + 3);
            }
            FilestoreEntry cut = fs.one(refs.get(2).key(), true);
            assertEquals(FilestoreStatus.FILE_CHANGED, cut.status());
            assertEquals("EOF", cut.errorMsg());

            Files.delete(f);
            FilestoreException gone = assertThrows(FilestoreException.class, () -> repo.blocks().get(refs.get(0).key()));
            assertEquals(FilestoreStatus.FILE_NOT_FOUND, gone.status());
            assertEquals("open " + f.toAbsolutePath() + ": no such file or directory", gone.getMessage());
        }
    }

    @Test
    void removeBadDropsTheBadReferencesOnly() throws IOException {
        Path kept = file("kept.bin", CHUNK + 1);
        Path bad = file("bad.bin", CHUNK + 1);
        try (Repository repo = open()) {
            nocopyAdd(repo, kept);
            nocopyAdd(repo, bad);
            Filestore fs = repo.filestore().orElseThrow();
            Files.delete(bad);
            List<FilestoreEntry> all = fs.all(true, true);
            assertEquals(4, all.size());
            for (FilestoreEntry e : all) {
                // as Kubo's verify --remove-bad-blocks: all but ok and ERROR go
                if (e.status() != FilestoreStatus.OK && e.status() != FilestoreStatus.OTHER_ERROR) {
                    assertTrue(fs.deleteReference(e.key().multihash()));
                }
            }
            List<FilestoreEntry> left = fs.all(true, true);
            assertEquals(2, left.size());
            assertTrue(left.stream().allMatch(e -> e.filePath().equals("data/kept.bin") && e.status() == FilestoreStatus.OK));
        }
    }

    @Test
    void gcRemovesUnpinnedReferencesNeverTheFiles() throws IOException, InterruptedException {
        Path pinned = file("pinned.bin", 2 * CHUNK);
        Path loose = file("loose.bin", 2 * CHUNK + 7);
        try (Repository repo = open()) {
            ImportResult p = nocopyAdd(repo, pinned);
            repo.pinner().pin(p.root(), PinType.RECURSIVE, "");
            ImportResult l = nocopyAdd(repo, loose);
            Filestore fs = repo.filestore().orElseThrow();
            Set<Cid> before = new HashSet<>();
            fs.all(false, false).forEach(e -> before.add(e.key()));
            assertEquals(5, before.size());
            long removed = repo.gc(List.of()).removed();
            assertEquals(4, removed, "three references and the loose file's root");
            List<String> files = new ArrayList<>();
            fs.all(true, false).forEach(e -> files.add(e.filePath() + " " + e.status().word()));
            assertEquals(List.of("data/pinned.bin ok", "data/pinned.bin ok"), files);
            assertTrue(Files.exists(loose), "GC never touches the file");
            assertTrue(repo.blocks().get(l.root()).isEmpty());
            assertArrayEquals(Files.readAllBytes(pinned), cat(repo, p.root()));
        }
    }

    @Test
    void aFileOutsideTheRootIsRefusedAsKuboDoes(@TempDir Path elsewhere) throws IOException {
        Path f = elsewhere.resolve("x.bin");
        Files.write(f, new byte[100]);
        try (Repository repo = open()) {
            IOException e = assertThrows(IOException.class, () -> nocopyAdd(repo, f));
            assertEquals("cannot add filestore references outside ipfs root (" + home.toAbsolutePath() + ")",
                    e.getMessage());
        }
    }

    @Test
    void streamsAndNonRawLeavesAreRefused() throws IOException {
        try (Repository repo = open()) {
            Importer nocopy = new Importer(rawLeaves(), BlockSink.NONE).nocopy();
            IOException e = assertThrows(IOException.class, () -> nocopy.importStream(InputStream.nullInputStream(), ""));
            assertEquals(Importer.MISSING_FILE, e.getMessage());
            IllegalArgumentException raw = assertThrows(IllegalArgumentException.class,
                    () -> new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE).nocopy());
            assertEquals("nocopy option requires '--raw-leaves' to be enabled as well", raw.getMessage());
        }
    }
}
