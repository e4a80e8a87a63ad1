package io.p2pkit.quic;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectionIdPeekTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void longHeaderCarriesItsLength() {
        // RFC 9001 appendix A.2: the client Initial's first bytes, DCID 8394c8f03e515708
        byte[] initial = hex("c000000001088394c8f03e5157080000449e");
        assertArrayEquals(hex("8394c8f03e515708"), ConnectionIdPeek.destination(initial, 20));
    }

    @Test
    void shortHeaderUsesOurLength() {
        byte[] packet = hex("41" + "0102030405" + "ffff");
        assertArrayEquals(hex("0102030405"), ConnectionIdPeek.destination(packet, 5));
    }

    @Test
    void rejectsTruncatedAndOversizedHeaders() {
        assertThrows(DecodeException.class, () -> ConnectionIdPeek.destination(new byte[0], 20));
        assertThrows(DecodeException.class, () -> ConnectionIdPeek.destination(hex("4101"), 20));
        assertThrows(DecodeException.class, () -> ConnectionIdPeek.destination(hex("c0000000"), 20));
        assertThrows(DecodeException.class, () -> ConnectionIdPeek.destination(hex("c00000000115"), 20));
        assertThrows(DecodeException.class, () -> ConnectionIdPeek.destination(hex("c0000000010801"), 20));
    }
}
