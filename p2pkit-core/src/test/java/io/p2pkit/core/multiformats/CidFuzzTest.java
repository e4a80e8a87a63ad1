package io.p2pkit.core.multiformats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CidFuzzTest {
    /** Binary CIDs: decode and re-encode exactly, or reject cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        Cid cid;
        try {
            cid = Cid.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertArrayEquals(input, cid.bytes());
        if (cid.version() == 1) {
            assertEquals(cid, Cid.parse(cid.toString()));
        }
    }

    /** CID text: parse to a CID whose canonical text parses back to it, or reject cleanly. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(cid, Cid.parse(cid.toString()));
        assertEquals(cid, Cid.decode(cid.bytes()));
    }
}
