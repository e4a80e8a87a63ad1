package io.p2pkit.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The content commands Kubo users script against, compared with Kubo 0.39's on the same content:
 * {@code get -a/-C} (the archive's bytes, or its entries where Kubo stamps the current time),
 * {@code ls} (its whole output, columns and all), {@code pin add --progress} (the node count) and
 * {@code dag put} of non-canonical DAG-CBOR (the CIDs Kubo gives it). Kubo runs offline on its
 * own repository; p2pkit on its own, holding the same blocks.
 */
@InteropArea("Content commands against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ContentCommandsKuboInteropTest {
    private static KuboCli kubo;
    private static String repo;
    @TempDir
    static Path dir;
    /** The tree added with --preserve-mode --preserve-mtime, and without. */
    private static String withMeta;
    private static String plain;

    @BeforeAll
    static void setUp() throws IOException {
        kubo = KuboCli.fresh(Toolchains.requireKubo());
        repo = dir.resolve("p2pkit-repo").toString();
        P2pkitCli.ok("init", "--repo-dir", repo, "--profile", "test");
        Random random = new Random(18);
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "hello\n");
        AddCommandKuboInteropTest.write(tree.resolve("big.bin"), random, 700_000);
        AddCommandKuboInteropTest.write(tree.resolve("odd size.bin"), random, 1_234);
        Files.writeString(tree.resolve("ünïcode.txt"), "names beyond ASCII take a PAX record\n");
        Path sub = Files.createDirectories(tree.resolve("sub"));
        Files.writeString(sub.resolve("nested.txt"), "nested\n");
        Files.createDirectories(tree.resolve("empty"));
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        // names past ustar's 100 bytes: one split into its prefix field, one that needs a PAX record
        Path deep = Files.createDirectories(sub.resolve("a-directory-name-of-sixty-characters-to-push-paths-past-100"));
        Files.writeString(deep.resolve("file-in-a-deep-directory.txt"), "deep\n");
        Files.writeString(deep.resolve("x".repeat(101)), "too long for ustar's name field\n");
        long t = 1_700_000_000L;
        for (Path p : List.of(tree.resolve("a.txt"), tree.resolve("big.bin"), sub.resolve("nested.txt"), sub,
                tree.resolve("empty"), tree.resolve("ünïcode.txt"), tree)) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(t += 1000)));
        }
        // sub-second times: Go's tar rounds them to the nearest second
        Files.setLastModifiedTime(tree.resolve("odd size.bin"), FileTime.from(Instant.ofEpochSecond(t, 700_000_000)));
        withMeta = both(List.of("-r", "--preserve-mode", "--preserve-mtime", tree.toString()));
        plain = both(List.of("-r", tree.toString()));
    }

    /** Adds to both, requiring the same root CID. */
    private static String both(List<String> args) throws IOException {
        List<String> k = new ArrayList<>(List.of("--pin=false"));
        k.addAll(args);
        String theirs = kubo.addQuiet(k);
        List<String> p = new ArrayList<>(List.of("add", "-Q", "--progress=false", "--pin=false", "--repo-dir", repo));
        p.addAll(args);
        assertEquals(theirs, P2pkitCli.ok(p.toArray(String[]::new)), "the same root for add " + args);
        return theirs;
    }

    @AfterAll
    static void cleanUp() {
        if (kubo != null) {
            kubo.delete();
        }
    }

    /** What {@code get} wrote, run by each with {@code -o <its dir>/<name>} and the same options. */
    private record Got(String kuboOut, byte[] kuboFile, String ours, byte[] ourFile) {
    }

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    private static Got get(String name, String path, String... options) throws IOException {
        int run = RUNS.incrementAndGet();
        Path k = Files.createDirectories(dir.resolve("kubo-" + run));
        Path p = Files.createDirectories(dir.resolve("p2pkit-" + run));
        List<String> kArgs = new ArrayList<>(List.of("get", "--progress=false", "-o", k.resolve(name).toString()));
        kArgs.addAll(List.of(options));
        kArgs.add(path);
        String kuboOut = kubo.run(kArgs).replace(k.toString(), "<dir>");
        List<String> pArgs = new ArrayList<>(List.of("get", "--progress=false", "--repo-dir", repo,
                "-o", p.resolve(name).toString()));
        pArgs.addAll(List.of(options));
        pArgs.add(path);
        String ours = P2pkitCli.ok(pArgs.toArray(String[]::new)).replace(p.toString(), "<dir>");
        List<Path> kFiles;
        List<Path> pFiles;
        try (Stream<Path> a = Files.list(k); Stream<Path> b = Files.list(p)) {
            kFiles = a.toList();
            pFiles = b.toList();
        }
        assertEquals(1, kFiles.size(), kFiles.toString());
        assertEquals(kFiles.stream().map(f -> f.getFileName().toString()).toList(),
                pFiles.stream().map(f -> f.getFileName().toString()).toList(), "the file written");
        return new Got(kuboOut.strip(), Files.readAllBytes(kFiles.get(0)), ours, Files.readAllBytes(pFiles.get(0)));
    }

    @Test
    void getArchiveIsByteForByteKubos() throws IOException {
        Got g = get("tree", withMeta, "-a");
        assertEquals("Saving archive to <dir>/tree.tar", g.kuboOut());
        assertEquals(g.kuboOut(), g.ours());
        assertEquals(entries(g.kuboFile()), entries(g.ourFile()));
        assertArrayEquals(g.kuboFile(), g.ourFile(), "the tar archive's bytes");
        System.out.printf("content/kubo get -a: %d bytes equal, %d entries%n", g.ourFile().length, entries(g.ourFile()).size());
    }

    @Test
    void getArchiveWithoutStoredTimesHasKubosEntries() throws IOException {
        Got g = get("plain", plain + "/sub", "-a");
        assertEquals(g.kuboOut(), g.ours());
        // no stored time: both stamp the time of writing, so only the entries are compared
        assertEquals(entries(g.kuboFile()), entries(g.ourFile()));
        assertEquals(g.kuboFile().length, g.ourFile().length);
    }

    @Test
    void getCompressedArchiveHoldsKubosArchive() throws IOException {
        Got g = get("tree", withMeta, "-a", "-C", "--compression-level", "9");
        assertEquals("Saving archive to <dir>/tree.tar.gz", g.kuboOut());
        assertEquals(g.kuboOut(), g.ours());
        // gzip's bytes depend on the deflate implementation; what it holds must be equal
        assertArrayEquals(gunzip(g.kuboFile()), gunzip(g.ourFile()));
    }

    @Test
    void getCompressedFileIsTheFileGzipped() throws IOException {
        Got g = get("big", withMeta + "/big.bin", "-C");
        assertEquals("Saving archive to <dir>/big.gz", g.kuboOut());
        assertEquals(g.kuboOut(), g.ours());
        assertArrayEquals(gunzip(g.kuboFile()), gunzip(g.ourFile()));
        assertArrayEquals(Files.readAllBytes(dir.resolve("tree").resolve("big.bin")), gunzip(g.ourFile()));
        String kuboRefuses = kubo.outcome(List.of("get", "--progress=false", "-C", "-o", dir.resolve("x").toString(), withMeta));
        P2pkitCli.Result ours = P2pkitCli.run(List.of("get", "--progress=false", "--repo-dir", repo, "-C",
                "-o", dir.resolve("y").toString(), withMeta));
        assertTrue(kuboRefuses.contains("file is not regular"), kuboRefuses);
        assertNotEquals(0, ours.status());
        assertTrue(ours.err().contains("file is not regular"), ours.err());
    }

    /**
     * {@code get} onto what is already there, in the same steps on each side: a tree over a copy
     * of itself edited by hand (a file changed, one added, a symlink replaced by a file), a file
     * into an existing directory, an archive over an old file, and a file over a directory that
     * is not empty (refused by both). The trees must end the same: names, kinds, bytes, link
     * targets, modes and times.
     */
    @Test
    void getOntoWhatIsThereEndsAsKubosDoes() throws IOException {
        Path k = Files.createDirectories(dir.resolve("onto-kubo"));
        Path p = Files.createDirectories(dir.resolve("onto-p2pkit"));
        for (Path side : List.of(k, p)) {
            Path out = side.resolve("out");
            getOnto(side, side == k, "-o", out.toString(), withMeta);
            Files.writeString(out.resolve("a.txt"), "edited by hand");
            Files.writeString(out.resolve("mine.txt"), "not in the tree");
            Files.setLastModifiedTime(out.resolve("mine.txt"), FileTime.from(Instant.ofEpochSecond(1_600_000_000L)));
            Files.delete(out.resolve("link"));
            Files.writeString(out.resolve("link"), "a file where the symlink was");
            getOnto(side, side == k, "-o", out.toString(), withMeta);
            Files.createDirectories(side.resolve("into"));
            getOnto(side, side == k, "-o", side.resolve("into").toString(), withMeta + "/sub/nested.txt");
            Files.writeString(side.resolve("old.tar"), "an old file, not a tar");
            getOnto(side, side == k, "-a", "-o", side.resolve("old.tar").toString(), plain + "/sub");
            Files.createDirectories(side.resolve("full/a.txt"));
            Files.writeString(side.resolve("full/a.txt/keep"), "kept");
            Files.setLastModifiedTime(side.resolve("full/a.txt/keep"), FileTime.from(Instant.ofEpochSecond(1_600_000_000L)));
        }
        String kuboRefuses = kubo.outcome(List.of("get", "--progress=false", "-o", k.resolve("full").toString(),
                withMeta + "/a.txt"));
        assertTrue(kuboRefuses.startsWith("Error"), kuboRefuses);
        P2pkitCli.Result ours = P2pkitCli.run(List.of("get", "--progress=false", "--repo-dir", repo,
                "-o", p.resolve("full").toString(), withMeta + "/a.txt"));
        assertNotEquals(0, ours.status(), "a file over a directory that is not empty");
        // the archives hold the time of writing: their entries are compared, then they are set aside
        assertEquals(entries(Files.readAllBytes(k.resolve("old.tar"))), entries(Files.readAllBytes(p.resolve("old.tar"))));
        Files.delete(k.resolve("old.tar"));
        Files.delete(p.resolve("old.tar"));
        List<String> theirs = tree(k);
        assertEquals(theirs, tree(p));
        System.out.printf("content/kubo get onto what is there: %d entries end the same%n", theirs.size());
    }

    private static void getOnto(Path side, boolean isKubo, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("get", "--progress=false"));
        if (isKubo) {
            a.addAll(List.of(args));
            kubo.run(a);
        } else {
            a.addAll(List.of("--repo-dir", repo));
            a.addAll(List.of(args));
            P2pkitCli.ok(a.toArray(String[]::new));
        }
    }

    /** Every entry below {@code root}: its path, kind, mode and time, and its bytes' digest or link target. */
    private static List<String> tree(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path e : all.sorted().toList()) {
                String rel = root.relativize(e).toString();
                if (Files.isSymbolicLink(e)) {
                    out.add(rel + " -> " + Files.readSymbolicLink(e));
                    continue;
                }
                String perms = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(e));
                String kind = Files.isDirectory(e) ? "dir" : "file " + HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(e)));
                // a directory written into has the time of that write on both sides; stored times are compared on files
                String time = Files.isDirectory(e) ? "" : " " + Files.getLastModifiedTime(e).toInstant().getEpochSecond();
                out.add(rel + " " + kind + " " + perms + time);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static Stream<List<String>> lsCommandLines() {
        return Stream.of(
                List.of("ROOT"),
                List.of("-v", "ROOT"),
                List.of("--size=false", "ROOT"),
                List.of("--resolve-type=false", "ROOT"),
                List.of("--resolve-type=false", "--size=false", "ROOT"),
                List.of("ROOT", "ROOT/sub"),
                List.of("-s", "-v", "ROOT", "ROOT/sub"),
                List.of("-v", "ROOT/big.bin", "ROOT/a.txt", "ROOT/empty"));
    }

    @ParameterizedTest(name = "ls {0}: the same output")
    @MethodSource("lsCommandLines")
    void lsPrintsWhatKuboPrints(List<String> args) throws IOException {
        List<String> resolved = args.stream().map(a -> a.replace("ROOT", withMeta)).toList();
        List<String> k = new ArrayList<>(List.of("ls"));
        k.addAll(resolved);
        String theirs = kubo.run(k);
        List<String> p = new ArrayList<>(List.of("ls", "--repo-dir", repo));
        p.addAll(resolved);
        P2pkitCli.Result ours = P2pkitCli.run(p);
        assertEquals(0, ours.status(), ours.err());
        assertEquals(theirs, ours.out());
        System.out.printf("content/kubo ls %s: %d lines equal%n", args, theirs.lines().count());
    }

    private static final Pattern PROGRESS = Pattern.compile("Fetched/Processed (\\d+) nodes");

    @Test
    void pinAddProgressCountsKubosNodes() throws IOException {
        P2pkitCli.Result theirs = kubo.runWithErr(List.of("pin", "add", "--progress", withMeta));
        P2pkitCli.Result ours = P2pkitCli.run(List.of("pin", "add", "--progress", "--repo-dir", repo, withMeta));
        assertEquals(0, ours.status(), ours.err());
        assertEquals(theirs.out(), ours.out());
        assertEquals("pinned " + withMeta + " recursively\n", ours.out());
        assertEquals(lastCount(theirs.err()), lastCount(ours.err()), "Kubo: " + theirs.err() + " p2pkit: " + ours.err());
        System.out.printf("content/kubo pin add --progress: %s nodes%n", lastCount(ours.err()));
    }

    private static String lastCount(String err) {
        Matcher m = PROGRESS.matcher(err);
        String last = "none";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    @Test
    void dagPutStoresNonCanonicalCborAsKuboDoes() throws IOException {
        String[] inputs = {"a2616201616102", "a161611801", "a161611b0000000000000001", "a16161390000", "a178016101",
                "bf616101ff", "9f0102ff", "5f4101420203ff", "a16161fa3fc00000", "a16161f93e00", "a16161f7", "a16161c101",
                "a3616302616101616280"};
        for (String hex : inputs) {
            Path in = dir.resolve("input-" + hex + ".cbor");
            Files.write(in, HexFormat.of().parseHex(hex));
            String theirs = kubo.run(List.of("dag", "put", "--input-codec", "dag-cbor", "--store-codec", "dag-cbor",
                    in.toString())).strip();
            String ours = P2pkitCli.ok("dag", "put", "--repo-dir", repo, "--input-codec", "dag-cbor", "--store-codec",
                    "dag-cbor", in.toString());
            assertEquals(theirs, ours, hex + ": the same CID, so the same stored bytes");
        }
        String dup = "a2616101616102";
        Path in = dir.resolve("duplicate.cbor");
        Files.write(in, HexFormat.of().parseHex(dup));
        assertTrue(kubo.outcome(List.of("dag", "put", "--input-codec", "dag-cbor", in.toString())).contains("repeat map key"));
        P2pkitCli.Result ours = P2pkitCli.run(List.of("dag", "put", "--repo-dir", repo, "--input-codec", "dag-cbor",
                in.toString()));
        assertNotEquals(0, ours.status());
        assertTrue(ours.err().contains("duplicate map key"), ours.err());
        System.out.printf("content/kubo dag put: %d non-canonical inputs stored as Kubo stores them%n", inputs.length);
    }

    /** An archive's entries: name, type, mode, size, link target and a digest of the data, in order. */
    static List<String> entries(byte[] tar) throws IOException {
        List<String> out = new ArrayList<>();
        int at = 0;
        String paxPath = null;
        while (at + 512 <= tar.length) {
            byte[] h = java.util.Arrays.copyOfRange(tar, at, at + 512);
            if (java.util.Arrays.equals(h, new byte[512])) {
                break;
            }
            String name = field(h, 0, 100);
            char type = (char) h[156];
            long size = Long.parseLong(field(h, 124, 12).trim(), 8);
            byte[] data = java.util.Arrays.copyOfRange(tar, at + 512, (int) (at + 512 + size));
            at += 512 + (int) ((size + 511) / 512 * 512);
            if (type == 'x') {
                for (String rec : new String(data, StandardCharsets.UTF_8).split("\n")) {
                    if (rec.contains(" path=")) {
                        paxPath = rec.substring(rec.indexOf(" path=") + 6);
                    }
                }
                continue;
            }
            String mode = field(h, 100, 8).trim();
            out.add((paxPath != null ? paxPath : name) + " " + type + " " + mode + " " + size + " " + field(h, 157, 100)
                    + " " + HexFormat.of().formatHex(sha256(data)));
            paxPath = null;
        }
        return out;
    }

    private static String field(byte[] h, int from, int length) {
        int end = from;
        while (end < from + length && h[end] != 0) {
            end++;
        }
        return new String(h, from, end - from, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
