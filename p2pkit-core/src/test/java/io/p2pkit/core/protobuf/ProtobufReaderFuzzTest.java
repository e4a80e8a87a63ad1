package io.p2pkit.core.protobuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

class ProtobufReaderFuzzTest {
    /** Walking any bytes field by field either succeeds or ends in a DecodeException, nothing else. */
    @FuzzTest
    void walk(byte[] input) {
        try {
            walk(new ProtobufReader(input, "Fuzz"), 0);
        } catch (DecodeException expected) {
            // rejected cleanly
        }
    }

    private static void walk(ProtobufReader r, int depth) {
        while (r.next()) {
            if (r.wireType() == 2 && depth < 4 && (r.field() & 1) == 0) {
                walk(r.message("Inner"), depth + 1);
            } else if (r.wireType() == 2 && (r.field() & 2) == 0) {
                r.string();
            } else {
                r.skip();
            }
        }
    }
}
