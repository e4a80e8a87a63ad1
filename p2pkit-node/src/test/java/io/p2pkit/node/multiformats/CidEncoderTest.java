package io.p2pkit.node.multiformats;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.core.multiformats.Multicodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubo's CID encoders from {@code --cid-base} and {@code --upgrade-cidv0-in-output}, and from a path's CID. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CidEncoderTest {
    /** The empty UnixFS directory, as CIDv0 and as the CIDv1 of the same block. */
    private static final Cid V0 = Cid.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
    private static final String V1_BASE32 = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354";
    /** An empty raw block, CIDv1 only. */
    private static final Cid RAW = Cid.parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");

    private static String base36(Cid cid) {
        return Multibase.encode(Encoding.BASE36, cid.toV1().bytes());
    }

    @Test
    void withoutOptionsACidV0StaysAndACidV1IsBase32() {
        CidEncoder enc = CidEncoder.of(null, null);
        assertEquals(CidEncoder.DEFAULT, enc);
        assertEquals(V0.toString(), enc.encode(V0));
        assertEquals(RAW.toString(), enc.encode(Cid.parse(base36(RAW))), "a CIDv1 given in base36 is written in base32");
        assertEquals(CidEncoder.DEFAULT, CidEncoder.of("", null), "an empty base is no base, as Kubo's");
        assertEquals(CidEncoder.DEFAULT, CidEncoder.lowLevel(null, null));
    }

    @Test
    void aBaseUpgradesCidV0UnlessTheEncoderIsLowLevelOrUpgradeIsFalse() {
        assertEquals(base36(V0), CidEncoder.of("base36", null).encode(V0));
        assertTrue(CidEncoder.of("base36", null).encode(V0).startsWith("k"));
        assertEquals(base36(RAW), CidEncoder.of("base36", null).encode(RAW));

        assertEquals(V0.toString(), CidEncoder.lowLevel("base36", null).encode(V0), "the low-level encoder keeps CIDv0");
        assertEquals(base36(RAW), CidEncoder.lowLevel("base36", null).encode(RAW));

        assertEquals(V0.toString(), CidEncoder.of("base36", false).encode(V0));
        assertEquals(base36(RAW), CidEncoder.of("base36", false).encode(RAW), "the base still applies to CIDv1");
    }

    @Test
    void upgradeAloneWritesCidV0AsBase32CidV1() {
        assertEquals(V1_BASE32, CidEncoder.of(null, true).encode(V0));
        assertEquals(V1_BASE32, CidEncoder.lowLevel(null, true).encode(V0));
        assertEquals(base36(V0), CidEncoder.lowLevel("k", true).encode(V0));
        assertEquals(V0.toString(), CidEncoder.of(null, false).encode(V0));
    }

    @Test
    void aBaseIsNamedByItsNameOrItsPrefix() {
        assertEquals(CidEncoder.of("base58btc", null), CidEncoder.of("z", null));
        assertTrue(CidEncoder.of("z", null).encode(V0).startsWith("z"));
        assertEquals(Multibase.encode(Encoding.BASE58_BTC, V0.toV1().bytes()), CidEncoder.of("z", null).encode(V0));
        assertEquals(Multibase.encode(Encoding.BASE256_EMOJI, RAW.bytes()), CidEncoder.of("\uD83D\uDE80", null).encode(RAW));
        assertEquals(Encoding.BASE32_UPPER, CidEncoder.of("B", null).base());
    }

    @Test
    void anUnknownBaseIsGoMultibasesError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CidEncoder.of("foo", null));
        assertEquals("unsupported multibase encoding: foo", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CidEncoder.lowLevel("x", true));
        assertEquals("unsupported multibase encoding: x", e.getMessage());
        for (String unknownToGo : new String[] {"base10", "9", "base8", "base32z", "h"}) {
            e = assertThrows(IllegalArgumentException.class, () -> CidEncoder.of(unknownToGo, null));
            assertEquals("unsupported multibase encoding: " + unknownToGo, e.getMessage());
        }
    }

    @Test
    void theIdentityBaseIsANulAndTheBytesAsGoReadsThem() {
        Cid inline = Cid.v1(Multicodec.RAW, Cid.parse("bafkqaaa").multihash());
        assertEquals("\0\u0001U\0\0", CidEncoder.of("identity", null).encode(inline));
    }

    @Test
    void aPathsCidGivesItsBaseAndUpgrades() {
        Optional<CidEncoder> fromBase36 = CidEncoder.fromPath("/ipfs/" + base36(RAW) + "/a/b");
        assertEquals(Optional.of(new CidEncoder(Encoding.BASE36, true)), fromBase36);
        assertEquals(base36(V0), fromBase36.orElseThrow().encode(V0));
        assertEquals(Optional.of(new CidEncoder(Encoding.BASE32, true)), CidEncoder.fromPath(RAW + "/x"));
        assertEquals(Optional.of(new CidEncoder(Encoding.BASE36, true)), CidEncoder.fromPath("/ipns/" + base36(RAW)),
                "any namespace: the third part is read");
    }

    @Test
    void aPathsCidV0GivesTheDefault() {
        assertEquals(Optional.of(CidEncoder.DEFAULT), CidEncoder.fromPath("/ipfs/" + V0 + "/a"));
        assertEquals(Optional.of(CidEncoder.DEFAULT), CidEncoder.fromPath(V0.toString()));
        // go-cid reads a CIDv0's bytes in a multibase as a CIDv0 too
        assertEquals(Optional.of(CidEncoder.DEFAULT), CidEncoder.fromPath(Multibase.encode(Encoding.BASE58_BTC, V0.bytes())));
    }

    @Test
    void aPathWithoutACidWhereOneIsLookedForGivesNone() {
        assertFalse(CidEncoder.fromPath("/ipfs").isPresent());
        assertFalse(CidEncoder.fromPath("/ipns/example.com/a").isPresent());
        assertFalse(CidEncoder.fromPath("not-a-cid/a").isPresent());
        assertFalse(CidEncoder.fromPath("").isPresent());
        assertFalse(CidEncoder.fromPath("/" + RAW).isPresent(), "after a leading slash the CID is the third part");
    }
}
