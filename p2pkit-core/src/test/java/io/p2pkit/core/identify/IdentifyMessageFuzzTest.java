package io.p2pkit.core.identify;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdentifyMessageFuzzTest {
    /** Any bytes decode (dropping unparsable addresses) or are rejected cleanly; what decodes re-encodes stably. */
    @FuzzTest
    void decode(byte[] input) {
        IdentifyMessage m;
        try {
            m = IdentifyMessage.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        IdentifyMessage again = IdentifyMessage.decode(m.encode());
        assertEquals(m.listenAddrs(), again.listenAddrs());
        assertEquals(m.protocols(), again.protocols());
        assertEquals(m.agentVersion(), again.agentVersion());
        assertEquals(m.observedAddr(), again.observedAddr());
    }
}
