package io.p2pkit.quic;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionIdPeekFuzzTest {
    /** Any datagram start yields an ID that is a slice of it at the spec's place, or a clean rejection. */
    @FuzzTest
    void destination(byte[] input) {
        byte[] id;
        try {
            id = ConnectionIdPeek.destination(input, PacketRouter.ID_LENGTH);
        } catch (DecodeException expected) {
            return;
        }
        assertTrue(id.length <= ConnectionIdPeek.MAX_ID_LENGTH);
        int start = (input[0] & 0x80) == 0 ? 1 : 6;
        assertArrayEquals(Arrays.copyOfRange(input, start, start + id.length), id);
    }
}
