package io.p2pkit.core.protobuf;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtobufTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void writesTheCanonicalEncoding() {
        // The protobuf documentation's example: field 1 = 150 is 08 96 01; field 2 = "testing".
        byte[] enc = new ProtobufWriter().varint(1, 150).string(2, "testing").toByteArray();
        assertEquals("089601120774657374696e67", HEX.formatHex(enc));
    }

    @Test
    void readsEveryWireTypeAndSkipsUnknownFields() {
        ProtobufWriter inner = new ProtobufWriter().bool(1, true);
        byte[] enc = new ProtobufWriter()
                .varint(1, -1).bytes(2, new byte[]{1, 2, 3}).fixed64(3, 0x0102030405060708L)
                .fixed32(4, 0xCAFEBABE).message(5, inner).string(99, "ignored").varint(6, 7)
                .toByteArray();
        ProtobufReader r = new ProtobufReader(enc, "Test");
        long v1 = 0, f3 = 0, v6 = 0;
        int f4 = 0;
        byte[] b2 = null;
        boolean inner1 = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> v1 = r.varint();
                case 2 -> b2 = r.bytes();
                case 3 -> f3 = r.fixed64();
                case 4 -> f4 = r.fixed32();
                case 5 -> {
                    ProtobufReader m = r.message("Inner");
                    assertTrue(m.next());
                    inner1 = m.bool();
                    assertFalse(m.next());
                }
                case 6 -> v6 = r.varint();
                default -> r.skip();
            }
        }
        assertEquals(-1, v1);
        assertArrayEquals(new byte[]{1, 2, 3}, b2);
        assertEquals(0x0102030405060708L, f3);
        assertEquals(0xCAFEBABE, f4);
        assertTrue(inner1);
        assertEquals(7, v6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08", "0a05aabb", "0b", "0c", "0f", "00", "09010203", "0affffffffffffffffff01",
            "08ffffffffffffffffff7f", "1202c328"})
    void rejectsMalformedInputWithTheMessageName(String hex) {
        DecodeException e = assertThrows(DecodeException.class, () -> {
            ProtobufReader r = new ProtobufReader(HEX.parseHex(hex), "Thing");
            while (r.next()) {
                if (r.field() == 2) {
                    r.string();
                } else {
                    r.skip();
                }
            }
        });
        assertEquals("Thing", e.field());
    }

    @Test
    void wrongWireTypeIsAnError() {
        byte[] enc = new ProtobufWriter().bytes(1, new byte[]{1}).toByteArray();
        ProtobufReader r = new ProtobufReader(enc, "T");
        assertTrue(r.next());
        assertThrows(DecodeException.class, r::varint);
    }

    @Test
    void lengthPrefixedFramesRoundTripAndRespectTheCap() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, new byte[300]);
        LengthPrefixed.write(out, new byte[]{9});
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(300, LengthPrefixed.read(in, 300).length);
        assertArrayEquals(new byte[]{9}, LengthPrefixed.read(in, 300));
        assertNull(LengthPrefixed.read(in, 300));

        ByteArrayOutputStream big = new ByteArrayOutputStream();
        LengthPrefixed.write(big, new byte[301]);
        assertThrows(DecodeException.class, () -> LengthPrefixed.read(new ByteArrayInputStream(big.toByteArray()), 300));
        assertThrows(EOFException.class, () -> LengthPrefixed.read(new ByteArrayInputStream(HEX.parseHex("0501")), 300));
    }

    @Test
    void largeLengthPrefixedMessagesArriveWholeInPiecesOfAnySize() throws IOException {
        byte[] message = new byte[1_000_003]; // past several doublings of the first 64 KiB piece
        new java.util.SplittableRandom(7).nextBytes(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, message);
        LengthPrefixed.write(out, new byte[] {1, 2});
        // a stream that hands out at most 1,000 bytes per read, as a socket may
        java.io.InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(out.toByteArray())) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1_000));
            }
        };
        assertArrayEquals(message, LengthPrefixed.read(trickle, 4 << 20));
        assertArrayEquals(new byte[] {1, 2}, LengthPrefixed.read(trickle, 4 << 20));
        assertNull(LengthPrefixed.read(trickle, 4 << 20));

        // cut short after the first piece, and after a later one: a clear EOF naming how far it got
        byte[] whole = out.toByteArray();
        for (int cut : new int[] {70_000, 600_000}) {
            byte[] part = java.util.Arrays.copyOf(whole, cut);
            EOFException e = assertThrows(EOFException.class,
                    () -> LengthPrefixed.read(new ByteArrayInputStream(part), 4 << 20));
            assertTrue(e.getMessage().contains("of 1000003 message bytes"), e.getMessage());
        }
    }
}
