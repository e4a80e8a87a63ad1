package io.p2pkit.ipfs.unixfs.pb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.ipfs.unixfs.UnixfsException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnixfsDataFuzzTest {
    /**
     * Any bytes either decode to a {@code Data} message whose encoding decodes to the same message
     * and re-encodes to the same bytes, or are refused with a UnixfsException (MALFORMED_DATA).
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        UnixfsData d;
        try {
            d = UnixfsData.decode(input);
        } catch (UnixfsException refused) {
            assertEquals(UnixfsException.Reason.MALFORMED_DATA, refused.reason());
            return;
        }
        byte[] encoded = d.encode();
        assertEquals(encoded.length, d.encodedLength());
        UnixfsData again = UnixfsData.decode(encoded);
        assertEquals(d, again);
        assertEquals(java.util.HexFormat.of().formatHex(encoded), java.util.HexFormat.of().formatHex(again.encode()));
    }
}
