package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultibaseTest {
    private static final String DIR = "multiformats-multibase/tests/";

    /** One vector row: the file, the raw input, the encoding and its expected text. */
    record Row(String file, byte[] input, String encoding, String text) {
        @Override
        public String toString() {
            return file + ":" + encoding;
        }
    }

    static List<Row> rows(String file) {
        List<String> lines = Vectors.lines(DIR + file);
        byte[] input = unescape(unquote(lines.get(0)));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            rows.add(new Row(file, input, line.substring(0, line.indexOf(',')).trim(), unquote(line)));
        }
        return rows;
    }

    private static String unquote(String line) {
        String v = line.substring(line.indexOf(',') + 1).trim();
        assertTrue(v.startsWith("\"") && v.endsWith("\""), line);
        return v.substring(1, v.length() - 1);
    }

    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i)) {
                out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(s.charAt(i));
            }
        }
        return out.toByteArray();
    }

    static Stream<Row> canonical() {
        return Stream.of("basic.csv", "leading_zero.csv", "two_leading_zeros.csv").flatMap(f -> rows(f).stream());
    }

    @ParameterizedTest
    @MethodSource("canonical")
    void encodesAndDecodesVectors(Row row) {
        Encoding e = Encoding.byName(row.encoding());
        assertEquals(row.text(), Multibase.encode(e, row.input()));
        assertArrayEquals(row.input(), Multibase.decode(row.text()));
        assertEquals(e, Multibase.encodingOf(row.text()));
    }

    @Test
    void vectorsCoverEveryEncodingButIdentity() {
        Set<Encoding> seen = EnumSet.noneOf(Encoding.class);
        canonical().forEach(r -> seen.add(Encoding.byName(r.encoding())));
        assertEquals(EnumSet.complementOf(EnumSet.of(Encoding.IDENTITY)), seen);
    }

    static Stream<Row> caseInsensitive() {
        return rows("case_insensitivity.csv").stream();
    }

    @ParameterizedTest
    @MethodSource("caseInsensitive")
    void decodesMixedCase(Row row) {
        assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), Multibase.decode(row.text()));
        assertEquals(Encoding.byName(row.encoding()), Multibase.encodingOf(row.text()));
    }

    @Test
    void identityKeepsEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String text = Multibase.encode(Encoding.IDENTITY, all);
        assertEquals('\0', text.charAt(0));
        assertArrayEquals(all, Multibase.decode(text));
        assertThrows(DecodeException.class, () -> Multibase.decode("\0\u0100"));
    }

    static Stream<Arguments> randomInputs() {
        SplittableRandom rnd = new SplittableRandom(20261121);
        List<Arguments> out = new ArrayList<>();
        for (Encoding e : Encoding.values()) {
            for (int i = 0; i < 40; i++) {
                int len = i < 10 ? i : rnd.nextInt(200);
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                // Leading zeros matter for the big-number encodings.
                int zeros = rnd.nextInt(4) == 0 ? Math.min(len, rnd.nextInt(4)) : 0;
                for (int z = 0; z < zeros; z++) {
                    data[z] = 0;
                }
                out.add(Arguments.of(e, data));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("randomInputs")
    void randomBytesRoundTrip(Encoding e, byte[] data) {
        String text = Multibase.encode(e, data);
        assertTrue(text.startsWith(e.prefixString()));
        assertArrayEquals(data, Multibase.decode(text));
        assertEquals(e, Multibase.encodingOf(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "Q", "1abc", "/ip4", "pabc", "Rabc", // unknown, reserved or unsupported prefixes
            "f0", "fzz", "f 00", "f0g", // base16: odd length, bad characters
            "b1", "ba", "bab=", "bmz", "bmy=", // base32: invalid char, impossible length, padding in unpadded, trailing bits
            "caaa=====", "cmz======", "cmy=====", "cmfrggz", "cmfrggzd=", // base32pad: bad pad counts
            "mAA=", "mA", "mAB", "m+/-_", // base64: pad in unpadded, length 1 mod 4, trailing bits, url chars
            "MAA", "MAA=", "MAB==", "MA===", "M====", // base64pad
            "uAB", "u+/", // base64url
            "0123", "001", "00000000 ", // base2
            "71", "701", "7778", // base8: non-canonical lengths and trailing bits
            "9a", "z0", "zO", "zI", "zl", "k-", "hB", "Z0", // base-x bad chars, z-base-32 is lowercase only
            "\uD83D\uDE80x", "\uD83D\uDE80\uD83D", // base256emoji: ascii, lone surrogate
    })
    void rejectsInvalid(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> Multibase.decode(text));
        assertEquals("multibase", e.field());
    }

    @Test
    void acceptsCanonicalTrailingBitsAndPadding() {
        assertArrayEquals(new byte[] {0x66}, Multibase.decode("bmy"));
        assertArrayEquals(new byte[] {0x66}, Multibase.decode("cmy======"));
        assertArrayEquals(new byte[] {0x66, 0x6f}, Multibase.decode("cmzxq===="));
        assertArrayEquals(new byte[] {0x66}, Multibase.decode("MZg=="));
        assertArrayEquals(new byte[] {0x66}, Multibase.decode("mZg"));
        assertArrayEquals(new byte[0], Multibase.decode("M"));
        assertArrayEquals(new byte[0], Multibase.decode("z"));
        assertArrayEquals(new byte[] {0, 0}, Multibase.decode("z11"));
    }

    @Test
    void capsLength() {
        String huge = "f" + "0".repeat(Multibase.MAX_ENCODED_LENGTH);
        assertThrows(DecodeException.class, () -> Multibase.decode(huge));
        String longBase58 = "z" + "2".repeat(Multibase.MAX_BASE_X_LENGTH);
        assertThrows(DecodeException.class, () -> Multibase.decode(longBase58));
        assertThrows(IllegalArgumentException.class,
                () -> Multibase.encode(Encoding.BASE58_BTC, new byte[Multibase.MAX_BASE_X_BYTES + 1]));
        // The largest input the encoder accepts must decode again.
        byte[] max = new byte[Multibase.MAX_BASE_X_BYTES];
        new SplittableRandom(7).nextBytes(max);
        for (Encoding e : EnumSet.of(Encoding.BASE10, Encoding.BASE36, Encoding.BASE58_BTC)) {
            assertArrayEquals(max, Multibase.decode(Multibase.encode(e, max)));
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void namesAndPrefixesAreUnique(Encoding e) {
        assertEquals(e, Encoding.byName(e.multibaseName()));
        assertEquals(e, Multibase.encodingOf(e.prefixString()));
    }
}
