package io.p2pkit.kad.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KadMessageFuzzTest {
    /** Any input decodes to a message that survives re-encoding, or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        KadMessage m;
        try {
            m = KadMessage.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(m, KadMessage.decode(m.encode()));
    }
}
