package io.p2pkit.core.identity;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EnvelopeFuzzTest {
    /** Any bytes are rejected cleanly, or open to an envelope that re-marshals and re-opens to itself. */
    @FuzzTest
    void open(byte[] input) {
        Envelope e;
        try {
            e = Envelope.open(input, PeerRecord.DOMAIN);
        } catch (DecodeException expected) {
            return;
        }
        byte[] canonical = e.marshal();
        Envelope again = Envelope.open(canonical, PeerRecord.DOMAIN);
        assertEquals(e, again);
        assertArrayEquals(canonical, again.marshal());
    }
}
