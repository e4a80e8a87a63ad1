package io.p2pkit.core.security.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class SignedKeyFuzzTest {
    /** Any input decodes to a value that re-encodes to the same bytes, or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        SignedKey key;
        try {
            key = SignedKey.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertArrayEquals(input, key.encode());
    }
}
