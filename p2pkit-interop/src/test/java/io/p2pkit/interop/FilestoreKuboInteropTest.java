package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;


import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's filestore against Kubo 0.39: a Kubo daemon with {@code Experimental.FilestoreEnabled}
 * and a p2pkit daemon with it on, each given the same files with Kubo's own {@code ipfs add
 * --nocopy} (the files are under both roots: Kubo's is its repository's parent, the temporary
 * directory; p2pkit's its repository's parent, this test's directory). The CIDs are equal;
 * {@code filestore ls|verify|dups} print the same lines once each side's paths are made absolute
 * against its root; a file changed under its blocks is {@code changed} on both and {@code cat}
 * fails on both naming it; {@code --remove-bad-blocks} and {@code repo gc} drop references and
 * leave files. A second pair with the filestore off gives Kubo's errors on both.
 */
@InteropArea("filestore (add --nocopy) against Kubo 0.39")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilestoreKuboInteropTest {
    private static final int CHUNK = 256 * 1024;

    @TempDir
    static Path dir;
    private static KuboBeside on;
    private static KuboBeside off;
    private static Path files;
    private static Path big;
    private static Path small;
    private static Path tree;

    @BeforeAll
    static void start() throws IOException {
        files = dir.resolve("on").resolve("files");
        Files.createDirectories(files.resolve("tree"));
        SplittableRandom random = new SplittableRandom(5);
        big = write(files.resolve("big.bin"), 3 * CHUNK + 100, random);
        small = write(files.resolve("small.bin"), 1000, random);
        tree = files.resolve("tree");
        write(tree.resolve("a.bin"), CHUNK + 1, random);
        write(tree.resolve("b.bin"), 10, random);
        on = KuboBeside.start(dir.resolve("on"), KuboDaemon.start(Toolchains.requireKubo(),
                        List.of(List.of("config", "Routing.Type", "none"),
                                List.of("config", "--json", "Experimental.FilestoreEnabled", "true"))),
                RepoConfig.defaults().with(Repository.FILESTORE_ENABLED, "true"), b -> b);
        off = KuboBeside.start(dir.resolve("off"), "none", b -> b);
        // both roots hold the files: Kubo's is the temporary directory, p2pkit's this test's "on" directory
        assertTrue(files.startsWith(kuboRoot()), "the files are under Kubo's filestore root " + kuboRoot());
    }

    private static Path write(Path p, int size, SplittableRandom random) throws IOException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        return Files.write(p, data);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (on != null) {
                on.close();
            }
        } finally {
            if (off != null) {
                off.close();
            }
        }
    }

    private static Path kuboRoot() {
        return on.kubo().cli().repo().getParent();
    }

    private static Path p2pkitRoot() {
        return dir.resolve("on");
    }

    private static String kubo(List<String> args) throws IOException {
        return on.kubo().cli().run(args);
    }

    private static String p2pkit(List<String> args) throws IOException {
        return on.client().run(on.withApi(args));
    }

    /** Lines with the field at {@code pathAt} (a path relative to {@code root}) made absolute, split on blanks. */
    private static List<String> absolute(String out, Path root, int pathAt) {
        List<String> lines = new ArrayList<>();
        for (String line : out.strip().lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length > pathAt) {
                f[pathAt] = root.resolve(f[pathAt]).toString();
            }
            lines.add(String.join(" ", f));
        }
        return lines;
    }

    private static String post(String base, String command) throws IOException {
        try {
            HttpResponse<String> r = on.http().send(HttpRequest.newBuilder(URI.create(base + "/api/v0/" + command))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), command + ": " + r.body());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Runs a cat that must fail without printing the whole file: its error line. */
    private static String cat(KuboCli cli, List<String> args) throws IOException {
        Path out = dir.resolve("cat.out");
        Path err = dir.resolve("cat.err");
        Process p = cli.start(args, out, err);
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ipfs " + args + " ends");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            p.destroyForcibly();
        }
        assertNotEquals(0, p.exitValue(), "ipfs " + args + " fails");
        assertTrue(Files.size(out) < Files.size(big), "ipfs " + args + " does not print the changed file");
        return Files.readString(err).lines().filter(l -> l.startsWith("Error: ")).findFirst().orElse(Files.readString(err));
    }

    private static void sameListing(List<String> command, int pathAt) throws IOException {
        List<String> k = absolute(kubo(command), kuboRoot(), pathAt);
        List<String> p = absolute(p2pkit(command), p2pkitRoot(), pathAt);
        assertEquals(k, p, "ipfs " + command);
    }

    @Test
    @Order(1)
    void nocopyAddsGiveKubosCids() throws IOException {
        for (List<String> add : List.of(
                List.of("add", "--nocopy", "-q", big.toString()),
                List.of("add", "--nocopy", "-q", small.toString()),
                List.of("add", "--nocopy", "-q", "--cid-version", "1", big.toString()),
                List.of("add", "--nocopy", "-q", "--trickle", "--chunker", "size-100000", big.toString()),
                List.of("add", "--nocopy", "-r", "--progress=false", tree.toString()))) {
            String out = on.added(add);
            assertFalse(out.isEmpty());
        }
        // nocopy implies raw leaves: the CIDs are those of a raw-leaves add that copies
        assertEquals(on.kubo().cli().run(List.of("add", "-Q", "--only-hash", "--raw-leaves", big.toString())).strip(),
                p2pkit(List.of("add", "-Q", "--nocopy", big.toString())).strip());
        // raw leaves turned off: Kubo's error on both
        List<String> noRaw = List.of("add", "--nocopy", "--raw-leaves=false", small.toString());
        String kuboError = on.kubo().cli().outcome(noRaw);
        assertTrue(kuboError.contains("nocopy option requires '--raw-leaves' to be enabled as well"), kuboError);
        assertEquals(kuboError, on.client().outcome(on.api(), noRaw));
    }

    @Test
    @Order(2)
    void lsVerifyAndDupsPrintTheSameLines() throws IOException {
        sameListing(List.of("filestore", "ls"), 2);
        sameListing(List.of("filestore", "ls", "--file-order"), 2);
        sameListing(List.of("filestore", "verify"), 3);
        sameListing(List.of("filestore", "verify", "--file-order"), 3);
        String someKey = kubo(List.of("filestore", "ls")).strip().lines().findFirst().orElseThrow().split("\\s+")[0];
        String missing = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
        sameListing(List.of("filestore", "verify", someKey, missing), 3);
        // the JSON objects over HTTP (Kubo's CLI prints text even with --enc=json): boxo's ListRes, the same but
        // for the paths
        for (String command : List.of("filestore/ls?file-order=true", "filestore/verify?file-order=true",
                "filestore/ls?arg=" + someKey + "&arg=" + missing + "&arg=notacid")) {
            List<String> k = post(on.kubo().apiUrl(), command).strip().lines().toList();
            List<String> p = post(HttpAddress.url(on.node().apiAddress().orElseThrow()), command).strip().lines().toList();
            assertEquals(k.size(), p.size(), command);
            for (int i = 0; i < k.size(); i++) {
                Map<String, Object> ko = new LinkedHashMap<>(Json.parseObject(k.get(i)));
                Map<String, Object> po = new LinkedHashMap<>(Json.parseObject(p.get(i)));
                assertEquals(List.copyOf(ko.keySet()), List.copyOf(po.keySet()), command);
                String kp = (String) ko.remove("FilePath");
                String pp = (String) po.remove("FilePath");
                assertEquals(kp.isEmpty() ? "" : kuboRoot().resolve(kp).toString(),
                        pp.isEmpty() ? "" : p2pkitRoot().resolve(pp).toString(), command);
                assertEquals(ko, po, command);
            }
        }
        // no block is both copied and referenced until a copying add of the same file
        assertEquals("", kubo(List.of("filestore", "dups")).strip());
        assertEquals("", p2pkit(List.of("filestore", "dups")).strip());
        on.added(List.of("add", "-q", "--raw-leaves", small.toString()));
        String dups = kubo(List.of("filestore", "dups")).strip();
        assertFalse(dups.isEmpty());
        assertEquals(dups, p2pkit(List.of("filestore", "dups")).strip());
    }

    @Test
    @Order(3)
    void aChangedFileIsReportedAndItsBlocksFailToRead() throws IOException {
        String root = kubo(List.of("add", "--nocopy", "-Q", big.toString())).strip();
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.seek(CHUNK + 17);
            int b = raf.read();
            raf.seek(CHUNK + 17);
            raf.write(b ^ 0xff);
        }
        List<String> verify = List.of("filestore", "verify", "--file-order");
        List<String> k = absolute(kubo(verify), kuboRoot(), 3);
        assertEquals(k, absolute(p2pkit(verify), p2pkitRoot(), 3));
        assertTrue(k.stream().anyMatch(l -> l.startsWith("changed ") && l.endsWith(big + " " + CHUNK)), k.toString());

        // a read of the changed block fails on both with boxo's error naming the file (relative to each root)
        String changed = k.stream().filter(l -> l.startsWith("changed ") && l.endsWith(big + " " + CHUNK)).findFirst()
                .orElseThrow().split(" ")[1];
        String kuboRel = kuboRoot().relativize(big).toString();
        String p2pkitRel = p2pkitRoot().relativize(big).toString();
        String kuboGet = on.kubo().cli().outcome(List.of("block", "get", changed));
        assertEquals("Error: data in file did not match. " + kuboRel + " offset " + CHUNK, kuboGet);
        assertEquals(kuboGet.replace(kuboRel, p2pkitRel), on.client().outcome(on.api(), List.of("block", "get", changed)));
        // cat: Kubo's daemon goes on to ask the network for the block it cannot read (so a deadline ends it),
        // p2pkit's fails at once with the same error as block get; neither prints the file
        String kuboCat = cat(on.kubo().cli(), List.of("cat", "--timeout=5s", root));
        String p2pkitCat = cat(on.client(), on.withApi(List.of("cat", "--timeout=5s", root)));
        assertTrue(kuboCat.startsWith("Error: "), kuboCat);
        assertEquals("Error: data in file did not match. " + p2pkitRel + " offset " + CHUNK, p2pkitCat);

        // --remove-bad-blocks drops the changed block's reference, keeps the others and the file
        List<String> remove = List.of("filestore", "verify", "--file-order", "--remove-bad-blocks");
        List<String> removed = absolute(kubo(remove), kuboRoot(), 3);
        assertEquals(removed, absolute(p2pkit(remove), p2pkitRoot(), 3));
        assertTrue(removed.stream().anyMatch(l -> l.startsWith("changed ") && l.endsWith(" remove")), removed.toString());
        sameListing(List.of("filestore", "verify", "--file-order"), 3);
        assertTrue(Files.exists(big));
    }

    @Test
    @Order(4)
    void gcDropsUnpinnedReferencesNeverFiles() throws IOException {
        for (List<String> cmd : List.of(List.of("pin", "ls", "--type=recursive", "-q"))) {
            for (String pinned : kubo(cmd).strip().lines().toList()) {
                kubo(List.of("pin", "rm", pinned));
            }
            for (String pinned : p2pkit(cmd).strip().lines().toList()) {
                p2pkit(List.of("pin", "rm", pinned));
            }
        }
        kubo(List.of("repo", "gc", "-q"));
        p2pkit(List.of("repo", "gc", "-q"));
        assertEquals("", kubo(List.of("filestore", "ls")).strip());
        assertEquals("", p2pkit(List.of("filestore", "ls")).strip());
        assertTrue(Files.exists(big) && Files.exists(small) && Files.exists(tree.resolve("a.bin")));
    }

    @Test
    @Order(5)
    void offTheErrorsAreKubos() throws IOException {
        Path f = dir.resolve("off").resolve("off.bin");
        Files.write(f, new byte[] {1, 2, 3});
        for (List<String> cmd : List.of(List.of("add", "--nocopy", f.toString()), List.of("filestore", "ls"),
                List.of("filestore", "verify"), List.of("filestore", "dups"))) {
            String kuboError = off.kubo().cli().outcome(cmd);
            assertTrue(kuboError.startsWith("Error: "), kuboError);
            assertEquals(kuboError, off.client().outcome(off.api(), cmd), "ipfs " + cmd);
        }
    }

    @Test
    @Order(6)
    void kuboFetchesReferencedBlocksOverBitswapAndNeverAChangedOne() throws IOException {
        Path served = write(files.resolve("served.bin"), 2 * CHUNK + 3, new SplittableRandom(99));
        String root = p2pkit(List.of("add", "--nocopy", "-Q", served.toString())).strip();
        List<String> leaves = p2pkit(List.of("filestore", "ls", "--file-order")).strip().lines()
                .filter(l -> l.contains("served.bin")).map(l -> l.split("\\s+")[0]).toList();
        assertEquals(3, leaves.size());
        on.kubo().cli().run(List.of("swarm", "connect", on.node().addresses().getFirst().toString()));
        // the second leaf changes before Kubo asks for it: p2pkit cannot read it back, so it does not send it
        try (RandomAccessFile raf = new RandomAccessFile(served.toFile(), "rw")) {
            raf.seek(CHUNK);
            raf.write(raf.read() ^ 1);
        }
        byte[] first = on.kubo().cli().runBytes(List.of("block", "get", "--timeout=30s", leaves.get(0)));
        assertEquals(CHUNK, first.length);
        assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOf(Files.readAllBytes(served), CHUNK), first),
                "Kubo got the first leaf's bytes from p2pkit's file");
        String changed = on.kubo().cli().outcome(List.of("block", "get", "--timeout=5s", leaves.get(1)));
        assertTrue(changed.startsWith("Error: "), "Kubo gets no bytes for the changed leaf: " + changed);
        byte[] third = on.kubo().cli().runBytes(List.of("block", "get", "--timeout=30s", leaves.get(2)));
        assertEquals(3, third.length);
        assertFalse(root.isEmpty());
    }
}
