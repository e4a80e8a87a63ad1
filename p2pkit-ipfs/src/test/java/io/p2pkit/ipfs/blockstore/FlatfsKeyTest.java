package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlatfsKeyTest {
    // The empty UnixFS directory, present in every Kubo repository as
    // blocks/X3/CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data
    static final Cid EMPTY_DIR = Cid.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
    static final String EMPTY_DIR_KEY = "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y";

    @Test
    void aBlockIsNamedAfterItsMultihashAsKuboNamesIt() {
        assertEquals(EMPTY_DIR_KEY, FlatfsKey.encode(EMPTY_DIR.multihash()));
        assertEquals(EMPTY_DIR.multihash(), FlatfsKey.decode(EMPTY_DIR_KEY));
        // the CIDv1 of the same multihash has the same key
        assertEquals(EMPTY_DIR_KEY, FlatfsKey.encode(EMPTY_DIR.toV1().multihash()));
    }

    @Test
    void namesRoundTripForManyMultihashes() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[r.nextInt(100)];
            r.nextBytes(data);
            long fn = switch (i % 3) {
                case 0 -> Multicodec.SHA2_256;
                case 1 -> Multicodec.SHA2_512;
                default -> Multicodec.IDENTITY;
            };
            Multihash mh = Multihash.digest(fn, data);
            String name = FlatfsKey.encode(mh);
            assertEquals(mh, FlatfsKey.decode(name), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", // empty
        "ciqftfeehedf6klbt32bfaglxezl4uwfnwm4lftlmxqbcerz6cmlx3y", // lower case
        "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y=", // padding
        "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Z", // non-zero bits after the last byte
        "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CML", // digest cut short
        "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3YAA", // a byte after the multihash
        "CIQ/../X3", // not base32
        "01", // 0 and 1 are not in the alphabet
    })
    void badNamesAreRefused(String name) {
        assertThrows(DecodeException.class, () -> FlatfsKey.decode(name));
    }

    @Test
    void aLongNameIsRefusedBeforeDecoding() {
        String name = "A".repeat(FlatfsKey.MAX_NAME_LENGTH + 1);
        DecodeException e = assertThrows(DecodeException.class, () -> FlatfsKey.decode(name));
        assertEquals("flatfs key", e.field());
    }

    @Test
    void fileNamesNeedTheDataExtension() {
        assertEquals(EMPTY_DIR.multihash(), FlatfsKey.fromFileName(EMPTY_DIR_KEY + ".data"));
        assertNull(FlatfsKey.fromFileName(EMPTY_DIR_KEY));
        assertNull(FlatfsKey.fromFileName("put-123"));
        assertNull(FlatfsKey.fromFileName("nonsense.data"));
    }
}
