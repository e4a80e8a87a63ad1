package io.p2pkit.nat.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SsdpResponseFuzzTest {
    /** Any datagram decodes to an http LOCATION or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        try {
            SsdpResponse r = SsdpResponse.decode(input, input.length);
            assertEquals("http", r.location().getScheme().toLowerCase(java.util.Locale.ROOT));
        } catch (DecodeException expected) {
            // rejected
        }
    }
}
