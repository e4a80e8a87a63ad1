package io.p2pkit.webtransport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Http3FuzzTest {
    /** A field section decodes within the caps or is refused cleanly; what decodes re-encodes to the same fields. */
    @FuzzTest
    void fieldSection(byte[] input) {
        List<Qpack.Field> fields;
        try {
            fields = Qpack.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertTrue(fields.size() <= Qpack.MAX_FIELDS);
        assertEquals(fields, Qpack.decode(Qpack.encode(fields)));
    }

    /** Frames split anywhere are read within the cap or refused cleanly; settings likewise. */
    @FuzzTest
    void frames(byte[] input) {
        Http3Frame.Reader r = new Http3Frame.Reader();
        try {
            int half = input.length / 2;
            Http3Frame f = r.feed(java.util.Arrays.copyOf(input, half));
            f = f != null ? f : r.feed(java.util.Arrays.copyOfRange(input, half, input.length));
            while (f != null) {
                assertTrue(f.payload().length <= Http3Frame.MAX_PAYLOAD);
                if (f.type() == Http3Frame.SETTINGS) {
                    Http3Frame.decodeSettings(f.payload());
                }
                f = r.feed(new byte[0]);
            }
        } catch (DecodeException expected) {
            // refused cleanly
        }
    }
}
