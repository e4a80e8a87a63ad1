package io.p2pkit.interop;

import io.p2pkit.kad.Mode;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs} with {@code --api}, against a Kubo 0.39 daemon and a p2pkit daemon, for
 * {@code diag profile} and {@code provide clear}. A profile's entries differ by design (Go's pprof
 * files against the JVM's diagnostics): each side must give a valid zip whose entries are exactly
 * those its collectors name, by the mapping {@code docs/RPC.md} documents; errors and
 * {@code provide clear}'s output must be the same.
 */
@InteropArea("RPC API: diag profile and provide clear against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiagProfileKuboInteropTest {
    /** Each collector tested, with the entry Kubo writes and the one p2pkit writes (docs/RPC.md). */
    private static final Map<String, List<String>> ENTRIES = Map.of(
            "goroutines-stack", List.of("goroutines.stacks", "threads.stacks"),
            "goroutines-pprof", List.of("goroutines.pprof", "threads.json"),
            "version", List.of("version.json", "version.json"),
            "heap", List.of("heap.pprof", "heap.histogram"),
            "cpu", List.of("cpu.pprof", "profile.jfr"),
            "allocs", List.of("allocs.pprof", "profile.jfr"),
            "mutex", List.of("mutex.pprof", "profile.jfr"),
            "block", List.of("block.pprof", "profile.jfr"));

    @TempDir
    static Path dir;
    private static KuboBeside pair;

    @BeforeAll
    static void start() throws IOException {
        // Kubo without routing has its no-op provider; p2pkit with a DHT has its reprovider's real queue
        pair = KuboBeside.start(dir, "none", b -> b.dht(NodeConfig.Dht.of(Mode.SERVER)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (pair != null) {
            pair.close();
        }
    }

    /** Kubo's CLI on Kubo's daemon (0) and on p2pkit's (1). */
    private static String outcome(int side, List<String> args) {
        return side == 0 ? pair.kubo().cli().outcome(args) : pair.client().outcome(pair.withApi(args));
    }

    private static String same(String... args) {
        String fromKubo = outcome(0, List.of(args));
        assertEquals(fromKubo, outcome(1, List.of(args)), "ipfs " + String.join(" ", args));
        return fromKubo;
    }

    private static List<String> entries(Path zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                names.add(e.getName());
                assertTrue(e.getSize() > 0, zip + ": " + e.getName() + " is empty");
            }
        }
        return names;
    }

    @Test
    void eachDaemonWritesAValidZipOfItsCollectorsEntries() throws Exception {
        List<String> collectors = List.of("goroutines-stack", "goroutines-pprof", "version", "heap", "cpu", "allocs",
                "mutex", "block");
        List<Object> versionKeys = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            Path zip = dir.resolve("profile-" + side + ".zip");
            String out = outcome(side, List.of("diag", "profile", "--profile-time", "1s", "--collectors",
                    String.join(",", collectors), "-o", zip.toString()));
            assertEquals("Wrote profiles to: " + zip, out.strip(), "side " + side);
            TreeSet<String> expected = new TreeSet<>();
            for (String c : collectors) {
                expected.add(ENTRIES.get(c).get(side));
            }
            List<String> names = entries(zip);
            assertEquals(expected, new TreeSet<>(names), "side " + side);
            assertEquals(expected.size(), names.size(), "one entry each, side " + side + ": " + names);
            try (ZipFile z = new ZipFile(zip.toFile())) {
                String version = new String(z.getInputStream(z.getEntry("version.json")).readAllBytes());
                versionKeys.add(List.copyOf(Json.parseObject(version.strip()).keySet()));
            }
        }
        assertEquals(versionKeys.get(0), versionKeys.get(1), "version.json: Kubo's fields in Kubo's order");

        // Kubo's default collectors (bin and trace too) on p2pkit: Kubo's own would copy its 100 MB binary
        Path all = dir.resolve("profile-defaults.zip");
        assertEquals("Wrote profiles to: " + all, outcome(1, List.of("diag", "profile", "--profile-time", "1s", "-o",
                all.toString())).strip());
        assertEquals(new TreeSet<>(List.of("threads.stacks", "threads.json", "version.json", "heap.histogram", "jvm.json",
                "profile.jfr")), new TreeSet<>(entries(all)));

        // the raw answer: bytes streamed as go-ipfs-cmds streams them
        for (String base : List.of(pair.kubo().apiUrl(), HttpAddress.url(pair.node().apiAddress().orElseThrow()))) {
            HttpResponse<byte[]> r = pair.http().send(HttpRequest.newBuilder(URI.create(base
                            + "/api/v0/diag/profile?collectors=version&profile-time=0s"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), base);
            assertEquals("1", r.headers().firstValue("X-Stream-Output").orElse(""), base);
            assertEquals("text/plain", r.headers().firstValue("Content-Type").orElse(""), base);
            Path zip = Files.write(dir.resolve("raw.zip"), r.body());
            assertEquals(List.of("version.json"), entries(zip), base);
        }
    }

    @Test
    void anUnknownCollectorFailsAsOnKuboLeavingAnEmptyZip() throws Exception {
        for (int side = 0; side < 2; side++) {
            Path zip = dir.resolve("unknown-" + side + ".zip");
            assertEquals("Error: unknown collector 'foo'", outcome(side, List.of("diag", "profile", "--collectors",
                    "version,foo", "-o", zip.toString())), "side " + side);
            // Kubo's CLI has created the file and copied what came: an empty zip
            assertEquals(22, Files.size(zip), "side " + side);
            assertEquals(List.of(), entries(zip));
        }
    }

    @Test
    void badDurationsAndNumbersFailAsOnKubo() {
        Path zip = dir.resolve("never.zip");
        assertEquals("Error: failed to parse profile duration \"1x\": time: unknown unit \"x\" in duration \"1x\"",
                same("diag", "profile", "--profile-time", "1x", "-o", zip.toString()));
        assertEquals("Error: failed to parse block profile rate \"x\": time: invalid duration \"x\"",
                same("diag", "profile", "--block-profile-rate", "x", "-o", zip.toString()));
        same("diag", "profile", "--mutex-profile-fraction", "x", "-o", zip.toString());
    }

    @Test
    void provideClearAnswersAsOnKubo() {
        assertEquals("removed 0 items from provide queue\n", same("provide", "clear"));
        assertEquals("", same("provide", "clear", "-q"));
        assertEquals("0\n", same("provide", "clear", "--enc=json"));
        assertEquals("", same("provide", "clear", "--quiet", "--enc=json"));
    }
}
