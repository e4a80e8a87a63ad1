package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void aKnownTotalDrawsABarAPercentageAndBothAmounts() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(sink, true, StandardCharsets.UTF_8);
        ProgressBar bar = ProgressBar.start(err, "importing", 4 * 1024 * 1024, ProgressBar.Unit.BYTES, "");
        bar.set(1024 * 1024);
        assertEquals("importing  [======>                 ]  25%  1.0 MiB / 4.0 MiB", bar.line(0));
        bar.set(4 * 1024 * 1024);
        bar.close();
        bar.close();
        String out = sink.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rimporting  ["), out);
        assertTrue(out.contains("[========================] 100%  4.0 MiB / 4.0 MiB"), out);
        assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1, "one line, ended once: " + out);
    }

    @Test
    void anUnknownTotalCountsAndShowsTheTime() {
        ProgressBar bar = ProgressBar.start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "verifying", -1, ProgressBar.Unit.COUNT, "blocks");
        bar.add(1234);
        assertEquals("verifying  1,234 blocks  3s", bar.line(3.2));
        bar.total(2000);
        assertEquals("verifying  [==============>         ]  61%  1,234 / 2,000 blocks", bar.line(3.2));
    }

    @Test
    void noneDrawsNothing() {
        ProgressBar.NONE.set(5);
        ProgressBar.NONE.close();
        assertFalse(ProgressBar.NONE.visible());
    }

    @Test
    void binaryUnits() {
        assertEquals("1023 B", ProgressBar.binary(1023));
        assertEquals("1.0 KiB", ProgressBar.binary(1024));
        assertEquals("1.5 GiB", ProgressBar.binary(3L << 29));
    }
}
