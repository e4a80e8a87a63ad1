package io.p2pkit.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameHeaderTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static FrameHeader read(byte[] b) throws IOException {
        return FrameHeader.read(new ByteArrayInputStream(b), Long.MAX_VALUE);
    }

    /** The examples of RFC 6455 section 5.7. */
    @Test
    void rfcExamples() throws IOException {
        FrameHeader hello = read(hex("81 05"));
        assertEquals(new FrameHeader(true, Opcode.TEXT, false, 0, 5), hello);

        byte[] masked = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        FrameHeader m = read(masked);
        assertEquals(new FrameHeader(true, Opcode.TEXT, true, 0x37fa213d, 5), m);
        byte[] payload = java.util.Arrays.copyOfRange(masked, 6, 11);
        FrameHeader.mask(m.maskKey(), 0, payload, 0, payload.length);
        assertEquals("Hello", new String(payload, java.nio.charset.StandardCharsets.US_ASCII));

        assertEquals(new FrameHeader(false, Opcode.TEXT, false, 0, 3), read(hex("01 03")));
        assertEquals(new FrameHeader(true, Opcode.CONTINUATION, false, 0, 2), read(hex("80 02")));
        assertEquals(new FrameHeader(true, Opcode.PING, false, 0, 5), read(hex("89 05")));
        assertEquals(new FrameHeader(true, Opcode.PONG, true, 0x37fa213d, 5), read(hex("8a 85 37 fa 21 3d")));
        assertEquals(new FrameHeader(true, Opcode.BINARY, false, 0, 256), read(hex("82 7E 0100")));
        assertEquals(new FrameHeader(true, Opcode.BINARY, false, 0, 65536), read(hex("82 7F 0000000000010000")));
        assertArrayEquals(hex("82 7E 0100"), new FrameHeader(true, Opcode.BINARY, false, 0, 256).encode());
        assertArrayEquals(hex("82 7F 0000000000010000"), new FrameHeader(true, Opcode.BINARY, false, 0, 65536).encode());
        assertArrayEquals(hex("81 85 37 fa 21 3d"), m.encode());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void roundTrip(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Opcode[] ops = Opcode.values();
        for (int i = 0; i < 2000; i++) {
            Opcode op = ops[r.nextInt(ops.length)];
            long len = op.isControl() ? r.nextInt(126) : switch (r.nextInt(3)) {
                case 0 -> r.nextInt(126);
                case 1 -> r.nextInt(126, 65536);
                default -> r.nextLong(65536, Long.MAX_VALUE);
            };
            boolean masked = r.nextBoolean();
            FrameHeader h = new FrameHeader(op.isControl() || r.nextBoolean(), op, masked, masked ? r.nextInt() : 0, len);
            assertEquals(h, read(h.encode()));
        }
    }

    @Test
    void rejections() {
        assertStatus(CloseStatus.PROTOCOL_ERROR, hex("c2 00")); // RSV1
        assertStatus(CloseStatus.PROTOCOL_ERROR, hex("83 00")); // reserved opcode
        assertStatus(CloseStatus.PROTOCOL_ERROR, hex("09 00")); // fragmented ping
        assertStatus(CloseStatus.PROTOCOL_ERROR, hex("89 7e 0080")); // long ping
        assertStatus(CloseStatus.PROTOCOL_ERROR, hex("82 7f 8000000000000000")); // top bit
        assertThrows(EOFException.class, () -> read(hex("82 7f 0000")));
        assertThrows(EOFException.class, () -> read(hex("82")));
        WebSocketException big = assertThrows(WebSocketException.class,
                () -> FrameHeader.read(new ByteArrayInputStream(hex("82 7e 0100")), 255));
        assertEquals(CloseStatus.TOO_BIG, big.status());
    }

    @Test
    void cleanEndBeforeAHeader() throws IOException {
        assertNull(read(new byte[0]));
    }

    @Test
    void maskingIsItsOwnInverseAtAnyOffset() {
        SplittableRandom r = new SplittableRandom(7);
        byte[] data = new byte[1000];
        r.nextBytes(data);
        byte[] copy = data.clone();
        int key = r.nextInt();
        FrameHeader.mask(key, 0, copy, 0, 333);
        FrameHeader.mask(key, 333, copy, 333, 667);
        FrameHeader.mask(key, 0, copy, 0, 1000);
        assertArrayEquals(data, copy);
    }

    private static void assertStatus(int status, byte[] input) {
        WebSocketException e = assertThrows(WebSocketException.class, () -> read(input));
        assertEquals(status, e.status());
    }
}
