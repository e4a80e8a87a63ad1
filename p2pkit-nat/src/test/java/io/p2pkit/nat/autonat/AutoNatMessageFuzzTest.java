package io.p2pkit.nat.autonat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every AutoNAT v1 and v2 decoder: any bytes decode or are rejected cleanly; what decodes re-encodes stably. */
class AutoNatMessageFuzzTest {
    @FuzzTest
    void v1Message(byte[] input) {
        V1Message m;
        try {
            m = V1Message.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        if (m instanceof V1Message.DialResponse r && r.status() == V1Message.Status.UNKNOWN) {
            return; // a status we do not know cannot be sent again
        }
        assertArrayEquals(m.encode(), V1Message.decode(m.encode()).encode());
    }

    @FuzzTest
    void v2Message(byte[] input) {
        V2Message m;
        try {
            m = V2Message.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        if (m instanceof V2Message.DialResponse r && (r.status() == V2Message.ResponseStatus.UNKNOWN
                || r.dialStatus() == V2Message.DialStatus.UNKNOWN)) {
            return;
        }
        assertArrayEquals(m.encode(), V2Message.decode(m.encode()).encode());
    }

    @FuzzTest
    void v2DialBack(byte[] input) {
        try {
            V2Message.DialBack b = V2Message.decodeDialBack(input);
            assertEquals(b, V2Message.decodeDialBack(b.encode()));
        } catch (DecodeException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest
    void v2DialBackResponse(byte[] input) {
        try {
            V2Message.DialBackResponse r = V2Message.decodeDialBackResponse(input);
            assertEquals(r, V2Message.decodeDialBackResponse(r.encode()));
        } catch (DecodeException expected) {
            // rejected cleanly
        }
    }
}
