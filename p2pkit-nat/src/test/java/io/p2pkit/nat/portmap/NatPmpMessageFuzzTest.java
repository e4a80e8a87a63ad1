package io.p2pkit.nat.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class NatPmpMessageFuzzTest {
    /** Any datagram decodes to a response with sane fields or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        try {
            NatPmpMessage.Response r = NatPmpMessage.decode(input, input.length);
            assertTrue(r.op() >= 0 && r.op() <= 2 && r.internalPort() <= 65535 && r.externalPort() <= 65535);
        } catch (DecodeException expected) {
            // rejected
        }
    }
}
