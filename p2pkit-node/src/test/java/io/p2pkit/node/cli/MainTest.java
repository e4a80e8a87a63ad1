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
}
