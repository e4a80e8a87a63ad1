package io.p2pkit.interop;

import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions.HamtSizeEstimation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit's UnixFS importer against Helia's {@code @helia/unixfs} 8.0.5 (ipfs-unixfs-importer
 * 17.1.1, peers/helia): the corpus's files and its trees without symlinks (Helia follows
 * symlinks, Kubo and p2pkit store them) are imported by both, every entry's CID compared. Helia's
 * defaults are unixfs-v1-2025's settings with links-bytes sharding; its two IPIP-499 profiles
 * check p2pkit's profiles, {@code >} comparison and block-bytes estimation included, on the
 * IPIP-499 boundary directories in the corpus, which Kubo 0.39 cannot.
 */
@InteropArea("UnixFS CIDs against Helia (@helia/unixfs 8.0.5)")
@Timeout(value = 5, unit = TimeUnit.MINUTES) // node imports the corpus's 560 MiB at about 100 MiB/s
class UnixfsHeliaInteropTest {
    private static Path script;

    @BeforeAll
    static void helia() {
        script = Toolchains.requireHelia();
        UnixfsCorpus.get();
    }

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of("defaults", null, ImportOptions.UNIXFS_V1_2025.toBuilder().hamtSizeEstimation(HamtSizeEstimation.LINKS).build()),
                Arguments.of("profile unixfs-v1-2025", "unixfs-v1-2025", ImportOptions.UNIXFS_V1_2025),
                Arguments.of("profile unixfs-v0-2015", "unixfs-v0-2015", ImportOptions.UNIXFS_V0_2015));
    }

    @ParameterizedTest(name = "{0}: every file and every tree without symlinks")
    @MethodSource("settings")
    void corpusCidsEqualHelias(String name, String profile, ImportOptions options) throws IOException {
        UnixfsCorpus corpus = UnixfsCorpus.get();
        List<Path> targets = new ArrayList<>();
        targets.add(corpus.files());
        targets.addAll(corpus.treesWithoutSymlinks());
        int compared = 0;
        for (Path target : targets) {
            Map<String, String> theirs = helia(target, profile);
            Map<String, String> ours = UnixfsKuboInteropTest.ours(options, target);
            List<String> problems = new ArrayList<>();
            theirs.forEach((k, v) -> {
                if (!v.equals(ours.get(k))) {
                    problems.add("\"" + k + "\": helia " + v + ", p2pkit " + ours.get(k));
                }
            });
            // Helia does not report a directory that sits inside a sharded one (its CID is still
            // inside the shard's, which is compared); everything Helia reports is compared, the root included.
            assertTrue(theirs.containsKey(""), "helia reported no root for " + target);
            assertTrue(problems.isEmpty(), name + ", " + target.getFileName() + ": " + problems.size() + " of " + theirs.size()
                    + " entries differ, e.g. " + problems.subList(0, Math.min(8, problems.size())));
            compared += theirs.size();
        }
        assertTrue(compared > 10_000, "entries compared: " + compared);
        if (profile != null) {
            // the IPIP-499 boundary directories of the profile: at the threshold basic, one byte over sharded
            String v = profile.equals("unixfs-v0-2015") ? "v0" : "v1";
            for (String which : List.of("at", "over")) {
                Path dir = corpus.root().resolve("trees/t" + (which.equals("at") ? (v.equals("v0") ? "03" : "25") : (v.equals("v0") ? "24" : "26"))
                        + "-hamt-" + which + "-threshold-" + v);
                assertEquals(helia(dir, profile).get(""), UnixfsKuboInteropTest.ours(options, dir).get(""), dir.toString());
            }
        }
        System.out.printf("unixfs/helia %s: %d entries equal%n", name, compared);
    }

    /** @return path (relative to {@code target}, "" for itself) to CID, as Helia imports it */
    private static Map<String, String> helia(Path target, String profile) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), "add", target.toString()));
        if (profile != null) {
            cmd.addAll(List.of("--profile", profile));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path err = Files.createTempFile("helia-err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("helia did not finish");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new IOException("helia add " + target + " exited " + p.exitValue() + ": " + stderr.strip());
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> j = Json.parseObject(line);
            if (j.containsKey("path")) {
                entries.put((String) j.get("path"), (String) j.get("cid"));
            }
        }
        return entries;
    }
}
