package io.p2pkit.node.cli.content;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class TarReaderFuzzTest {
    /** Any bytes are read entry by entry, or refused with an IOException saying why; never more entries than blocks. */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        TarReader r = new TarReader(new ByteArrayInputStream(input));
        int entries = 0;
        try {
            while (r.next() != null) {
                r.body().readAllBytes();
                entries++;
                assertTrue(entries <= input.length / 512);
            }
        } catch (IOException refused) {
            assertTrue(refused.getMessage() != null);
        }
    }
}
