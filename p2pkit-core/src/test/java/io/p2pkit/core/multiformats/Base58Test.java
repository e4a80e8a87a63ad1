package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Base58Test {
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /** Slow, obviously correct reference: the number in base 58 via BigInteger, '1' per leading zero. */
    private static String reference(byte[] data) {
        StringBuilder sb = new StringBuilder();
        BigInteger n = new BigInteger(1, data);
        BigInteger b = BigInteger.valueOf(58);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(b);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < data.length && data[i] == 0; i++) {
            sb.append('1');
        }
        return sb.reverse().toString();
    }

    @Test
    void knownValues() {
        assertEquals("2NEpo7TZRRrLZSi2U", Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("", Base58.encode(new byte[0]));
        assertEquals("111", Base58.encode(new byte[3]));
        assertEquals("1112", Base58.encode(new byte[] {0, 0, 0, 1}));
        // The peer-id spec's Ed25519 example decodes to an identity multihash of 38 bytes.
        byte[] id = Base58.decode("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        assertEquals(38, id.length);
        assertEquals("002408011220", HexFormat.of().formatHex(id, 0, 6));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 20, 32, 34, 38, 100, 1000})
    void agreesWithReference(int length) {
        SplittableRandom rnd = new SplittableRandom(length);
        for (int i = 0; i < 50; i++) {
            byte[] data = new byte[length];
            rnd.nextBytes(data);
            for (int z = 0, n = rnd.nextInt(3); z < n && z < length; z++) {
                data[z] = 0;
            }
            if (i == 0) {
                java.util.Arrays.fill(data, (byte) 0xFF);
            }
            String text = Base58.encode(data);
            assertEquals(reference(data), text);
            assertArrayEquals(data, Base58.decode(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "O", "I", "l", "abc+", "\u00e9", "z\uD83D"})
    void rejectsCharactersOutsideAlphabet(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> Base58.decode(text));
        assertEquals("base58", e.field());
    }
}
