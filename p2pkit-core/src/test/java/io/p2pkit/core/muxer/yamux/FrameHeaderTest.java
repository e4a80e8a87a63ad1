package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesFieldsBigEndian() {
        // Data, SYN|FIN on stream 0x01020304 with 0x0A0B0C0D bytes.
        FrameHeader h = new FrameHeader(FrameHeader.DATA, FrameHeader.SYN | FrameHeader.FIN, 0x01020304L, 0x0A0B0C0DL);
        assertEquals("0000000501020304" + "0a0b0c0d", HEX.formatHex(h.encode()));
        assertEquals(h, FrameHeader.decode(h.encode(), 0));
    }

    @Test
    void decodesGoAwayAndPingFromSpecLayout() {
        FrameHeader goAway = FrameHeader.decode(HEX.parseHex("000300000000000000000001"), 0);
        assertEquals(FrameHeader.GO_AWAY, goAway.type());
        assertEquals(FrameHeader.GO_AWAY_PROTOCOL_ERROR, goAway.length());
        FrameHeader pong = FrameHeader.decode(HEX.parseHex("0002000200000000ffffffff"), 0);
        assertTrue(pong.has(FrameHeader.ACK));
        assertEquals(0xFFFF_FFFFL, pong.length());
        assertEquals(0, pong.streamId());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void roundTripsRandomHeaders(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 1000; i++) {
            FrameHeader h = new FrameHeader(r.nextInt(4), r.nextInt(0x10000),
                    r.nextLong(0x1_0000_0000L), r.nextLong(0x1_0000_0000L));
            byte[] buf = new byte[20];
            int off = r.nextInt(9);
            System.arraycopy(h.encode(), 0, buf, off, FrameHeader.SIZE);
            assertEquals(h, FrameHeader.decode(buf, off));
        }
    }

    @Test
    void rejectsBadVersionTypeAndShortInput() {
        DecodeException v = assertThrows(DecodeException.class,
                () -> FrameHeader.decode(HEX.parseHex("010000000000000100000000"), 0));
        assertEquals("yamux.version", v.field());
        DecodeException t = assertThrows(DecodeException.class,
                () -> FrameHeader.decode(HEX.parseHex("000400000000000100000000"), 0));
        assertEquals("yamux.type", t.field());
        assertThrows(DecodeException.class, () -> FrameHeader.decode(new byte[11], 0));
        assertThrows(DecodeException.class, () -> FrameHeader.decode(new byte[12], 1));
        assertThrows(DecodeException.class, () -> FrameHeader.decode(null, 0));
    }

    @Test
    void constructorRejectsOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(4, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(0, 0x10000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(0, 0, 0, 0x1_0000_0000L));
    }

    @Test
    void toStringNamesTypeAndFlags() {
        assertEquals("WindowUpdate[stream=3, length=0, flags=ACK|RST]",
                new FrameHeader(FrameHeader.WINDOW_UPDATE, FrameHeader.ACK | FrameHeader.RST, 3, 0).toString());
        assertArrayEquals(new byte[12], new FrameHeader(0, 0, 0, 0).encode());
    }
}
