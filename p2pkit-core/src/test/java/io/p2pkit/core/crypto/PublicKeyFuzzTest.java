package io.p2pkit.core.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class PublicKeyFuzzTest {
    /** Any bytes are rejected cleanly, or give a key whose marshalled form is stable and which verifies nothing bogus. */
    @FuzzTest
    void unmarshal(byte[] input) {
        PublicKey key;
        try {
            key = PublicKey.unmarshal(input);
        } catch (DecodeException expected) {
            return;
        }
        byte[] canonical = key.marshal();
        PublicKey again = PublicKey.unmarshal(canonical);
        assertEquals(key, again);
        assertArrayEquals(canonical, again.marshal());
        assertFalse(key.verify(input, input));
    }
}
