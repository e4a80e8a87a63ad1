package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void noArgumentsIsAUsageError() {
        CliRunner r = CliRunner.run();
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("Usage: p2pkit COMMAND"));
    }

    @Test
    void helpListsTheCommands() {
        CliRunner r = CliRunner.run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("version"));
        assertTrue(r.out().contains("id "));
    }

    @Test
    void unknownCommandIsAUsageErrorOnStderr() {
        CliRunner r = CliRunner.run("frobnicate");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("unknown command 'frobnicate'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "id", "daemon", "ping", "transport-interop", "init", "block", "dag", "pin", "repo", "cid"})
    void everyCommandHasHelp(String command) {
        CliRunner r = CliRunner.run(command, "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("Usage: p2pkit " + command), r.out());
        CliRunner viaHelp = CliRunner.run("help", command);
        assertEquals(r.out(), viaHelp.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRunner r = CliRunner.run("version", "--frob");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown option --frob"), r.err());
    }

    @Test
    void theLastValueOfAnOptionWinsAndBothSpellingsWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String first = dir.resolve("first.key").toString();
        String second = dir.resolve("second.key").toString();
        CliRunner r = CliRunner.run("id", "--identity", first, "--identity=" + second, "--json", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of(second)));
        assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of(first)), "the first --identity was overridden");
    }

    @Test
    void versionPrintsOneJsonLine() {
        CliRunner r = CliRunner.run("version", "--json");
        assertEquals(0, r.status());
        String line = r.out().strip();
        assertTrue(line.startsWith("{\"version\":\"") && line.endsWith("}") && !line.contains("\n"), line);
        assertTrue(line.contains("\"java\":\""), line);
    }

    @Test
    void aCommandLineNamingACommandParsesOnlyThatCommand() {
        List<CliCommand> all = Main.commands();
        List<CliCommand> version = Main.named(all, List.of("version", "--json"));
        assertEquals(1, version.size());
        assertTrue(version.getFirst() instanceof io.p2pkit.node.cli.command.VersionCommand);
        for (List<String> argv : List.of(List.<String>of(), List.of("--version"), List.of("help", "id"), List.of("frob"))) {
            assertEquals(all, Main.named(all, argv), argv.toString());
        }
    }

    @Test
    void theVersionOptionStillFindsTheVersionCommand() {
        CliRunner r = CliRunner.run("--version");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("p2pkit version "), r.out());
    }

    /**
     * A short command's process never searches the class path: picocli's look for Groovy's closure
     * class and {@code System.exit}'s logger each opened every jar of it (about 13 ms of 100).
     */
    @Test
    void aVersionProcessNeverSearchesTheClassPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path log = dir.resolve("init.log");
        ChildCommand r = ChildCommand.run(dir, List.of("-Xlog:class+init=info:file=" + log), "version");
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().startsWith("p2pkit version "), r.output());
        List<String> initialised = java.nio.file.Files.readAllLines(log);
        assertTrue(initialised.stream().anyMatch(l -> l.contains("'io/p2pkit/node/cli/command/VersionCommand'")),
                "the log names the classes the process initialised");
        List<String> searches = initialised.stream().filter(l -> l.contains("'java/lang/ClassNotFoundException'")
                || l.contains("'java/util/ServiceLoader$LazyClassPathLookupIterator'")).toList();
        assertTrue(searches.isEmpty(), "a missing class or a service was looked for on the class path: " + searches);
    }

    @Test
    void aFailingCommandStillExitsWithItsStatus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ChildCommand r = ChildCommand.run(dir, List.of(), "frobnicate");
        assertEquals(Main.USAGE, r.status(), r.output());
        assertTrue(r.output().contains("unknown command 'frobnicate'"), r.output());
    }

    @Test
    void theDefaultPropertiesTurnNettysLeakDetectionAndJfrEventsOffUnlessTheCommandLineSetsThem() {
        List<String> keys = List.of("io.netty.jfr.enabled", "io.netty.leakDetection.level", "picocli.disable.closures");
        java.util.Map<String, String> saved = new java.util.HashMap<>();
        keys.forEach(k -> saved.put(k, System.getProperty(k)));
        try {
            System.clearProperty("io.netty.jfr.enabled");
            System.setProperty("io.netty.leakDetection.level", "paranoid"); // as -D on the command line
            Main.setDefaultProperties();
            assertEquals("false", System.getProperty("io.netty.jfr.enabled"));
            assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
            System.setProperty("io.netty.jfr.enabled", "true");
            System.clearProperty("io.netty.leakDetection.level");
            Main.setDefaultProperties();
            assertEquals("true", System.getProperty("io.netty.jfr.enabled"));
            assertEquals("disabled", System.getProperty("io.netty.leakDetection.level"));
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    @Test
    void aLiveThreadThatIsNotADaemonKeepsTheJvm() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        try {
            assertTrue(Main.othersKeepTheJvm());
        } finally {
            release.countDown();
            t.join(10_000);
        }
    }
}
