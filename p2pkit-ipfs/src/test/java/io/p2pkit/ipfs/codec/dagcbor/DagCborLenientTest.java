package io.p2pkit.ipfs.codec.dagcbor;

import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lenient decoder {@code dag put} reads user input with: each input is one Kubo 0.39 accepts
 * with {@code ipfs dag put --input-codec dag-cbor}, and the canonical bytes are the block Kubo
 * stored for it ({@code ipfs block get}); the strict decoder still refuses the input.
 */
@Timeout(10)
class DagCborLenientTest {
    private static final DagCbor LENIENT = DagCbor.lenient(Limits.DEFAULT);

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "keys out of order, a2616201616102, a2616102616201",
            "an integer in a longer form, a161611801, a1616101",
            "an integer in eight bytes, a161611b0000000000000001, a1616101",
            "a negative integer in a longer form, a16161390000, a1616120",
            "a key length in a longer form, a178016101, a1616101",
            "an indefinite-length map, bf616101ff, a1616101",
            "an indefinite-length list, 9f0102ff, 820102",
            "an indefinite-length byte string, 5f4101420203ff, 43010203",
            "a 32-bit float, a16161fa3fc00000, a16161fb3ff8000000000000",
            "a 16-bit float, a16161f93e00, a16161fb3ff8000000000000",
            "undefined, a16161f7, a16161f6",
            "a tag other than 42, a16161c101, a1616101",
    })
    void readsWhatKuboReadsAndStoresItCanonical(String what, String input, String stored) {
        byte[] in = HexFormat.of().parseHex(input);
        assertEquals(stored, HexFormat.of().formatHex(DagCbor.DEFAULT.encode(LENIENT.decode(in))), what);
        assertThrows(DecodeException.class, () -> DagCbor.DEFAULT.decode(in), what + ": the strict decoder refuses it");
    }

    @Test
    void duplicateKeysAreStillRefused() {
        DecodeException e = assertThrows(DecodeException.class,
                () -> LENIENT.decode(HexFormat.of().parseHex("a2616101616102")));
        assertTrue(e.getMessage().contains("duplicate map key"), e.getMessage());
        assertThrows(DecodeException.class, () -> LENIENT.decode(HexFormat.of().parseHex("bf616101616102ff")));
    }

    @Test
    void truncatedOrUnendedInputIsRefused() {
        for (String hex : new String[] {"bf6161", "9f01", "5f41", "a16161f0", "a16161c1", "5f6161ff"}) {
            assertThrows(DecodeException.class, () -> LENIENT.decode(HexFormat.of().parseHex(hex)), hex);
        }
    }

    @Test
    void canonicalInputReadsTheSameEitherWay() {
        byte[] in = HexFormat.of().parseHex("a26161016162d82a58250001711220"
                + "0000000000000000000000000000000000000000000000000000000000000000");
        assertEquals(DagCbor.DEFAULT.decode(in), LENIENT.decode(in));
    }
}
