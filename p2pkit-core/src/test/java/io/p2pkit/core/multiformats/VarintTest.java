package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VarintTest {
    private static final HexFormat HEX = HexFormat.of();

    // The examples of the multiformats unsigned-varint spec.
    @ParameterizedTest
    @CsvSource({
            "1, 01", "127, 7f", "128, 8001", "255, ff01", "300, ac02", "16384, 808001",
            "9223372036854775807, ffffffffffffffff7f"
    })
    void specExamples(long value, String hex) throws IOException {
        assertEquals(hex, HEX.formatHex(Varint.encode(value)));
        assertEquals(value, Varint.read(HEX.parseHex(hex), 0));
        assertEquals(value, Varint.read(new ByteArrayInputStream(HEX.parseHex(hex))));
        assertEquals(hex.length() / 2, Varint.size(value));
    }

    @ParameterizedTest
    @CsvSource({"8000, not minimally", "ff00, not minimally", "808000, not minimally",
            "ffffffffffffffffff01, longer than 9", "80, ends inside", "'', ends inside"})
    void rejectsMalformed(String hex, String why) {
        DecodeException e = assertThrows(DecodeException.class,
                () -> Varint.read(ByteBuffer.wrap(HEX.parseHex(hex))));
        assertEquals("varint", e.field());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void streamEndsCleanlyOrInside() throws IOException {
        assertEquals(-1, Varint.read(new ByteArrayInputStream(new byte[0])));
        assertThrows(EOFException.class, () -> Varint.read(new ByteArrayInputStream(new byte[]{(byte) 0x80})));
    }

    @Test
    void refusesNegativeValues() {
        assertThrows(IllegalArgumentException.class, () -> Varint.encode(-1));
    }

    @Test
    void roundTripsRandomValues() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            long v = rnd.nextLong() >>> rnd.nextInt(1, 64);
            byte[] enc = Varint.encode(v);
            ByteBuffer buf = ByteBuffer.wrap(enc);
            assertEquals(v, Varint.read(buf));
            assertEquals(0, buf.remaining());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Varint.write(v, out);
            assertArrayEquals(enc, out.toByteArray());
        }
    }
}
