package io.p2pkit.core.identity;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerIdFuzzTest {
    /** Peer ID text: parse to an ID whose both text forms parse back to it, or reject cleanly. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        PeerId id;
        try {
            id = PeerId.parse(text);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(id, PeerId.parse(id.toString()));
        assertEquals(id, PeerId.parse(id.toCid().toString()));
    }

    /** Binary peer IDs: decode and re-encode exactly, or reject cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        PeerId id;
        try {
            id = PeerId.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertArrayEquals(input, id.bytes());
    }
}
