package io.p2pkit.node.cli.content;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HumanBytesTest {
    /** Values go-humanize's Bytes gives (its own tests and Kubo's repo stat --human). */
    @ParameterizedTest
    @CsvSource({"0, 0 B", "9, 9 B", "10, 10 B", "999, 999 B", "1000, 1.0 kB", "1500, 1.5 kB", "12345, 12 kB",
            "1000000, 1.0 MB", "1234567, 1.2 MB", "10000000000, 10 GB", "82854982, 83 MB"})
    void likeGoHumanize(long bytes, String expected) {
        assertEquals(expected, HumanBytes.si(bytes));
    }
}
