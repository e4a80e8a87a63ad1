package io.p2pkit.core.muxer.yamux;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class FrameHeaderFuzzTest {
    /** Any input either decodes to a header that re-encodes to its first 12 bytes, or is rejected cleanly. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        FrameHeader h;
        try {
            h = FrameHeader.decode(input, 0);
        } catch (DecodeException expected) {
            return;
        }
        assertArrayEquals(Arrays.copyOf(input, FrameHeader.SIZE), h.encode());
    }
}
