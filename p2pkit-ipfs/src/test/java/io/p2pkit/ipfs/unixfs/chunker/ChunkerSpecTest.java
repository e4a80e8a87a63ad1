package io.p2pkit.ipfs.unixfs.chunker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
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

    @Test
    void theExpectedLengthIsOnlyAHint() throws Exception {
        int size = 40_000;
        ChunkerSpec spec = ChunkerSpec.fixed(size);
        for (int length : new int[] {0, 1, 5000, 16 * 1024, 16 * 1024 + 1, size - 1, size, size + 1, 3 * size, 3 * size + 7}) {
            byte[] data = new byte[length];
            new Random(length).nextBytes(data);
            List<byte[]> unhinted = chunks(spec.open(new ByteArrayInputStream(data)));
            // exact, shorter (the file grew), longer (it shrank), far off, none
            for (long expected : new long[] {length, length / 2, length + 1, length + size + 5, 0, -1}) {
                List<byte[]> hinted = chunks(spec.open(new ByteArrayInputStream(data), expected));
                assertEquals(unhinted.size(), hinted.size(), length + " bytes, " + expected + " expected");
                for (int i = 0; i < hinted.size(); i++) {
                    assertTrue(java.util.Arrays.equals(unhinted.get(i), hinted.get(i)), length + " bytes, " + expected + " expected, chunk " + i);
                }
            }
        }
    }

    private static List<byte[]> chunks(Chunker c) throws java.io.IOException {
        List<byte[]> out = new java.util.ArrayList<>();
        for (byte[] chunk; (chunk = c.next()) != null; ) {
            assertTrue(chunk.length > 0, "never an empty chunk");
            out.add(chunk);
        }
        assertEquals(null, c.next(), "ended stays ended");
        return out;
    }
}
