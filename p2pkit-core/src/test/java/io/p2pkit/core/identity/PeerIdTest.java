package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerIdTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void specExampleSha256BothForms() {
        PeerId legacy = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        PeerId cid = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertEquals(legacy, cid);
        assertEquals("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", cid.toString());
        assertEquals("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", legacy.toCid().toString());
        assertEquals(Multicodec.SHA2_256, legacy.multihash().code());
        assertTrue(legacy.publicKeyBytes().isEmpty());
    }

    @Test
    void specExampleEd25519Identity() {
        PeerId id = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        assertEquals(Multicodec.IDENTITY, id.multihash().code());
        byte[] key = id.publicKeyBytes().orElseThrow();
        assertEquals(36, key.length);
        assertEquals("08011220", HEX.formatHex(key, 0, 4));
        assertEquals(id, PeerId.fromPublicKeyBytes(key));
        assertTrue(id.toString(Encoding.BASE36).startsWith("k51qzi5uqu5d"));
        assertEquals(id, PeerId.parse(id.toString(Encoding.BASE36)));
        assertEquals(id, PeerId.decode(id.bytes()));
    }

    /** Public keys from the peer-id spec's test vectors, with the text prefix their peer IDs must have. */
    @ParameterizedTest
    @CsvSource({
            "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e, 12D3KooW, true",
            "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99, 16Uiu2HA, true",
            "0803125b3059301306072a8648ce3d020106082a8648ce3d030107034200"
                    + "04de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c"
                    + "47c646a597fb4dcec034e9f77c409e62, Qm, false",
    })
    void specKeys(String keyHex, String prefix, boolean inlined) {
        byte[] key = HEX.parseHex(keyHex);
        PeerId id = PeerId.fromPublicKeyBytes(key);
        assertTrue(id.toString().startsWith(prefix), id.toString());
        assertEquals(inlined, id.publicKeyBytes().isPresent());
        if (inlined) {
            assertArrayEquals(key, id.publicKeyBytes().orElseThrow());
        } else {
            assertEquals(Multihash.digest(Multicodec.SHA2_256, key), id.multihash());
        }
        assertEquals(id, PeerId.parse(id.toString()));
        assertEquals(id, PeerId.parse(id.toCid().toString()));
    }

    @Test
    void tlsSpecPeerIds() {
        PeerId ed = PeerId.parse("12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv");
        assertEquals("08011220", HEX.formatHex(ed.publicKeyBytes().orElseThrow(), 0, 4));
        PeerId ecdsa = PeerId.parse("QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE");
        assertEquals(32, ecdsa.multihash().length());
        PeerId secp = PeerId.parse("16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs");
        assertEquals("08021221", HEX.formatHex(secp.publicKeyBytes().orElseThrow(), 0, 4));
    }

    @Test
    void inlineBoundary() {
        assertTrue(PeerId.fromPublicKeyBytes(new byte[42]).publicKeyBytes().isPresent());
        assertTrue(PeerId.fromPublicKeyBytes(new byte[43]).publicKeyBytes().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> PeerId.fromPublicKeyBytes(new byte[0]));
    }

    @Test
    void rejectsOtherCodecsClearly() {
        String dagPb = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354";
        DecodeException e = assertThrows(DecodeException.class, () -> PeerId.parse(dagPb));
        assertTrue(e.getMessage().contains("dag-pb"), e.getMessage());
        assertEquals("peer-id", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "Q", "Qm", "1", "0", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5", // truncated
            "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SAx", // trailing
            "zQmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", // multibase but not a CID
            "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx", // truncated CID
            "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5S0", // invalid base58 char
            "/ip4/1.2.3.4",
    })
    void rejectsMalformedText(String text) {
        assertThrows(DecodeException.class, () -> PeerId.parse(text));
    }

    @Test
    void rejectsUnacceptableMultihashes() {
        assertThrows(DecodeException.class, () -> PeerId.fromMultihash(Multihash.digest(Multicodec.SHA1, new byte[1])));
        assertThrows(DecodeException.class,
                () -> PeerId.fromMultihash(Multihash.digest(Multicodec.SHA2_256, new byte[1], 20)));
        assertThrows(DecodeException.class, () -> PeerId.fromMultihash(Multihash.identity(new byte[43])));
        assertThrows(DecodeException.class, () -> PeerId.fromMultihash(Multihash.identity(new byte[0])));
        // A libp2p-key CID holding a sha1 multihash is still not a peer ID.
        String sha1Cid = Cid.v1(Multicodec.LIBP2P_KEY, Multihash.digest(Multicodec.SHA1, new byte[1])).toString();
        assertThrows(DecodeException.class, () -> PeerId.parse(sha1Cid));
        assertThrows(DecodeException.class, () -> PeerId.decode(HEX.parseHex("1220aa")));
    }

    @Test
    void orderIsUnsignedBytes() {
        PeerId small = PeerId.fromPublicKeyBytes(new byte[] {1});
        PeerId big = PeerId.fromPublicKeyBytes(new byte[] {(byte) 0xff});
        PeerId hashed = PeerId.fromPublicKeyBytes(new byte[50]);
        List<PeerId> ids = new ArrayList<>(List.of(hashed, big, small));
        ids.sort(null);
        assertEquals(List.of(small, big, hashed), ids);
        assertEquals(0, small.compareTo(PeerId.decode(small.bytes())));
    }

    static IntStream seeds() {
        return IntStream.range(0, 100);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomKeysRoundTripThroughEveryForm(int seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] key = new byte[1 + rnd.nextInt(seed % 2 == 0 ? 42 : 600)];
        rnd.nextBytes(key);
        PeerId id = PeerId.fromPublicKeyBytes(key);
        assertEquals(id, PeerId.parse(id.toString()));
        assertEquals(id, PeerId.decode(id.bytes()));
        assertEquals(id.hashCode(), PeerId.decode(id.bytes()).hashCode());
        Encoding e = Encoding.values()[rnd.nextInt(Encoding.values().length)];
        assertEquals(id, PeerId.parse(id.toString(e)), e.multibaseName());
        assertEquals(id, PeerId.parse(Multibase.encode(Encoding.BASE32, id.toCid().bytes())));
    }
}
