package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.chunker.ChunkerSpec;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code add}, {@code cat}, {@code get} and {@code ls} on a real repository. The CIDs are compared
 * with the importer's, which the interop suite compares with Kubo 0.39 and Helia; so these tests
 * check that the command line reaches the importer with Kubo's meaning of each option.
 */
class FilesCommandTest {
    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String importerCid(ImportOptions options, Path path) throws IOException {
        return new Importer(options, BlockSink.NONE).importPath(path).root().toString();
    }

    /** A tree with a nested directory, a hidden file, an empty file and a symlink. */
    private static Path tree(Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("photos"));
        Files.write(root.resolve("a.bin"), random(1, 700_000));
        Files.write(root.resolve("empty"), new byte[0]);
        Files.writeString(root.resolve(".hidden"), "not added without -H");
        Path sub = Files.createDirectories(root.resolve("sub"));
        Files.writeString(sub.resolve("note.txt"), "hello from below\n");
        Files.createSymbolicLink(sub.resolve("link"), Path.of("../a.bin"));
        return root;
    }

    @Test
    void aFileAddedIsPinnedAndCatGivesItsBytesBack(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        byte[] data = random(7, 1_000_000);
        Path file = Files.write(dir.resolve("data.bin"), data);

        String out = repo.ok("add", file.toString());
        String cid = importerCid(ImportOptions.UNIXFS_V0_2015, file);
        assertEquals("added " + cid + " data.bin", out);
        assertTrue(cid.startsWith("Qm"), cid);
        assertEquals(cid + " recursive", repo.ok("pin", "ls", "--type=recursive"));

        CliRunner.Bytes cat = repo.bytes("cat", cid);
        assertEquals(0, cat.status(), cat.stderr());
        assertArrayEquals(data, cat.stdout());
        CliRunner.Bytes range = repo.bytes("cat", cid, "--offset", "262000", "--length", "1000");
        assertArrayEquals(Arrays.copyOfRange(data, 262_000, 263_000), range.stdout());

        // pinned: a collection keeps it; unpinned: it goes
        repo.ok("repo", "gc");
        assertEquals(0, repo.bytes("cat", cid).status());
        repo.ok("pin", "rm", cid);
        repo.ok("repo", "gc");
        CliRunner gone = repo.run("cat", cid);
        assertEquals(1, gone.status());
        assertTrue(gone.err().contains("is not in the repository"), gone.err());
    }

    @Test
    void stdinIsNamedByItsCidOrByStdinName(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        byte[] data = "hello world\n".getBytes(StandardCharsets.UTF_8);
        String cid = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE)
                .importStream(new ByteArrayInputStream(data), "").root().toString();
        // Kubo's CID of "hello world\n"
        assertEquals("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", cid);
        CliRunner r = repo.runWithInput(data, "add");
        assertEquals("added " + cid + " " + cid, r.out().strip(), r.err());
        CliRunner named = repo.runWithInput(data, "add", "--stdin-name", "greeting.txt", "--json");
        Map<?, ?> json = (Map<?, ?>) TinyJson.parse(named.out().strip());
        assertEquals("greeting.txt", json.get("Name"));
        assertEquals(cid, json.get("Hash"));
        assertEquals("20", json.get("Size"));    // 12 bytes in an 8-byte UnixFS Data wrapper: Kubo's Size
    }

    @Test
    void aDirectoryNeedsRAndComesOutOfGetAsItWent(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path root = tree(dir);
        CliRunner noR = repo.run("add", root.toString());
        assertEquals(2, noR.status());
        assertTrue(noR.err().contains("use the '-r' flag"), noR.err());

        String rootCid = importerCid(ImportOptions.UNIXFS_V0_2015, root);
        List<String> lines = repo.ok("add", "-r", root.toString()).lines().toList();
        assertEquals("added " + rootCid + " photos", lines.get(lines.size() - 1));
        List<String> names = lines.stream().map(l -> l.split(" ", 3)[2]).sorted().toList();
        assertEquals(List.of("photos", "photos/a.bin", "photos/empty", "photos/sub", "photos/sub/link", "photos/sub/note.txt"), names);

        String listing = repo.ok("ls", rootCid);
        // Kubo's columns: aligned with spaces, entries sorted by name
        List<String> rows = listing.lines().toList();
        assertEquals(3, rows.size(), listing);
        assertTrue(rows.get(0).matches("Qm\\w{44} 700000 a\\.bin"), listing);
        assertTrue(rows.get(1).matches("Qm\\w{44} 0      empty"), listing);
        assertTrue(rows.get(2).matches("Qm\\w{44} -      sub/"), listing);
        assertFalse(listing.contains(".hidden"), listing);
        assertEquals("hello from below", repo.ok("cat", "/ipfs/" + rootCid + "/sub/note.txt"));

        Path out = dir.resolve("out");
        CliRunner got = repo.run("get", rootCid, "-o", out.toString(), "--json");
        assertEquals(0, got.status(), got.err());
        Map<?, ?> json = (Map<?, ?>) TinyJson.parse(got.out().strip());
        assertEquals(3L, ((Number) json.get("Files")).longValue());
        long written;
        try (var files = Files.walk(out)) {
            written = files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(written, ((Number) json.get("Bytes")).longValue(), "the files' bytes, counted as they were written");
        assertArrayEquals(Files.readAllBytes(root.resolve("a.bin")), Files.readAllBytes(out.resolve("a.bin")));
        assertEquals(0, Files.size(out.resolve("empty")));
        assertEquals(Path.of("../a.bin"), Files.readSymbolicLink(out.resolve("sub/link")));
        assertFalse(Files.exists(out.resolve(".hidden")));
        // what came out imports to the same CID
        assertEquals(rootCid, importerCid(ImportOptions.UNIXFS_V0_2015, out));

        // again onto what is there, as Kubo: directories merge, files and symlinks are replaced,
        // what the tree does not name stays; an edited file comes back as it was stored
        Files.writeString(out.resolve("a.bin"), "edited");
        Files.writeString(out.resolve("sub/mine.txt"), "not in the tree");
        Files.delete(out.resolve("sub/link"));
        Files.writeString(out.resolve("sub/link"), "a file where the symlink was");
        assertEquals("Saving file(s) to " + out, repo.ok("get", rootCid, "-o", out.toString()));
        assertArrayEquals(Files.readAllBytes(root.resolve("a.bin")), Files.readAllBytes(out.resolve("a.bin")));
        assertEquals(Path.of("../a.bin"), Files.readSymbolicLink(out.resolve("sub/link")));
        assertEquals("not in the tree", Files.readString(out.resolve("sub/mine.txt")));
        try (var listed = Files.list(out)) {
            assertTrue(listed.noneMatch(p -> p.getFileName().toString().startsWith(".p2pkit-get-")), "no temporary file left");
        }
        // a file whose target is an existing directory goes inside it, under its name
        Path into = Files.createDirectories(dir.resolve("into"));
        repo.ok("get", "/ipfs/" + rootCid + "/sub/note.txt", "-o", into.toString());
        assertEquals("hello from below", Files.readString(into.resolve("note.txt")).strip());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(into.resolve("note.txt"))),
                "Kubo's mode for a file stored without one");
        // a directory is not written over a file, nor a file over a directory that is not empty
        Path file = Files.writeString(dir.resolve("plain"), "x");
        CliRunner dirOverFile = repo.run("get", rootCid, "-o", file.toString());
        assertEquals(1, dirOverFile.status());
        assertTrue(dirOverFile.err().contains("exists and is not a directory"), dirOverFile.err());
        Path full = Files.createDirectories(dir.resolve("full/note.txt"));
        Files.writeString(full.resolve("keep"), "kept");
        CliRunner fileOverDir = repo.run("get", "/ipfs/" + rootCid + "/sub/note.txt", "-o", dir.resolve("full").toString());
        assertEquals(1, fileOverDir.status());
        assertTrue(fileOverDir.err().contains("is a directory that is not empty"), fileOverDir.err());
        assertEquals("kept", Files.readString(full.resolve("keep")));
        // nothing is written through a symlink
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path viaLink = Files.createSymbolicLink(dir.resolve("via-link"), elsewhere);
        CliRunner throughLink = repo.run("get", rootCid, "-o", viaLink.toString());
        assertEquals(1, throughLink.status());
        assertTrue(throughLink.err().contains("is a symlink"), throughLink.err());
        try (var listed = Files.list(elsewhere)) {
            assertEquals(0, listed.count());
        }

        String withHidden = repo.ok("add", "-r", "-H", "-Q", root.toString());
        assertEquals(importerCid(ImportOptions.builder().hidden(true).build(), root), withHidden);
    }

    @Test
    void optionsMeanWhatKubosMean(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path root = tree(dir);
        ImportOptions expected = ImportOptions.builder().cidVersion(1).chunker(ChunkerSpec.parse("size-65536"))
                .layout(ImportOptions.Layout.TRICKLE).maxLinks(20).inline(true).build();
        assertEquals(importerCid(expected, root), repo.ok("add", "-r", "-Q", "--cid-version", "1", "-s", "size-65536",
                "--trickle", "--max-file-links", "20", "--inline", root.toString()));

        ImportOptions modes = ImportOptions.builder().mode(0640).mtime(new io.p2pkit.ipfs.unixfs.pb.Mtime(1_700_000_000, 5))
                .build();
        Path file = root.resolve("a.bin");
        String withMeta = repo.ok("add", "-Q", "--mode", "0640", "--mtime", "1700000000", "--mtime-nsecs", "5", file.toString());
        assertEquals(importerCid(modes, file), withMeta);
        Path out = dir.resolve("meta.bin");
        repo.ok("get", withMeta, "-o", out.toString());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(FileTime.from(Instant.ofEpochSecond(1_700_000_000, 5)).toMillis(), Files.getLastModifiedTime(out).toMillis());

        CliRunner bad = repo.run("add", "--raw-leaves", "--mode", "0644", file.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("raw-leaves"), bad.err());
        assertEquals(2, repo.run("add", "--chunker", "size-0", file.toString()).status());
        assertEquals(2, repo.run("add", "--mode", "9x", file.toString()).status());
    }

    @Test
    void theRepositorysProfileIsTheDefaultAndOnlyHashStoresNothing(@TempDir Path dir) throws Exception {
        Path repoDir = dir.resolve("repo");
        CliRunner init = CliRunner.run("init", "--repo-dir", repoDir.toString(), "--profile", "test,unixfs-v1-2025");
        assertEquals(0, init.status(), init.err());
        RepoFixture repo = new RepoFixture(repoDir);
        Path root = tree(dir);
        String v1 = importerCid(ImportOptions.UNIXFS_V1_2025, root);
        assertTrue(v1.startsWith("bafy"), v1);

        assertEquals(v1, repo.ok("add", "-r", "-Q", "--only-hash", root.toString()));
        assertEquals(1, repo.run("block", "stat", v1).status(), "--only-hash stored the root");
        assertEquals("", repo.ok("pin", "ls"));
        // --only-hash needs no repository at all
        CliRunner noRepo = CliRunner.run("add", "-r", "-Q", "-n", "--repo-dir", dir.resolve("none").toString(), root.toString());
        assertEquals(importerCid(ImportOptions.UNIXFS_V0_2015, root), noRepo.out().strip(), noRepo.err());

        assertEquals(v1, repo.ok("add", "-r", "-Q", "--pin=false", root.toString()));
        assertEquals("", repo.ok("pin", "ls"));
        repo.ok("repo", "gc");
        assertEquals(1, repo.run("block", "stat", v1).status(), "--pin=false content survived a collection");
    }

    @Test
    void kubosImportKeysAreTheDefaultsOfAddBlockPutAndDagPut(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path file = Files.write(dir.resolve("data.bin"), random(3, 500_000));
        repo.ok("config", "--json", "Import.CidVersion", "1");
        repo.ok("config", "Import.UnixFSChunker", "size-100000");
        repo.ok("config", "--json", "Import.UnixFSFileMaxLinks", "3");
        ImportOptions configured = ImportOptions.builder().cidVersion(1).chunker(ChunkerSpec.fixed(100_000)).maxLinks(3).build();
        String cid = importerCid(configured, file);
        assertTrue(cid.startsWith("bafy"), cid);
        assertEquals(cid, repo.ok("add", "-Q", file.toString()));
        // an option on the command line wins over the key, as in Kubo
        assertEquals(importerCid(ImportOptions.builder().cidVersion(0).chunker(ChunkerSpec.fixed(100_000)).maxLinks(3).build(),
                file), repo.ok("add", "-Q", "--cid-version", "0", file.toString()));

        repo.ok("config", "Import.HashFunction", "sha2-512");
        String block = repo.runWithInput("a block", "block", "put").out().strip();
        assertEquals(io.p2pkit.core.multiformats.Multicodec.SHA2_512, Cid.parse(block).multihash().code(), block);
        String node = repo.runWithInput("{\"a\":1}", "dag", "put").out().strip();
        assertEquals(io.p2pkit.core.multiformats.Multicodec.SHA2_512, Cid.parse(node).multihash().code(), node);
        assertTrue(repo.runWithInput("a block", "block", "put", "--mhtype", "sha2-256").out().startsWith("bafkrei"));

        // a value Kubo refuses is refused when it is set, and named when a hand-edited file has it
        CliRunner refused = repo.run("config", "--json", "Import.CidVersion", "2");
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("Import.CidVersion must be 0 or 1, got 2"), refused.err());
        Path config = dir.resolve("repo").resolve("config");
        Files.writeString(config, Files.readString(config).replace("import.unixfsFileMaxLinks = 3",
                "import.unixfsFileMaxLinks = 0"));
        CliRunner bad = repo.run("add", "-Q", file.toString());
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("the repository's config: Import.UnixFSFileMaxLinks must be positive, got 0"), bad.err());
    }

    @Test
    void wrapPutsEveryArgumentIntoOneDirectory(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path a = Files.writeString(dir.resolve("a.txt"), "a");
        Path b = Files.writeString(dir.resolve("b.txt"), "b");
        List<String> lines = repo.ok("add", "-w", a.toString(), b.toString()).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        String wrapper = lines.get(2).split(" ")[1];
        assertEquals(List.of("added", wrapper), List.of(lines.get(2).split(" ")));
        assertTrue(lines.get(0).endsWith(" a.txt") && lines.get(1).endsWith(" b.txt"), lines.toString());
        Path both = Files.createDirectories(dir.resolve("both"));
        Files.copy(a, both.resolve("a.txt"));
        Files.copy(b, both.resolve("b.txt"));
        assertEquals(importerCid(ImportOptions.UNIXFS_V0_2015, both), wrapper);
        assertEquals("a", repo.ok("cat", "/ipfs/" + wrapper + "/a.txt"));
        assertEquals(wrapper + " recursive", repo.ok("pin", "ls", "--type=recursive"));
    }

    @Test
    void aShardedDirectoryIsListedAndResolvedByName(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path big = Files.createDirectories(dir.resolve("big"));
        int n = 2500;    // 2,500 names of 80 bytes: over the 256 KiB of links that makes a HAMT
        for (int i = 0; i < n; i++) {
            Files.writeString(big.resolve(String.format("%080d", i)), Integer.toString(i));
        }
        String root = repo.ok("add", "-r", "-Q", big.toString());
        assertEquals(importerCid(ImportOptions.UNIXFS_V0_2015, big), root);
        // a basic directory of these would be over 285,000 bytes; a root shard has at most 256 links
        Map<?, ?> stat = (Map<?, ?>) TinyJson.parse(repo.ok("block", "stat", root, "--json"));
        assertTrue(((Number) stat.get("Size")).longValue() < 20_000, stat.toString());
        String name = String.format("%080d", 1234);
        assertEquals("1234", repo.ok("cat", "/ipfs/" + root + "/" + name));
        assertEquals(n, repo.ok("ls", root).lines().count());
        try (Stream<String> lines = repo.ok("ls", "--json", root).lines()) {
            assertEquals(n, lines.filter(l -> l.contains("\"Type\":2")).count());
        }
    }

    @Test
    void getRefusesNamesThatLeaveTheTarget(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path file = Files.writeString(dir.resolve("f"), "payload");
        String fileCid = repo.ok("add", "-Q", file.toString());
        for (String name : List.of("..", "../escaped", "a/b", "")) {
            byte[] node = PBNode.of(UnixfsData.directory().encode(),
                    List.of(PBLink.of(Cid.parse(fileCid), name, 15))).encode();
            Path block = Files.write(dir.resolve("evil.pb"), node);
            String evil = repo.ok("block", "put", "--cid-codec", "dag-pb", block.toString());
            Path out = dir.resolve("out").resolve("target");
            Files.createDirectories(out.getParent());
            CliRunner r = repo.run("get", evil, "-o", out.toString());
            assertEquals(1, r.status(), name + ": " + r.err());
            assertTrue(r.err().contains("cannot be written safely"), r.err());
            try (Stream<Path> written = Files.walk(dir.resolve("out"))) {
                List<Path> files = new ArrayList<>(written.filter(Files::isRegularFile).toList());
                assertEquals(List.of(), files, name);
            }
            assertFalse(Files.exists(dir.resolve("escaped")));
            deleteTree(dir.resolve("out"));
        }
    }

    @Test
    void catOfADirectoryAndOfAMissingBlockSayWhat(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path root = tree(dir);
        String cid = repo.ok("add", "-r", "-Q", root.toString());
        CliRunner r = repo.run("cat", cid);
        assertEquals(1, r.status());
        assertTrue(r.err().contains("is a directory, not a file"), r.err());
        String missing = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE)
                .importStream(new ByteArrayInputStream(random(3, 100)), "").root().toString();
        CliRunner m = repo.run("cat", missing);
        assertEquals(1, m.status());
        assertTrue(m.err().contains(missing) && m.err().contains("not in the repository"), m.err());
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(x);
            }
        }
    }

    @Test
    void getWritesKubosArchivesWithArchiveAndCompress(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path root = tree(dir);
        String rootCid = repo.ok("add", "-r", "-Q", root.toString());
        String archive = dir.resolve("photos").toString() + "-out";

        assertEquals("Saving archive to " + archive + ".tar", repo.ok("get", "-a", "-o", archive, rootCid));
        List<String> names = tarNames(Files.readAllBytes(Path.of(archive + ".tar")));
        assertEquals(List.of(rootCid, rootCid + "/a.bin", rootCid + "/empty", rootCid + "/sub", rootCid + "/sub/link",
                rootCid + "/sub/note.txt"), names);

        assertEquals("Saving archive to " + archive + ".tar.gz", repo.ok("get", "-a", "-C", "-l", "1", "-o", archive, rootCid));
        byte[] gunzipped;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(Path.of(archive + ".tar.gz")))) {
            gunzipped = in.readAllBytes();
        }
        assertEquals(names, tarNames(gunzipped));

        // -C alone gzips one file's bytes; a directory is refused, as Kubo refuses it
        String file = dir.resolve("a").toString();
        assertEquals("Saving archive to " + file + ".gz", repo.ok("get", "-C", "-o", file, rootCid + "/a.bin"));
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(Path.of(file + ".gz")))) {
            assertArrayEquals(Files.readAllBytes(root.resolve("a.bin")), in.readAllBytes());
        }
        CliRunner dirCompressed = repo.run("get", "-C", "-o", dir.resolve("d").toString(), rootCid);
        assertEquals(1, dirCompressed.status());
        assertTrue(dirCompressed.err().contains("file is not regular"), dirCompressed.err());
        CliRunner badLevel = repo.run("get", "-C", "-l", "10", "-o", dir.resolve("e").toString(), rootCid);
        assertEquals(2, badLevel.status());
        assertTrue(badLevel.err().contains("between 1 and 9"), badLevel.err());
        // an archive replaces the file there, as Kubo's os.Create
        Files.writeString(Path.of(archive + ".tar"), "not a tar, and longer than nothing at all");
        repo.ok("get", "-a", "-o", archive, rootCid);
        assertEquals(names, tarNames(Files.readAllBytes(Path.of(archive + ".tar"))));
    }

    @Test
    void lsOfAFileListsItsBlocksAndStreamPadsToTen(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path root = tree(dir);
        String rootCid = repo.ok("add", "-r", "-Q", root.toString());
        // a 700,000-byte file in 256 KiB chunks: three leaves, names empty
        List<String> chunks = repo.ok("ls", "/ipfs/" + rootCid + "/a.bin").lines().toList();
        assertEquals(3, chunks.size(), chunks.toString());
        // the name column is empty: Kubo's line ends in the space before it
        assertTrue(chunks.get(0).matches("Qm\\w{44} 262144 "), chunks.toString());
        assertTrue(chunks.get(2).matches("Qm\\w{44} 175712 ?"), chunks.toString());
        List<String> streamed = repo.ok("ls", "-s", rootCid).lines().toList();
        assertEquals(3, streamed.size(), streamed.toString());
        assertTrue(streamed.get(0).matches("Qm\\w{44} \\S+ +\\S+"), streamed.toString());
        assertTrue(streamed.stream().anyMatch(l -> l.matches("Qm\\w{44} -         sub/")), streamed.toString());
    }

    @Test
    void lsLongPrintsTheStoredModeAndTimeAndJsonCarriesThem(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir.resolve("repo"));
        Path root = Files.createDirectories(dir.resolve("meta"));
        Path sub = Files.createDirectories(root.resolve("sub"));
        Path file = Files.writeString(root.resolve("a.txt"), "hello");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-02T03:04:05.5Z")));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-x--x"));
        Instant recent = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Files.setLastModifiedTime(sub, FileTime.from(recent));
        String withMeta = repo.ok("add", "-r", "-Q", "--preserve-mode", "--preserve-mtime", root.toString());
        String bare = repo.ok("add", "-r", "-Q", root.toString());

        List<String> lines = repo.ok("ls", "-l", "-v", withMeta).lines().toList();
        assertEquals(List.of("Mode", "Hash", "Size", "ModTime", "Name"), List.of(lines.get(0).split(" +")), lines.toString());
        List<String> fileLine = List.of(lines.get(1).split(" +"));
        assertEquals(List.of("-rw-r-----", "5", "Jan", "02", "2020", "a.txt"),
                List.of(fileLine.get(0), fileLine.get(2), fileLine.get(3), fileLine.get(4), fileLine.get(5), fileLine.get(6)),
                "older than six months: the year, not the time; " + lines);
        String hhmm = java.time.format.DateTimeFormatter.ofPattern("MMM dd HH:mm", java.util.Locale.ROOT)
                .format(recent.atZone(java.time.ZoneId.systemDefault()));
        assertTrue(lines.get(2).matches("drwxr-x--x +\\w+ +- +" + hhmm + " +sub/"), "recent: the time; " + lines);
        // without --size the column goes; with nothing stored both are '-'
        assertTrue(repo.ok("ls", "-l", "--size=false", withMeta).lines().toList().get(0)
                .matches("-rw-r----- +\\w+ +Jan 02  2020 +a\\.txt"), repo.ok("ls", "-l", "--size=false", withMeta));
        List<String> plain = repo.ok("ls", "-l", bare).lines().toList();
        assertTrue(plain.get(0).matches("- +\\w+ +5 +- +a\\.txt"), plain.toString());
        assertTrue(plain.get(1).matches("- +\\w+ +- +- +sub/"), plain.toString());
        // without -l, Kubo's three columns as before
        assertTrue(repo.ok("ls", withMeta).lines().toList().get(0).matches("\\w+ 5 a\\.txt"));

        // --json: Go's os.FileMode (the directory bit is 1<<31) and the time in RFC 3339, Go's zero time for none
        List<String> json = repo.ok("ls", "--json", withMeta).lines().toList();
        Map<?, ?> a = link(json.get(0));
        assertEquals(0640L, ((Number) a.get("Mode")).longValue());
        assertEquals(Instant.parse("2020-01-02T03:04:05.5Z"), java.time.OffsetDateTime.parse((String) a.get("ModTime")).toInstant());
        assertEquals((1L << 31) | 0751L, ((Number) link(json.get(1)).get("Mode")).longValue());
        Map<?, ?> none = link(repo.ok("ls", "--json", bare).lines().toList().get(0));
        assertEquals(0L, ((Number) none.get("Mode")).longValue());
        assertEquals("0001-01-01T00:00:00Z", none.get("ModTime"));
        // not resolving the entries reads no mode either, as Kubo
        Map<?, ?> unresolved = link(repo.ok("ls", "--json", "--size=false", "--resolve-type=false", withMeta).lines().toList().get(1));
        assertEquals(0L, ((Number) unresolved.get("Mode")).longValue());
    }

    /** The one link of a streamed ls --json line. */
    private static Map<?, ?> link(String line) {
        Map<?, ?> event = (Map<?, ?>) TinyJson.parse(line);
        Map<?, ?> object = (Map<?, ?>) ((List<?>) event.get("Objects")).get(0);
        return (Map<?, ?>) ((List<?>) object.get("Links")).get(0);
    }

    /** The entry names of a tar archive, PAX path records applied. */
    private static List<String> tarNames(byte[] tar) {
        List<String> names = new ArrayList<>();
        String pax = null;
        for (int at = 0; at + 512 <= tar.length; ) {
            if (tar[at] == 0) {
                break;
            }
            String name = new String(tar, at, 100, StandardCharsets.UTF_8).replace("\0", "");
            long size = Long.parseLong(new String(tar, at + 124, 11, StandardCharsets.US_ASCII), 8);
            char type = (char) tar[at + 156];
            if (type == 'x') {
                String records = new String(tar, at + 512, (int) size, StandardCharsets.UTF_8);
                int p = records.indexOf(" path=");
                pax = p < 0 ? null : records.substring(p + 6, records.indexOf('\n', p));
            } else {
                names.add(pax != null ? pax : name);
                pax = null;
            }
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        return names;
    }
}
