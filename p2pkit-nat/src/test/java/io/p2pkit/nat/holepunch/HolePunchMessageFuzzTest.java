package io.p2pkit.nat.holepunch;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class HolePunchMessageFuzzTest {
    /** Any input decodes to a message whose encoding decodes to the same encoding, or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        HolePunchMessage m;
        try {
            m = HolePunchMessage.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        byte[] encoded = m.encode();
        assertArrayEquals(encoded, HolePunchMessage.decode(encoded).encode());
    }
}
