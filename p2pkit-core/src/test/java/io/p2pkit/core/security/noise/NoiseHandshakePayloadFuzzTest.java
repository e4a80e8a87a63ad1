package io.p2pkit.core.security.noise;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NoiseHandshakePayloadFuzzTest {
    /**
     * Any bytes decode or are rejected with a DecodeException; what decodes re-encodes to a
     * canonical form that decodes to the same payload.
     */
    @FuzzTest
    void decode(byte[] input) {
        NoiseHandshakePayload p;
        try {
            p = NoiseHandshakePayload.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        byte[] canonical = p.encode();
        assertEquals(p, NoiseHandshakePayload.decode(canonical));
    }
}
