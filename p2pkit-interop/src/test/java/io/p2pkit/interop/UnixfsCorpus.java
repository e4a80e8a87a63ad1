package io.p2pkit.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The seeded corpus the UnixFS interop cases import with p2pkit, Kubo and Helia: {@code files/}
 * (over 200 files, 0 B to 300 MiB, at every chunk and link boundary of both profiles, awkward
 * names, two hidden ones that every importer skips) and {@code trees/} (over 20 directory trees:
 * deep, wide, over the HAMT threshold, at it exactly, symlinks, empty files and directories,
 * Unicode, spaces, long names, many dots, random shapes). Every file has a seeded mode and mtime
 * (with nanoseconds). Made once per build under {@code target/unixfs-corpus} and reused while its
 * marker says it was made by this generator.
 */
final class UnixfsCorpus {
    /** Changes whenever the generator does, so an old corpus is made anew. */
    private static final String VERSION = "unixfs-corpus-v2 seed 20261122";
    private static final int K = 1024;
    private static final int M = 1024 * 1024;
    private static final List<Integer> MODES = List.of(0644, 0600, 0755, 0444, 0700, 0640, 0664);
    private static volatile UnixfsCorpus instance;

    private final Path root;
    private final Path files;
    private final Path trees;

    private UnixfsCorpus(Path root) {
        this.root = root;
        this.files = root.resolve("files");
        this.trees = root.resolve("trees");
    }

    /** @return the corpus, made on first use */
    static UnixfsCorpus get() {
        UnixfsCorpus c = instance;
        if (c == null) {
            synchronizedMake();
            c = instance;
        }
        return c;
    }

    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();

    private static void synchronizedMake() {
        LOCK.lock();
        try {
            if (instance == null) {
                Path dir = Path.of(System.getProperty("p2pkit.interop.report", "target/interop-matrix.md"))
                        .toAbsolutePath().getParent().resolve("unixfs-corpus");
                UnixfsCorpus c = new UnixfsCorpus(dir);
                c.make();
                instance = c;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LOCK.unlock();
        }
    }

    /** @return the corpus directory (holding {@code files/} and {@code trees/}) */
    Path root() {
        return root;
    }

    /** @return the directory of single files */
    Path files() {
        return files;
    }

    /** @return every tree, in name order */
    List<Path> trees() {
        try (Stream<Path> s = Files.list(trees)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the trees that hold no symlink (Helia follows symlinks, so it gets only these) */
    List<Path> treesWithoutSymlinks() {
        return trees().stream().filter(t -> !t.getFileName().toString().contains("symlink")).toList();
    }

    /** @return every file of {@code files/} that an importer sees (hidden ones left out), in name order */
    List<Path> fileList() {
        try (Stream<Path> s = Files.list(files)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void make() throws IOException {
        Path marker = root.resolve("VERSION");
        if (Files.exists(marker) && Files.readString(marker).equals(VERSION)) {
            return;
        }
        if (Files.exists(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(files);
        Files.createDirectories(trees);
        SplittableRandom rnd = new SplittableRandom(20261122);
        makeFiles(rnd);
        makeTrees(rnd);
        Files.writeString(marker, VERSION);
    }

    // --- files/

    private void makeFiles(SplittableRandom rnd) throws IOException {
        List<Long> sizes = new ArrayList<>(List.of(0L, 1L, 2L, 31L, 32L, 33L, 127L, 128L, 129L, 255L, 256L, 1023L, 1024L, 1025L,
                4095L, 4096L, 65535L, 65536L, 131072L, 131073L, 262143L, 262144L, 262145L, 524288L, 524289L,
                1048575L, 1048576L, 1048577L, 174L * 262144, 174L * 262144 + 1, 2L * M + 7, 16L * M + 3));
        for (int i = 0; i < 164; i++) {
            // log-uniform between 1 B and 4 MiB
            sizes.add((long) Math.exp(rnd.nextDouble() * Math.log(4.0 * M)));
        }
        for (int i = 0; i < 6; i++) {
            sizes.add(4L * M + rnd.nextLong(20L * M));
        }
        sizes.add(64L * M + 5);
        sizes.add(300L * M);
        String[] awkward = {"naïve façade ✓ 日本語 🚀", "with  two  spaces ", "many.dots...in..name...txt", "ÅÄÖ åäö ß",
                "emoji 😀😃😄 and ZWJ 👩‍💻", "tab\there", "quote'\"and backslash\\", "percent %20 and plus +", "Ελληνικά Кириллица עברית"};
        for (int i = 0; i < sizes.size(); i++) {
            String name;
            if (i % 10 == 3) {
                name = String.format("%03d %s", i, awkward[(i / 10) % awkward.length]);
            } else if (i % 25 == 7) {
                name = longName(i, rnd);
            } else {
                name = String.format("f%03d-%d.bin", i, sizes.get(i));
            }
            writeFile(files.resolve(name), sizes.get(i), i % 7 == 5 ? Content.TEXT : i % 13 == 6 ? Content.ZEROS : Content.RANDOM, rnd);
        }
        writeFile(files.resolve(".hidden-one"), 100, Content.RANDOM, rnd);
        writeFile(files.resolve(".hidden two"), 0, Content.RANDOM, rnd);
    }

    /** A name of 255 UTF-8 bytes, the most Linux allows. */
    private static String longName(int i, SplittableRandom rnd) {
        return longName(i, rnd, 255);
    }

    private static String longName(int i, SplittableRandom rnd, int max) {
        StringBuilder b = new StringBuilder(String.format("%03d-long-", i));
        String pieces = "abcdéfghïjklmnöpqrstüvwxyz0123456789-_. ";
        while (b.toString().getBytes(StandardCharsets.UTF_8).length < max - 1) {
            b.append(pieces.charAt(rnd.nextInt(pieces.length())));
        }
        while (b.toString().getBytes(StandardCharsets.UTF_8).length > max) {
            b.setLength(b.length() - 1);
        }
        return b.toString().strip();
    }

    private enum Content { RANDOM, ZEROS, TEXT }

    private static void writeFile(Path p, long size, Content content, SplittableRandom rnd) throws IOException {
        byte[] buf = new byte[64 * K];
        SplittableRandom data = rnd.split();
        byte[] text = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.\n"
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(p)) {
            long left = size;
            long at = 0;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                switch (content) {
                    case RANDOM -> data.nextBytes(buf);
                    case ZEROS -> java.util.Arrays.fill(buf, (byte) 0);
                    case TEXT -> {
                        for (int k = 0; k < n; k++) {
                            buf[k] = text[(int) ((at + k) % text.length)];
                        }
                    }
                }
                out.write(buf, 0, n);
                left -= n;
                at += n;
            }
        }
        stamp(p, rnd);
    }

    /** A seeded mode and modification time (nanoseconds included). */
    private static void stamp(Path p, SplittableRandom rnd) throws IOException {
        int mode = MODES.get(rnd.nextInt(MODES.size()));
        Instant t = Instant.ofEpochSecond(1_000_000_000L + rnd.nextLong(800_000_000L), rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1_000_000_000));
        if (!Files.isSymbolicLink(p)) {
            Files.setPosixFilePermissions(p, perms(mode));
        }
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.from(t), null, null);
    }

    private static Set<PosixFilePermission> perms(int mode) {
        StringBuilder s = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    // --- trees/

    private void makeTrees(SplittableRandom rnd) throws IOException {
        // deep: 40 levels, a file at each
        Path deep = trees.resolve("t00-deep");
        Path d = deep;
        for (int i = 0; i < 40; i++) {
            d = d.resolve("level-" + i);
            Files.createDirectories(d);
            writeFile(d.resolve("file-" + i), rnd.nextInt(3000), Content.RANDOM, rnd);
        }
        // wide: 2,000 small files
        Path wide = Files.createDirectories(trees.resolve("t01-wide"));
        for (int i = 0; i < 2000; i++) {
            writeFile(wide.resolve(String.format("entry-%04d", i)), rnd.nextInt(200), Content.RANDOM, rnd);
        }
        // over the HAMT threshold: 6,000 entries with 40-byte names (links-bytes ≈ 444 KB), a subdirectory among them
        Path hamt = Files.createDirectories(trees.resolve("t02-hamt"));
        for (int i = 0; i < 6000; i++) {
            writeFile(hamt.resolve(String.format("hamt-entry-%029d", i)), rnd.nextInt(64), Content.RANDOM, rnd);
        }
        Path inner = Files.createDirectories(hamt.resolve("a subdirectory"));
        writeFile(inner.resolve("inside"), 10, Content.TEXT, rnd);
        // exactly at the links-bytes threshold with CIDv0 (IPIP-499's names): Kubo 0.39 shards it (>=), IPIP-499 does not (>)
        ipipNames(trees.resolve("t03-hamt-at-threshold-v0"), "hamt-unixfs-v0-2015", 4096, 30, 30);
        // IPIP-499's other three boundary directories (one byte over with links-bytes; at and over with block-bytes)
        ipipNames(trees.resolve("t24-hamt-over-threshold-v0"), "hamt-unixfs-v0-2015", 4033, 31, 31);
        ipipNames(trees.resolve("t25-hamt-at-threshold-v1"), "hamt-unixfs-v1-2025", 4766, 11, 21);
        ipipNames(trees.resolve("t26-hamt-over-threshold-v1"), "hamt-unixfs-v1-2025", 4766, 11, 22);
        // symlinks: relative, absolute, dangling, to a directory, a loop, a chain
        Path links = Files.createDirectories(trees.resolve("t04-symlinks"));
        writeFile(links.resolve("target.txt"), 50, Content.TEXT, rnd);
        Files.createDirectories(links.resolve("dir"));
        writeFile(links.resolve("dir/inner"), 5, Content.TEXT, rnd);
        Files.createSymbolicLink(links.resolve("relative"), Path.of("target.txt"));
        Files.createSymbolicLink(links.resolve("absolute"), Path.of("/nonexistent/absolute/target"));
        Files.createSymbolicLink(links.resolve("dangling"), Path.of("no-such-file"));
        Files.createSymbolicLink(links.resolve("to-dir"), Path.of("dir"));
        Files.createSymbolicLink(links.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(links.resolve("loop-b"), Path.of("loop-a"));
        Files.createSymbolicLink(links.resolve("dir/up"), Path.of("../relative"));
        Files.createSymbolicLink(links.resolve("unicode ✓ link"), Path.of("ünïcödé target ✓"));
        // empty things
        Files.createDirectories(trees.resolve("t05-empty-dir"));
        Path empties = Files.createDirectories(trees.resolve("t06-empty-files-and-dirs"));
        for (int i = 0; i < 5; i++) {
            writeFile(empties.resolve("empty-" + i), 0, Content.RANDOM, rnd);
            Files.createDirectories(empties.resolve("empty-dir-" + i + "/nested"));
        }
        nameTree(trees.resolve("t07-unicode"), rnd, new String[] {"日本語のファイル", "Ελληνικά", "😀 emoji", "ÅÄÖ", "ß-eszett", "اَلْعَرَبِيَّةُ", "한국어", "Ünïcödé"});
        nameTree(trees.resolve("t08-spaces"), rnd, new String[] {" leading", "trailing ", "in the middle", "  two  ", "a b c d e f"});
        nameTree(trees.resolve("t09-long-names"), rnd, new String[] {longName(1, rnd, 250), longName(2, rnd, 250), longName(3, rnd, 250)});
        nameTree(trees.resolve("t10-dots"), rnd, new String[] {"a.b", "a..b", "...x", "x...", "tar.gz.bak.old", "..double-dot-start"});
        // random shapes
        for (int t = 11; t < 24; t++) {
            randomTree(trees.resolve(String.format("t%02d-random", t)), rnd, 0, 3 + rnd.nextInt(3));
        }
        // stamp directories last (adding entries changes a directory's mtime)
        try (Stream<Path> s = Files.walk(trees)) {
            for (Path p : s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted(Comparator.reverseOrder()).toList()) {
                stamp(p, rnd);
            }
        }
        try (Stream<Path> s = Files.walk(trees)) {
            for (Path p : s.filter(Files::isSymbolicLink).toList()) {
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(Instant.ofEpochSecond(1_500_000_000L, 42)), null, null);
            }
        }
    }

    /** IPIP-499's HAMT-threshold directory: names from Kubo's seeded stream, each file holding "x". */
    private static void ipipNames(Path dir, String seed, int count, int length, int lastLength) throws IOException {
        Files.createDirectories(dir);
        String alphabet = "abcdefghijklmnopqrstuvwxyz01234567890-_";
        try (var random = new ChaCha(seed)) {
            for (int i = 0; i < count; i++) {
                byte[] b = random.next(i == count - 1 ? lastLength : length);
                StringBuilder name = new StringBuilder();
                for (byte x : b) {
                    name.append(alphabet.charAt((x & 0xFF) % alphabet.length()));
                }
                Files.writeString(dir.resolve(name.toString()), "x");
            }
        }
    }

    private static void nameTree(Path dir, SplittableRandom rnd, String[] names) throws IOException {
        Files.createDirectories(dir);
        for (String n : names) {
            writeFile(dir.resolve(n), rnd.nextInt(5000), Content.RANDOM, rnd);
            Path sub = Files.createDirectories(dir.resolve(n + ".d"));
            writeFile(sub.resolve(n + ".t"), rnd.nextInt(500), Content.TEXT, rnd);
        }
    }

    private static void randomTree(Path dir, SplittableRandom rnd, int depth, int maxDepth) throws IOException {
        Files.createDirectories(dir);
        int files = rnd.nextInt(12);
        for (int i = 0; i < files; i++) {
            long size = rnd.nextInt(10) == 0 ? rnd.nextLong(3L * M) : rnd.nextInt(20_000);
            writeFile(dir.resolve("file-" + i + (i % 3 == 0 ? ".txt" : ".dat")), size, i % 4 == 0 ? Content.TEXT : Content.RANDOM, rnd);
        }
        if (depth < maxDepth) {
            int dirs = rnd.nextInt(4);
            for (int i = 0; i < dirs; i++) {
                randomTree(dir.resolve("sub-" + i), rnd, depth + 1, maxDepth);
            }
        }
    }

    /** Kubo's deterministic byte stream (ChaCha20 under the SHA-256 of a seed), for IPIP-499's names. */
    static final class ChaCha implements AutoCloseable {
        private final javax.crypto.Cipher cipher;

        ChaCha(String seed) {
            try {
                byte[] key = java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
                cipher = javax.crypto.Cipher.getInstance("ChaCha20");
                cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "ChaCha20"),
                        new javax.crypto.spec.ChaCha20ParameterSpec(new byte[12], 0));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] next(int n) {
            return cipher.update(new byte[n]);
        }

        @Override
        public void close() {
        }
    }
}
