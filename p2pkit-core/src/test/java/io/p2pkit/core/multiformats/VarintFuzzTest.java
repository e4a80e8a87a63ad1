package io.p2pkit.core.multiformats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class VarintFuzzTest {
    /** Any input either decodes to a value that re-encodes to the same bytes, or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        ByteBuffer buf = ByteBuffer.wrap(input);
        long v;
        try {
            v = Varint.read(buf);
        } catch (DecodeException expected) {
            return;
        }
        byte[] consumed = new byte[buf.position()];
        System.arraycopy(input, 0, consumed, 0, consumed.length);
        assertArrayEquals(consumed, Varint.encode(v));
    }
}
