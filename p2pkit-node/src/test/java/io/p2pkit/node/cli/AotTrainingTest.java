package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AOT caches' training run ({@code scripts/aot-train}) as the build runs it: every step
 * succeeds, the JVM records it, both caches are made from the recording (classes loaded on use,
 * and classes loaded and linked at start), and a JVM that must use a cache
 * ({@code -XX:AOTMode=on}, which fails rather than start without it) runs {@code p2pkit version}
 * with each (the linked one with the options that go with its profiles,
 * {@code src/main/jvm/aot-profiles.args}, and Netty's, {@code src/main/jvm/netty.args}, with which
 * the training also runs, and as a daemon starts, also with {@code src/main/jvm/aot-no-replay.args}), and
 * with C1 alone as the launcher runs short commands. picocli's jar is rewritten
 * first, as {@code scripts/aot-train} rewrites the command's copy
 * ({@code scripts/UpgradeOldClasses.java}), and its classes then come from the cache. Then the
 * typed commands' training ({@code AotTraining cli}) and its linked cache, the same way, and the
 * data commands' ({@code AotTraining data}), whose cache then runs an {@code add}.
 */
class AotTrainingTest {
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void trainingRunsMakeTheCachesThatTheNextStartUses(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path recording = dir.resolve("p2pkit-node.aotconf");
        String classpath = jarredClasspath(Files.createDirectory(dir.resolve("jars")));
        // Netty's options for every command, as scripts/aot-train records the training with them
        String netty = "@" + Path.of("src/main/jvm/netty.args").toAbsolutePath();
        // the training not replayed, as the launcher starts the daemon and short commands
        String noReplay = "@" + Path.of("src/main/jvm/aot-no-replay.args").toAbsolutePath();
        Result training = java(dir, home, classpath, List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + recording,
                netty), AotTraining.class.getName());
        assertEquals(0, training.status(), training.output());

        for (List<String> linking : List.of(List.of("-XX:-AOTClassLinking"), List.<String>of())) {
            Path cache = dir.resolve(linking.isEmpty() ? "p2pkit-node-linked.aot" : "p2pkit-node.aot");
            List<String> create = new ArrayList<>(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + recording,
                    "-XX:AOTCache=" + cache));
            create.addAll(linking);
            Result made = java(dir, home, classpath, create, null);
            assertEquals(0, made.status(), made.output());
            assertTrue(Files.size(cache) > 0);

            Path loaded = dir.resolve(cache.getFileName() + ".classes");
            List<String> start = new ArrayList<>(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on",
                    "-Xlog:class+load=info:file=" + loaded));
            if (linking.isEmpty()) {
                // the options the launcher adds to the linked cache's profiles: this JDK takes them,
                // and still the cache
                start.add("@" + Path.of("src/main/jvm/aot-profiles.args").toAbsolutePath());
                start.add(netty);
            }
            Result version = java(dir, home, classpath, start, Main.class.getName(), "version");
            assertEquals(0, version.status(), cache + ": " + version.output());
            assertTrue(version.output().startsWith("p2pkit version "), version.output());
            List<String> picocli = Files.readAllLines(loaded).stream()
                    .filter(l -> l.contains(" picocli.CommandLine$Model$CommandSpec ")).toList();
            assertEquals(1, picocli.size(), "picocli's command model is loaded once: " + picocli);
            assertTrue(picocli.getFirst().endsWith("source: shared objects file"),
                    "picocli's classes come from the cache once rewritten: " + picocli);
        }
        // The daemon's options: the linked cache's, and its training not replayed; the JDK takes them
        // together, and still the cache.
        Result daemonOptions = java(dir, home, classpath, List.of("-XX:AOTCache=" + dir.resolve("p2pkit-node-linked.aot"),
                "-XX:AOTMode=on", "@" + Path.of("src/main/jvm/aot-profiles.args").toAbsolutePath(),
                noReplay, netty), Main.class.getName(), "version");
        assertEquals(0, daemonOptions.status(), "the daemon's options: " + daemonOptions.output());
        assertTrue(daemonOptions.output().startsWith("p2pkit version "), daemonOptions.output());
        // The launcher runs short commands on C1 alone (-XX:TieredStopAtLevel=1) with the same cache.
        Result c1 = java(dir, home, classpath, List.of("-XX:AOTCache=" + dir.resolve("p2pkit-node.aot"),
                "-XX:AOTMode=on", "-XX:TieredStopAtLevel=1"), Main.class.getName(), "version");
        assertEquals(0, c1.status(), "C1 alone: " + c1.output());
        assertTrue(c1.output().startsWith("p2pkit version "), c1.output());

        // The typed commands' cache: its own training (a daemon in a process of its own), linked.
        Path cli = linkedCache(dir, classpath, "cli");
        // as the launcher runs short commands: C1 alone, the training's compilations not replayed
        Result cliVersion = java(dir, home, classpath, List.of("-XX:AOTCache=" + cli, "-XX:AOTMode=on",
                "-XX:TieredStopAtLevel=1", noReplay), Main.class.getName(), "version");
        assertEquals(0, cliVersion.status(), "the typed commands' cache: " + cliVersion.output());
        assertTrue(cliVersion.output().startsWith("p2pkit version "), cliVersion.output());
        assertTrue(Files.size(cli) < Files.size(dir.resolve("p2pkit-node-linked.aot")),
                "the typed commands' cache holds less than the node's");

        // add, cat and get's cache: its own training (init and a daemon in processes of their own),
        // linked; the launcher runs those commands with it at four times the compile thresholds.
        Path data = linkedCache(dir, classpath, "data");
        Path file = Files.writeString(dir.resolve("hello.txt"), "hello\n");
        Result added = java(dir, dir.resolve("data-home"), classpath, List.of("-XX:AOTCache=" + data, "-XX:AOTMode=on",
                "-XX:CompileThresholdScaling=4"), Main.class.getName(), "add", "-Q", "--only-hash", file.toString());
        assertEquals(0, added.status(), "add with its cache: " + added.output());
        // Kubo's CID of "hello\n" (ipfs add --only-hash)
        assertEquals("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN", added.output().strip());
        assertTrue(Files.size(data) < Files.size(dir.resolve("p2pkit-node-linked.aot")),
                "the data commands' cache holds less than the node's");
    }

    /**
     * Runs {@code AotTraining MODE} recorded in a home of its own and makes the linked cache
     * {@code p2pkit-node-MODE.aot} from the recording; the training's daemon must have stopped.
     */
    private static Path linkedCache(Path dir, String classpath, String mode) throws IOException, InterruptedException {
        Path home = Files.createDirectory(dir.resolve(mode + "-home"));
        Path recording = dir.resolve("p2pkit-node-" + mode + ".aotconf");
        Result training = java(dir, home, classpath, List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + recording),
                AotTraining.class.getName(), mode);
        assertEquals(0, training.status(), training.output());
        assertFalse(Files.exists(home.resolve("api")), "the training's daemon stopped and removed its api file");
        Path cache = dir.resolve("p2pkit-node-" + mode + ".aot");
        Result made = java(dir, home, classpath, List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + recording,
                "-XX:AOTCache=" + cache), null);
        assertEquals(0, made.status(), made.output());
        return cache;
    }

    /** The repository's root, where {@code scripts/} is. */
    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("scripts/UpgradeOldClasses.java"))) {
                return p;
            }
        }
        throw new AssertionError("no scripts/UpgradeOldClasses.java above " + Path.of("").toAbsolutePath());
    }

    private record Result(int status, String output) {
    }

    /**
     * This test's classpath with each directory (target/classes) packed into a jar, as in the
     * built command: the JVM makes no AOT cache over class directories.
     */
    private static String jarredClasspath(Path jars) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName().toString().startsWith("picocli-")) {
                // the command's copy of picocli, as scripts/aot-train leaves it
                Path copy = Files.copy(p, jars.resolve(p.getFileName()));
                Result upgraded = java(jars, jars, "", List.of(), root().resolve("scripts/UpgradeOldClasses.java").toString(),
                        copy.toString());
                assertEquals(0, upgraded.status(), upgraded.output());
                assertTrue(upgraded.output().contains("classes older than Java 6 rewritten"), upgraded.output());
                out.add(copy.toString());
                continue;
            }
            if (!Files.isDirectory(p)) {
                out.add(entry);
                continue;
            }
            Path jar = jars.resolve(out.size() + ".jar");
            try (JarOutputStream zip = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(p)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
            out.add(jar.toString());
        }
        return String.join(File.pathSeparator, out);
    }

    /** Runs {@code main} (null: nothing, as {@code -XX:AOTMode=create} does) in a JVM of its own. */
    private static Result java(Path dir, Path home, String classpath, List<String> jvm, String main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xlog:disable", "-Xlog:all=error:stderr"));
        cmd.addAll(jvm);
        if (!classpath.isEmpty()) {
            cmd.addAll(List.of("-cp", classpath));
        }
        if (main != null) { // null: the JVM makes a cache and runs nothing
            cmd.add(main);
        }
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "java", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("P2PKIT_HOME", home.toString());
        Process p = pb.start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
