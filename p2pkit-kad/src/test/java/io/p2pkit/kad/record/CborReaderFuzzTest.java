package io.p2pkit.kad.record;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

class CborReaderFuzzTest {
    /** Any input is read or rejected with a DecodeException; nothing else escapes. */
    @FuzzTest
    void read(byte[] input) {
        try {
            CborReader.read(input);
        } catch (DecodeException expected) {
            // clean rejection
        }
    }
}
