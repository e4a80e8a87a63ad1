package io.p2pkit.core.multiformats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultihashFuzzTest {
    /** Any bytes either decode to a multihash that re-encodes to them exactly, or are rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        Multihash mh;
        try {
            mh = Multihash.decode(input);
        } catch (DecodeException expected) {
            readStopsCleanly(input);
            return;
        }
        assertArrayEquals(input, mh.bytes());
        assertTrue(mh.length() <= Multihash.MAX_DIGEST_LENGTH);
        assertEquals(mh, Multihash.parse(mh.toString()));
    }

    /** Reading from a buffer consumes a prefix that re-encodes exactly, or leaves the position alone. */
    private static void readStopsCleanly(byte[] input) {
        ByteBuffer buf = ByteBuffer.wrap(input);
        try {
            Multihash mh = Multihash.read(buf);
            assertArrayEquals(Arrays.copyOf(input, buf.position()), mh.bytes());
        } catch (DecodeException expected) {
            assertEquals(0, buf.position());
        }
    }
}
