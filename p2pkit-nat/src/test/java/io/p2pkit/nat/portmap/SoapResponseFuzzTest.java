package io.p2pkit.nat.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SoapResponseFuzzTest {
    /** Any body decodes to bounded arguments or a fault with a positive code, or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        try {
            SoapResponse r = SoapResponse.decode(input, "GetExternalIPAddress");
            assertTrue(r.arguments().size() <= SoapResponse.MAX_ARGUMENTS);
            assertTrue(r.errorCode() >= 0);
        } catch (DecodeException expected) {
            // rejected
        }
    }
}
