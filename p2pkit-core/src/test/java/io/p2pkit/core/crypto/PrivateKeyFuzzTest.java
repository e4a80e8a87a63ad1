package io.p2pkit.core.crypto;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivateKeyFuzzTest {
    private static final byte[] MESSAGE = "fuzz".getBytes(StandardCharsets.US_ASCII);

    /** Any bytes are rejected cleanly, or give a working key whose marshalled form is stable. */
    @FuzzTest
    void unmarshal(byte[] input) {
        PrivateKey key;
        try {
            key = PrivateKey.unmarshal(input);
        } catch (DecodeException expected) {
            return;
        }
        checkKey(key);
    }

    /** The same for PKCS#8 import. */
    @FuzzTest
    void fromPkcs8(byte[] input) {
        PrivateKey key;
        try {
            key = PrivateKey.fromPkcs8(input);
        } catch (DecodeException expected) {
            return;
        }
        checkKey(key);
    }

    private static void checkKey(PrivateKey key) {
        byte[] canonical = key.marshal();
        PrivateKey again = PrivateKey.unmarshal(canonical);
        assertEquals(key, again);
        assertArrayEquals(canonical, again.marshal());
        assertEquals(key.publicKey(), PublicKey.unmarshal(key.publicKey().marshal()));
        assertTrue(key.publicKey().verify(MESSAGE, key.sign(MESSAGE)));
    }
}
