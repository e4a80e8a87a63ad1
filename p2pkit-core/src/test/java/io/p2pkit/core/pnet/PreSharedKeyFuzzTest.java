package io.p2pkit.core.pnet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PreSharedKeyFuzzTest {
    /** Any bytes are a key file (whose key encodes and parses back to itself) or are rejected cleanly. */
    @FuzzTest
    void parse(byte[] input) {
        PreSharedKey key;
        try {
            key = PreSharedKey.parse(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(key, PreSharedKey.parse(key.encode()));
    }
}
