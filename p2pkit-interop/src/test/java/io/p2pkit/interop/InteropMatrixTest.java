package io.p2pkit.interop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InteropMatrixTest {
    @Test
    void rendersSortedRowsCountsAndNotes(@TempDir Path dir) throws IOException {
        InteropMatrix m = new InteropMatrixFactory().fresh();
        m.record(new InteropMatrix.Result("rust", "js", "tcp", "tls", "mplex", InteropMatrix.Outcome.FAIL,
                "js peer reported an error | badly\n--- stderr ---"));
        m.record(new InteropMatrix.Result("go", "js", "tcp", "noise", "yamux", InteropMatrix.Outcome.PASS, null));
        m.record(new InteropMatrix.Result("js", "rust", "tcp", "noise", "mplex", InteropMatrix.Outcome.SKIP,
                "rust peer skipped: cargo is not installed"));
        m.note("rust peer skipped: cargo is not installed");
        m.note("rust peer skipped: cargo is not installed");
        String md = m.toMarkdown();
        String[] lines = md.split("\n");
        assertEquals("| go | js | tcp | noise | yamux | pass |  |", lines[4]);
        assertEquals("| js | rust | tcp | noise | mplex | skip | rust peer skipped: cargo is not installed |", lines[5]);
        assertEquals("| rust | js | tcp | tls | mplex | fail | js peer reported an error \\| badly |", lines[6]);
        assertTrue(md.contains("Totals: pass 1, fail 1, known failures 0, skipped 1."), md);
        assertEquals(1, md.split("- rust peer skipped", -1).length - 1, md);

        Path file = dir.resolve("sub/interop-matrix.md");
        m.report(file);
        assertEquals(md, Files.readString(file));
    }

    /** A matrix separate from the shared one, so this test does not show up in the real report. */
    private static final class InteropMatrixFactory {
        InteropMatrix fresh() {
            return InteropMatrix.create();
        }
    }
}
