package io.p2pkit.webrtc.datachannel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DcepFuzzTest {
    /** Any bytes are an OPEN that encodes back to an equal OPEN, an ACK, or a DecodeException. */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        Dcep.Open open;
        try {
            open = Dcep.decode(input);
        } catch (DecodeException refused) {
            return;
        }
        if (open != null) {
            assertEquals(open, Dcep.decode(Dcep.open(open)));
        }
    }
}
