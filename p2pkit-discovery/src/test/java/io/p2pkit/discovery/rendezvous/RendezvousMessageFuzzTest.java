package io.p2pkit.discovery.rendezvous;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RendezvousMessageFuzzTest {
    /** Any input decodes to a message whose encoding decodes to the same encoding, or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        RendezvousMessage m;
        try {
            m = RendezvousMessage.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        byte[] encoded = m.encode();
        assertArrayEquals(encoded, RendezvousMessage.decode(encoded).encode());
    }

    /** Any cookie decodes and re-encodes to itself, or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "30s")
    void cookie(byte[] input) {
        Cookie c;
        try {
            c = Cookie.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertArrayEquals(input, c.encode());
    }
}
