package io.p2pkit.ipfs.unixfs.chunker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubo's --chunker syntax, and that every chunker gives back exactly the stream, within its sizes. */
class ChunkerSpecTest {
    @Test
    void parsesKubosSyntax() {
        assertEquals(ChunkerSpec.DEFAULT, ChunkerSpec.parse(""));
        assertEquals(ChunkerSpec.fixed(1024), ChunkerSpec.parse("size-1024"));
        assertEquals(ChunkerSpec.rabin(87381, 262144, 393216), ChunkerSpec.parse("rabin"));
        assertEquals(ChunkerSpec.rabin(100, 200, 300), ChunkerSpec.parse("rabin-min:100-avg:200-max:300"));
        assertEquals(ChunkerSpec.rabin(100, 200, 300), ChunkerSpec.parse(ChunkerSpec.rabin(100, 200, 300).toString()));
        assertEquals(ChunkerSpec.buzhash(), ChunkerSpec.parse("buzhash"));
        for (String bad : new String[] {"size-0", "size-1048577", "size-x", "rabin-8-16-32", "rabin-300-200-100",
                "rabin-1-2", "rabin-100-200-2000000", "buz", "size-1-2", "rabin-max:1-avg:2-min:3"}) {
            assertThrows(IllegalArgumentException.class, () -> ChunkerSpec.parse(bad), bad);
        }
    }

    @Test
    void chunksConcatenateToTheStream() throws Exception {
        byte[] data = new byte[3_000_000];
        new Random(5).nextBytes(data);
        for (String spec : new String[] {"size-1000", "size-262144", "rabin", "rabin-16-32-64", "buzhash"}) {
            ChunkerSpec s = ChunkerSpec.parse(spec);
            Chunker c = s.open(new ByteArrayInputStream(data));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] prev = null;
            for (byte[] chunk; (chunk = c.next()) != null; ) {
                if (prev != null) {
                    assertTrue(prev.length >= s.min() && prev.length <= s.max(), spec + ": a chunk of " + prev.length);
                }
                out.writeBytes(chunk);
                prev = chunk;
            }
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data)),
                    java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(out.toByteArray())), spec);
        }
    }
}
