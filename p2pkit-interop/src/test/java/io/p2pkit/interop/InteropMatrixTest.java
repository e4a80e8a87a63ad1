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
    void rendersOneSortedTablePerAreaAndTheTotals(@TempDir Path dir) throws IOException {
        InteropMatrix m = InteropMatrix.create(); // not the shared one: this test is no row of the real report
        m.record(new InteropMatrix.Result("TCP", "rust dials js over tcp/tls/mplex", InteropMatrix.Outcome.FAIL,
                "js peer reported an error | badly\n--- stderr ---"));
        m.record(new InteropMatrix.Result("TCP", "go dials js over tcp/noise/yamux", InteropMatrix.Outcome.PASS, null));
        m.record(new InteropMatrix.Result("QUIC", "js dials rust over quic-v1", InteropMatrix.Outcome.SKIP,
                "the rust peer cannot run: cargo is not installed"));
        m.record(new InteropMatrix.Result("QUIC", "go dials rust over quic-v1", InteropMatrix.Outcome.KNOWN_FAILURE,
                "a reason"));
        String md = m.toMarkdown();
        assertEquals("""
                ### TCP

                | case | result | note |
                |---|---|---|
                | go dials js over tcp/noise/yamux | pass |  |
                | rust dials js over tcp/tls/mplex | fail | js peer reported an error \\| badly |

                ### QUIC

                | case | result | note |
                |---|---|---|
                | go dials rust over quic-v1 | known failure | a reason |
                | js dials rust over quic-v1 | skip | the rust peer cannot run: cargo is not installed |

                Totals: pass 1, fail 1, known failures 1, skipped 1.
                """, md);
        assertEquals(3, m.totals().executed());

        Path file = dir.resolve("sub/interop-matrix.md");
        m.report(file);
        assertEquals(md, Files.readString(file));
    }

    @Test
    void aRerunReplacesTheFirstOutcomeAndAPassSaysWhyTheFirstFailed(@TempDir Path dir) throws IOException {
        InteropMatrix m = InteropMatrix.create();
        m.record(new InteropMatrix.Result("Pubsub", "a mixed mesh", InteropMatrix.Outcome.FAIL, "received only []\nmore"));
        m.record(new InteropMatrix.Result("Pubsub", "a line", InteropMatrix.Outcome.FAIL, "timed out"));
        Path file = dir.resolve("interop-matrix.md");
        m.report(file);
        m.record(new InteropMatrix.Result("Pubsub", "a mixed mesh", InteropMatrix.Outcome.PASS, null));
        m.record(new InteropMatrix.Result("Pubsub", "a line", InteropMatrix.Outcome.FAIL, "timed out again"));
        assertEquals(new InteropMatrix.Totals(1, 1, 0, 0, 1), m.totals());
        String md = Files.readString(file);
        assertTrue(md.contains("| a mixed mesh | pass | passed when run again; the first run failed: received only [] |"), md);
        assertTrue(md.contains("| a line | fail | timed out again |"), md);
        assertTrue(md.endsWith("Totals: pass 1, fail 1, known failures 0, skipped 0, passed only when run again 1.\n"), md);
    }

    @Test
    void knownFailuresMustStillFail() throws Exception {
        KnownFailure.expect(null, () -> { });
        KnownFailure f = org.junit.jupiter.api.Assertions.assertThrows(KnownFailure.class,
                () -> KnownFailure.expect("why", () -> {
                    throw new AssertionError("broken");
                }));
        assertEquals("why", f.getMessage());
        AssertionError fixed = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> KnownFailure.expect("why", () -> { }));
        assertTrue(fixed.getMessage().contains("works now"), fixed.getMessage());
        IllegalStateException unexpected = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> KnownFailure.expect(null, () -> {
                    throw new IllegalStateException("unexpected");
                }));
        assertEquals("unexpected", unexpected.getMessage());
    }
}
