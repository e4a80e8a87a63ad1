package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CommandFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class EditorCommandTest {
    @Test
    void splitsAsAShellSplitsWords() {
        assertEquals(List.of("vi"), EditorCommand.split("vi"));
        assertEquals(List.of("code", "--wait"), EditorCommand.split("  code \t --wait "));
        assertEquals(List.of("/opt/my editor/bin/ed", "-x"), EditorCommand.split("'/opt/my editor/bin/ed' -x"));
        assertEquals(List.of("emacs", "-nw", "a b\"c$"), EditorCommand.split("emacs -nw \"a b\\\"c\\$\""));
        assertEquals(List.of("a b", "c\\d"), EditorCommand.split("a\\ b \"c\\d\""));
        assertEquals(List.of("ab"), EditorCommand.split("a''b"));
    }

    @Test
    void refusesWhatNoShellWouldRun() {
        assertEquals("cannot parse $EDITOR value: a double quote is not closed",
                assertThrows(CommandFailedException.class, () -> EditorCommand.split("vi \"x")).getMessage());
        assertEquals("cannot parse $EDITOR value: it ends in a backslash",
                assertThrows(CommandFailedException.class, () -> EditorCommand.split("vi \\")).getMessage());
        assertEquals("cannot parse $EDITOR value: it names no program",
                assertThrows(CommandFailedException.class, () -> EditorCommand.split("   ")).getMessage());
    }
}
