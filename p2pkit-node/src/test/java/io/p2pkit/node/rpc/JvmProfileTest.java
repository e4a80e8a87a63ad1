package io.p2pkit.node.rpc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.p2pkit.testing.Await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JvmProfile}: the collectors, the zip's entries, Kubo's errors and the bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProfileTest {
    private static final Map<String, Object> VERSION = new LinkedHashMap<>(Map.of("Version", "test"));

    private static JvmProfile.Options options(List<String> collectors, Duration time) {
        return new JvmProfile.Options(collectors, time, 4, Duration.ofMillis(1), VERSION);
    }

    /** The entries of the zip, by name, with their bytes. */
    private static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static byte[] profile(JvmProfile.Options options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JvmProfile.write(options, () -> out, () -> false);
        return out.toByteArray();
    }

    private static Set<String> tempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return new java.util.HashSet<>(s.filter(p -> p.getFileName().toString().startsWith("p2pkit-profile"))
                    .map(Path::toString).toList());
        }
    }

    @Test
    void snapshotsWithoutAProfileTimeAreOneEntryEach() throws Exception {
        Set<String> before = tempDirs();
        Map<String, byte[]> zip = entries(profile(options(JvmProfile.DEFAULTS, Duration.ZERO)));
        // the sampling collectors need a profile time, as Kubo's do
        assertEquals(List.of("threads.stacks", "threads.json", "version.json", "heap.histogram", "jvm.json"),
                new ArrayList<>(zip.keySet()));
        String stacks = new String(zip.get("threads.stacks"), StandardCharsets.UTF_8);
        assertTrue(stacks.contains("java.lang.Thread.State: RUNNABLE") && stacks.contains("\tat "), stacks);
        String threads = new String(zip.get("threads.json"), StandardCharsets.UTF_8);
        assertTrue(threads.contains("\"threadDump\""), threads);
        assertEquals("{\"Version\":\"test\"}\n", new String(zip.get("version.json"), StandardCharsets.UTF_8));
        assertTrue(new String(zip.get("heap.histogram"), StandardCharsets.UTF_8).contains("java.lang.String"));
        assertTrue(new String(zip.get("jvm.json"), StandardCharsets.UTF_8).contains("\"ClassPath\""));
        assertEquals(before, tempDirs(), "the temporary files are gone");
    }

    @Test
    void theSamplingCollectorsShareOneRecording() throws Exception {
        Map<String, byte[]> zip = entries(profile(options(List.of("version", "cpu", "allocs", "mutex", "block"),
                Duration.ofMillis(300))));
        assertEquals(List.of("version.json", JvmProfile.RECORDING), new ArrayList<>(zip.keySet()));
        byte[] jfr = zip.get(JvmProfile.RECORDING);
        assertArrayEquals("FLR\0".getBytes(StandardCharsets.ISO_8859_1), java.util.Arrays.copyOf(jfr, 4), "a JFR file");
    }

    @Test
    void anUnknownCollectorEndsAnEmptyZipWithKubosError() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RpcError e = assertThrows(RpcError.class, () -> JvmProfile.write(options(List.of("version", "foo"), Duration.ZERO),
                () -> out, () -> false));
        assertEquals("unknown collector 'foo'", e.getMessage());
        assertEquals(22, out.size(), "an empty zip's end record, as Kubo's");
        assertTrue(entries(out.toByteArray()).isEmpty());
        // over HTTP, Kubo's CLI sends "a,b" as two values; one value holding a comma is one unknown name
        assertEquals("unknown collector 'version,heap'", assertThrows(RpcError.class, () -> JvmProfile.write(
                options(List.of("version,heap"), Duration.ZERO), ByteArrayOutputStream::new, () -> false)).getMessage());
    }

    @Test
    void kubosRulesSkipCollectors() throws Exception {
        Set<JvmProfile.Collector> all = EnumSet.allOf(JvmProfile.Collector.class);
        Set<JvmProfile.Collector> none = JvmProfile.enabled(all, new JvmProfile.Options(List.of(), Duration.ofSeconds(1),
                0, Duration.ZERO, VERSION));
        assertFalse(none.contains(JvmProfile.Collector.MUTEX), "a fraction of 0 skips mutex");
        assertFalse(none.contains(JvmProfile.Collector.BLOCK), "a rate of 0 skips block");
        assertTrue(none.contains(JvmProfile.Collector.CPU));
        Map<String, String> cpuOnly = JvmProfile.settings(EnumSet.of(JvmProfile.Collector.CPU), options(List.of(), Duration.ofSeconds(1)));
        assertEquals("true", cpuOnly.get("jdk.ExecutionSample#enabled"));
        assertEquals("false", cpuOnly.get("jdk.ObjectAllocationSample#enabled"));
        Map<String, String> block = JvmProfile.settings(EnumSet.of(JvmProfile.Collector.BLOCK), options(List.of(), Duration.ofSeconds(1)));
        assertEquals("1000000 ns", block.get("jdk.ThreadPark#threshold"), "the block rate is the threshold");
    }

    @Test
    void aHeapDumpOnlyWhenNamed(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path zip = tmp.resolve("heap.zip");
        try (java.io.OutputStream out = Files.newOutputStream(zip)) {
            JvmProfile.write(options(List.of("heap-dump"), Duration.ZERO), () -> out, () -> false);
        }
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            assertEquals(List.of("heap.hprof"), java.util.Collections.list(z.entries()).stream().map(ZipEntry::getName).toList());
            byte[] head = z.getInputStream(z.getEntry("heap.hprof")).readNBytes(12);
            assertEquals("JAVA PROFILE", new String(head, StandardCharsets.ISO_8859_1), "an HPROF file");
        }
        assertFalse(JvmProfile.DEFAULTS.contains("heap-dump"), "never by default");
    }

    @Test
    void theProfileTimeIsCapped() {
        RpcError e = assertThrows(RpcError.class, () -> profile(options(List.of("cpu"), Duration.ofMinutes(11))));
        assertEquals("profile-time 11m0s is above p2pkit's limit of 10m0s", e.getMessage());
    }

    @Test
    void oneProfileAtATimeAndAGoneClientStopsIt() throws Exception {
        AtomicBoolean gone = new AtomicBoolean();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                JvmProfile.write(options(List.of("cpu"), Duration.ofSeconds(30)), () -> first, gone::get);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until("the first profile runs", JvmProfile::running, Duration.ofSeconds(20));
        RpcError e = assertThrows(RpcError.class, () -> profile(options(List.of("version"), Duration.ZERO)));
        assertEquals("a profile is being collected already: one at a time", e.getMessage());
        gone.set(true);
        Throwable ended = assertThrows(java.util.concurrent.ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS))
                .getCause();
        assertTrue(ended.getMessage().contains("the client has gone"), ended.toString());
        assertFalse(JvmProfile.running());
        assertEquals(List.of("version.json"), new ArrayList<>(entries(profile(options(List.of("version"), Duration.ZERO)))
                .keySet()), "the next one runs");
    }
}
