package io.p2pkit.webrtc.muxer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamFrameFuzzTest {
    /** Any data channel message gives frames within the size limit or a DecodeException. */
    @FuzzTest(maxDuration = "30s")
    void decodeAll(byte[] input) {
        try {
            for (StreamFrame f : StreamFrame.decodeAll(input)) {
                assertTrue(f.message().length <= StreamFrame.MAX_ENCODED);
            }
        } catch (DecodeException refused) {
            // refused cleanly
        }
    }

    /** The same bytes cut into messages of arbitrary sizes: frames spanning messages, bounded leftovers. */
    @FuzzTest(maxDuration = "30s")
    void readerAcrossMessages(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int cut = 1 + (input[0] & 0xFF);
        StreamFrame.Reader r = new StreamFrame.Reader();
        try {
            for (int pos = 1; pos < input.length; pos += cut) {
                byte[] m = java.util.Arrays.copyOfRange(input, pos, Math.min(input.length, pos + cut));
                for (StreamFrame f : r.feed(m)) {
                    assertTrue(f.message().length <= StreamFrame.MAX_ENCODED);
                }
                assertTrue(r.pending() <= StreamFrame.MAX_ENCODED);
            }
        } catch (DecodeException refused) {
            // refused cleanly
        }
    }
}
