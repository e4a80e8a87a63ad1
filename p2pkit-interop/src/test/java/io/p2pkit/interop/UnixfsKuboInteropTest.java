package io.p2pkit.interop;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportListener;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions.HamtSizeEstimation;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions.HamtSwitch;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions.Layout;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit's UnixFS importer against a real Kubo v0.39.0 (peers/kubo, built from the Go module
 * proxy), offline on a fresh repository: the seeded corpus ({@link UnixfsCorpus}: over 200 files
 * and 25 trees) is added by both with the same options, and every entry's CID (each file,
 * directory and symlink, the whole corpus too) must be the same. One row per option set.
 */
@InteropArea("UnixFS CIDs against Kubo 0.39")
// The corpus is ~560 MiB and both sides hash all of it per row; the slowest rows (1 KiB chunks,
// trickle) take about a minute on two cores.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnixfsKuboInteropTest {
    private static KuboCli kubo;

    @BeforeAll
    static void kubo() throws IOException {
        kubo = KuboCli.fresh(Toolchains.requireKubo());
        UnixfsCorpus.get();
    }

    @AfterAll
    static void cleanUp() {
        if (kubo != null) {
            kubo.delete();
        }
    }

    static Stream<Arguments> optionSets() {
        ImportOptions k = ImportOptions.KUBO_0_39;
        return Stream.of(
                Arguments.of("defaults", List.of(), k),
                Arguments.of("--cid-version 1", List.of("--cid-version", "1"), k.toBuilder().cidVersion(1).build()),
                Arguments.of("--raw-leaves", List.of("--raw-leaves"), k.toBuilder().rawLeaves(true).build()),
                Arguments.of("--chunker size-1024", List.of("--chunker", "size-1024"), k.toBuilder().chunker("size-1024").build()),
                Arguments.of("--chunker rabin", List.of("--chunker", "rabin"), k.toBuilder().chunker("rabin").build()),
                Arguments.of("--chunker rabin-65536-131072-262144 --cid-version 1",
                        List.of("--chunker", "rabin-65536-131072-262144", "--cid-version", "1"),
                        k.toBuilder().chunker("rabin-65536-131072-262144").cidVersion(1).build()),
                Arguments.of("--chunker buzhash", List.of("--chunker", "buzhash"), k.toBuilder().chunker("buzhash").build()),
                Arguments.of("--trickle", List.of("--trickle"), k.toBuilder().layout(Layout.TRICKLE).build()),
                Arguments.of("--trickle --cid-version 1 --chunker size-65536",
                        List.of("--trickle", "--cid-version", "1", "--chunker", "size-65536"),
                        k.toBuilder().layout(Layout.TRICKLE).cidVersion(1).chunker("size-65536").build()),
                Arguments.of("--inline", List.of("--inline"), k.toBuilder().inline(true).build()),
                Arguments.of("--inline --inline-limit 128 --cid-version 1", List.of("--inline", "--inline-limit", "128", "--cid-version", "1"),
                        k.toBuilder().inline(true).inlineLimit(128).cidVersion(1).build()),
                Arguments.of("--hash blake2b-256", List.of("--hash", "blake2b-256"), k.toBuilder().hashFunction(Multicodec.BLAKE2B_256).build()),
                Arguments.of("--hash sha2-512 --max-file-links 20", List.of("--hash", "sha2-512", "--max-file-links", "20"),
                        k.toBuilder().hashFunction(Multicodec.SHA2_512).maxLinks(20).build()),
                Arguments.of("--max-directory-links 100 --max-hamt-fanout 64", List.of("--max-directory-links", "100", "--max-hamt-fanout", "64"),
                        k.toBuilder().maxDirectoryLinks(100).hamtFanout(64).build()),
                // IPIP-499's profiles spelled as Kubo 0.39 options; directories follow Kubo 0.39's own
                // rules (links-bytes, >=), the only ones it has.
                Arguments.of("unixfs-v0-2015 as options (--cid-version 0 --raw-leaves=false --chunker size-262144 --max-file-links 174)",
                        List.of("--cid-version", "0", "--raw-leaves=false", "--chunker", "size-262144", "--max-file-links", "174"),
                        ImportOptions.UNIXFS_V0_2015.toBuilder().hamtSwitch(HamtSwitch.AT_LEAST).build()),
                Arguments.of("unixfs-v1-2025 as options (--cid-version 1 --raw-leaves --chunker size-1048576 --max-file-links 1024)",
                        List.of("--cid-version", "1", "--raw-leaves", "--chunker", "size-1048576", "--max-file-links", "1024"),
                        ImportOptions.UNIXFS_V1_2025.toBuilder().hamtSizeEstimation(HamtSizeEstimation.LINKS)
                                .hamtSwitch(HamtSwitch.AT_LEAST).build()),
                // Kubo 0.39 cannot add a directory with metadata under --only-hash ("ipld: could not
                // find" its own root), so these rows write into its repository (--pin=false).
                Arguments.of("--preserve-mode --preserve-mtime", List.of("--pin=false", "--preserve-mode", "--preserve-mtime"),
                        k.toBuilder().preserveMode(true).preserveMtime(true).build()),
                Arguments.of("--preserve-mtime --cid-version 1", List.of("--pin=false", "--preserve-mtime", "--cid-version", "1"),
                        k.toBuilder().preserveMtime(true).cidVersion(1).build()),
                Arguments.of("--mode 0640 --mtime 1600000000 --mtime-nsecs 5", List.of("--pin=false", "--mode", "0640", "--mtime", "1600000000", "--mtime-nsecs", "5"),
                        k.toBuilder().mode(0640).mtime(new Mtime(1_600_000_000L, 5)).build()));
    }

    @ParameterizedTest(name = "{0}: every file, tree and symlink of the corpus")
    @MethodSource("optionSets")
    void corpusCidsEqualKubos(String name, List<String> kuboArgs, ImportOptions options) throws IOException {
        UnixfsCorpus corpus = UnixfsCorpus.get();
        List<String> args = new ArrayList<>(List.of("-r"));
        if (!kuboArgs.contains("--pin=false")) {
            args.add("--only-hash");
        }
        args.addAll(kuboArgs);
        args.add(corpus.root().toString());
        long t0 = System.nanoTime();
        Map<String, String> theirs = strip(kubo.add(args), corpus.root().getFileName().toString());
        long t1 = System.nanoTime();
        Map<String, String> ours = ours(options, corpus.root());
        long t2 = System.nanoTime();
        assertSame(theirs, ours, name);
        System.out.printf("unixfs/kubo %s: %d entries equal (kubo %.1f s, p2pkit %.1f s)%n", name, ours.size(),
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    /** -w: a file or a tree inside a directory that keeps its name. */
    @Test
    @DisplayName("--wrap-with-directory: 12 files and 4 trees, each wrapped")
    void wrapWithDirectory() throws IOException {
        UnixfsCorpus corpus = UnixfsCorpus.get();
        List<Path> paths = new ArrayList<>();
        List<Path> files = corpus.fileList();
        for (int i = 0; i < files.size(); i += files.size() / 12) {
            if (paths.size() < 12) {
                paths.add(files.get(i));
            }
        }
        paths.addAll(corpus.trees().subList(4, 8));
        ImportOptions w = ImportOptions.KUBO_0_39.toBuilder().wrapWithDirectory(true).build();
        for (Path p : paths) {
            String theirs = kubo.addQuiet(List.of("-r", "-w", "--only-hash", p.toString()));
            assertEquals(theirs, new Importer(w, BlockSink.NONE).importPath(p).root().toString(), p.toString());
        }
    }

    /**
     * IPIP-499's "at the HAMT threshold" directory (links-bytes exactly 262,144): Kubo 0.39 shards
     * it (its comparison is >=), IPIP-499 keeps it basic (>). p2pkit gives Kubo's CID with
     * {@link ImportOptions#KUBO_0_39} and IPIP-499's with {@link ImportOptions#UNIXFS_V0_2015}.
     */
    @Test
    @DisplayName("HAMT switch at exactly 256 KiB: Kubo 0.39 shards (>=), unixfs-v0-2015 does not (>)")
    void hamtSwitchComparisonIsAProfileSetting() throws IOException {
        Path at = UnixfsCorpus.get().root().resolve("trees/t03-hamt-at-threshold-v0");
        String theirs = kubo.addQuiet(List.of("-r", "--only-hash", at.toString()));
        Cid kubo039 = new Importer(ImportOptions.KUBO_0_39, BlockSink.NONE).importPath(at).root();
        Cid ipip = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE).importPath(at).root();
        assertEquals(theirs, kubo039.toString());
        assertEquals("QmX5GtRk3TSSEHtdrykgqm4eqMEn3n2XhfkFAis5fjyZmN", ipip.toString(), "IPIP-499's CID");
        assertNotEquals(kubo039, ipip);
    }

    static Map<String, String> ours(ImportOptions options, Path root) throws IOException {
        Map<String, String> ours = new LinkedHashMap<>();
        new Importer(options, BlockSink.NONE, new ImportListener() {
            @Override
            public void entryImported(String path, Cid cid, long size) {
                ours.put(path, cid.toString());
            }
        }).importPath(root);
        return ours;
    }

    private static Map<String, String> strip(Map<String, String> added, String rootName) {
        Map<String, String> out = new LinkedHashMap<>();
        added.forEach((name, cid) -> out.put(name.equals(rootName) ? "" : name.substring(rootName.length() + 1), cid));
        return out;
    }

    static void assertSame(Map<String, String> theirs, Map<String, String> ours, String what) {
        List<String> problems = new ArrayList<>();
        for (var e : theirs.entrySet()) {
            String mine = ours.get(e.getKey());
            if (!e.getValue().equals(mine)) {
                problems.add("\"" + e.getKey() + "\": theirs " + e.getValue() + ", p2pkit " + mine);
            }
        }
        for (String k : ours.keySet()) {
            if (!theirs.containsKey(k)) {
                problems.add("\"" + k + "\": only p2pkit has it");
            }
        }
        assertTrue(problems.isEmpty(), what + ": " + problems.size() + " of " + theirs.size() + " entries differ, e.g. "
                + problems.subList(0, Math.min(8, problems.size())));
        assertTrue(theirs.size() > 10_000, "entries compared: " + theirs.size());
    }
}
