package io.p2pkit.core.security.tls;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SignedKeyTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesAsSequenceOfTwoOctetStrings() {
        SignedKey key = new SignedKey(new byte[] {1, 2}, new byte[] {3});
        assertEquals("300704020102040103", HEX.formatHex(key.encode()));
        assertEquals(key, SignedKey.decode(key.encode()));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomRoundTrips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            byte[] publicKey = new byte[random.nextInt(600)];
            byte[] signature = new byte[random.nextInt(600)];
            random.nextBytes(publicKey);
            random.nextBytes(signature);
            SignedKey decoded = SignedKey.decode(new SignedKey(publicKey, signature).encode());
            assertArrayEquals(publicKey, decoded.publicKey());
            assertArrayEquals(signature, decoded.signature());
        }
    }

    @Test
    void copiesArrays() {
        byte[] publicKey = {1, 2, 3};
        SignedKey key = new SignedKey(publicKey, new byte[] {4});
        publicKey[0] = 9;
        key.publicKey()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, key.publicKey());
        assertNotEquals(key, new SignedKey(new byte[] {1, 2, 3}, new byte[] {5}));
        assertEquals(key.hashCode(), new SignedKey(new byte[] {1, 2, 3}, new byte[] {4}).hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",                               // nothing
            "3007040201020401030000",         // trailing bytes
            "30060402010204",                 // truncated
            "3003040102",                     // one element
            "300a0402010204010304010a",       // three elements
            "300702020102040103",             // INTEGER instead of OCTET STRING
            "310704020102040103",             // SET instead of SEQUENCE
            "30810704020102040103",           // long-form length: BER, not DER
            "30800402010204010300 00",        // indefinite length: BER, not DER
            "3009240404020102040103",         // constructed OCTET STRING: BER, not DER
            "0403010203",                     // a bare OCTET STRING
    })
    void rejectsMalformed(String hex) {
        byte[] bytes = HEX.parseHex(hex.replace(" ", ""));
        DecodeException e = assertThrows(DecodeException.class, () -> SignedKey.decode(bytes));
        assertEquals("SignedKey", e.field());
    }

    @Test
    void rejectsOversizedInput() {
        byte[] big = new SignedKey(new byte[SignedKey.MAX_ENCODED_BYTES], new byte[0]).encode();
        DecodeException e = assertThrows(DecodeException.class, () -> SignedKey.decode(big));
        assertEquals("SignedKey", e.field());
    }
}
