package io.p2pkit.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code p2pkit add} command against Kubo 0.39's {@code ipfs add}, both run with the same
 * arguments on the same files: the whole output, line for line (every {@code added <cid> <name>},
 * in Kubo's order: arguments by name, an import's files before its directories). The importer
 * itself is compared over the large corpus in {@link UnixfsKuboInteropTest}; this checks the
 * command line on top of it: argument order, names, -w over several arguments, -H, -q and -Q.
 */
@InteropArea("UnixFS CIDs against Kubo 0.39")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AddCommandKuboInteropTest {
    private static KuboCli kubo;
    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        kubo = KuboCli.fresh(Toolchains.requireKubo());
        Random random = new Random(499);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        write(photos.resolve("one.jpg"), random, 700_000);
        write(photos.resolve("two.jpg"), random, 12_345);
        Files.writeString(photos.resolve(".hidden"), "skipped without -H");
        Path nested = Files.createDirectories(photos.resolve("2026").resolve("nov"));
        write(nested.resolve("three.jpg"), random, 300_000);
        Files.createDirectories(photos.resolve("empty"));
        Files.createSymbolicLink(photos.resolve("latest"), Path.of("2026/nov/three.jpg"));
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("readme.txt"), "read me\n");
        write(docs.resolve("manual.pdf"), random, 2_000_000);
        write(dir.resolve("single.bin"), random, 1_000_000);
    }

    static void write(Path p, Random random, int size) throws IOException {
        byte[] b = new byte[size];
        random.nextBytes(b);
        Files.write(p, b);
    }

    @AfterAll
    static void cleanUp() {
        if (kubo != null) {
            kubo.delete();
        }
    }

    static Stream<Arguments> commandLines() {
        return Stream.of(
                Arguments.of("add -r photos docs (arguments taken in name order)", List.of("-r", "photos", "docs")),
                Arguments.of("add -r -w single.bin photos docs", List.of("-r", "-w", "single.bin", "photos", "docs")),
                Arguments.of("add -r -H photos", List.of("-r", "-H", "photos")),
                Arguments.of("add -r -q --cid-version 1 --trickle -s size-65536 photos docs",
                        List.of("-r", "-q", "--cid-version", "1", "--trickle", "-s", "size-65536", "photos", "docs")),
                Arguments.of("add -Q -r --raw-leaves --inline single.bin photos", List.of("-Q", "-r", "--raw-leaves", "--inline",
                        "single.bin", "photos")));
    }

    @ParameterizedTest(name = "{0}: the same output line for line")
    @MethodSource("commandLines")
    void outputEqualsKubos(String name, List<String> args) throws IOException {
        List<String> resolved = new ArrayList<>();
        for (String a : args) {
            resolved.add(a.startsWith("-") || !Files.exists(dir.resolve(a)) ? a : dir.resolve(a).toString());
        }
        List<String> kuboArgs = new ArrayList<>(List.of("add", "--progress=false", "--only-hash"));
        kuboArgs.addAll(resolved);
        List<String> theirs = kubo.run(kuboArgs).lines().toList();

        List<String> ours = new ArrayList<>(List.of("add", "--only-hash", "--progress=false",
                "--repo-dir", dir.resolve("no-repository").toString()));
        ours.addAll(resolved);
        P2pkitCli.Result r = P2pkitCli.run(ours);
        assertEquals(0, r.status(), r.err());
        List<String> mine = r.out().lines().toList();
        assertTrue(theirs.size() >= 1, "Kubo printed nothing");
        assertEquals(theirs, mine, name);
        System.out.printf("unixfs/kubo %s: %d lines equal%n", name, mine.size());
    }
}
