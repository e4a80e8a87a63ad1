package io.p2pkit.ipfs.codec.dagcbor;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DagCborTest {
    private static final DagCbor CBOR = DagCbor.DEFAULT;

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 | 00
            23 | 17
            24 | 1818
            255 | 18ff
            256 | 190100
            65535 | 19ffff
            65536 | 1a00010000
            4294967295 | 1affffffff
            4294967296 | 1b0000000100000000
            -1 | 20
            -24 | 37
            -25 | 3818
            -256 | 38ff
            -257 | 390100
            -9223372036854775808 | 3b7fffffffffffffff
            18446744073709551615 | 1bffffffffffffffff
            -18446744073709551616 | 3bffffffffffffffff
            """)
    void integersUseTheShortestForm(String value, String encoded) {
        IntNode n = IntNode.of(new BigInteger(value));
        assertArrayEquals(hex(encoded), CBOR.encode(n));
        assertEquals(n, CBOR.decode(hex(encoded)));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            1800 | shortest form
            190017 | shortest form
            1a0000ffff | shortest form
            1b00000000ffffffff | shortest form
            5800 | shortest form
            780161 | shortest form
            9800 | shortest form
            b800 | shortest form
            5f40ff | indefinite
            7f60ff | indefinite
            9fff | indefinite
            bfff | indefinite
            ff | break
            1c | reserved
            a2616101616102 | duplicate map key "a"
            a2616201616101 | out of canonical order
            a262626201616102 | out of canonical order
            a10101 | map keys must be strings
            c0 | tag 0 is not allowed
            d90 02a 4100 | shortest form
            d82a 01 | must wrap a byte string
            d82a 4101 | 0x00 multibase prefix
            d82a 40 | 0x00 multibase prefix
            d82a 420012 | invalid CID
            f90000 | 64-bit
            fa00000000 | 64-bit
            fb7ff8000000000000 | not an IPLD value
            fb7ff0000000000000 | not an IPLD value
            fbfff0000000000000 | not an IPLD value
            f7 | undefined
            f0 | simple value
            f820 | simple value
            0000 | after the top-level item
            '' | empty
            1b00000001 | ends inside
            62 61 | remain
            82 01 | cannot fit
            a16161 | ends where an item was expected
            9bffffffffffffffff | entries cannot fit
            62c328 | UTF-8
            """)
    void nonCanonicalAndNonIpldInputIsRefused(String encoded, String why) {
        DecodeException e = assertThrows(DecodeException.class, () -> CBOR.decode(hex(encoded)));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertEquals("dag-cbor", e.field());
    }

    @Test
    void floatsAreAlways64Bit() {
        assertArrayEquals(hex("fb3ff8000000000000"), CBOR.encode(Node.of(1.5)));
        assertArrayEquals(hex("fb8000000000000000"), CBOR.encode(Node.of(-0.0)));
        assertEquals(Node.of(-0.0), CBOR.decode(hex("fb8000000000000000")));
    }

    @Test
    void linksAreTag42OverTheZeroPrefixedCid() {
        Cid cid = Cid.parse("bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm");
        byte[] encoded = CBOR.encode(Node.of(cid));
        byte[] cidBytes = cid.bytes();
        assertArrayEquals(hex("d82a5825 00"), Arrays.copyOf(encoded, 5));
        assertArrayEquals(cidBytes, Arrays.copyOfRange(encoded, 5, encoded.length));
        assertEquals(Node.of(cid), CBOR.decode(encoded));
        assertEquals(java.util.List.of(cid), CBOR.links(CBOR.encode(Node.list(Node.of(1), MapNode.of("x", Node.of(cid))))));
    }

    @Test
    void mapsAreWrittenInLengthFirstOrder() {
        MapNode m = MapNode.builder().put("bb", Node.of(1)).put("a", Node.of(2)).put("ab", Node.of(3)).build();
        assertArrayEquals(hex("a3 6161 02 626162 03 626262 01"), CBOR.encode(m));
    }

    @Test
    void nestingAndNodeCountAreCapped() {
        byte[] deep = new byte[2000];
        Arrays.fill(deep, (byte) 0x81);
        deep[deep.length - 1] = 0x00;
        DecodeException e = assertThrows(DecodeException.class, () -> CBOR.decode(deep));
        assertTrue(e.getMessage().contains("nested deeper than 512"), e.getMessage());
        // Exactly at the cap is fine.
        byte[] ok = new byte[513];
        Arrays.fill(ok, (byte) 0x81);
        ok[512] = 0x00;
        assertEquals(ok.length, CBOR.encode(CBOR.decode(ok)).length);

        byte[] many = new byte[1 + 2 + 2000];
        many[0] = (byte) 0x99;
        many[1] = (byte) (2000 >>> 8);
        many[2] = (byte) 2000;
        DagCbor small = new DagCbor(new Limits(1 << 20, 16, 1000));
        e = assertThrows(DecodeException.class, () -> small.decode(many));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        assertEquals(2000, ((ListNode) CBOR.decode(many)).size());

        e = assertThrows(DecodeException.class, () -> new DagCbor(Limits.DEFAULT.withMaxBlockSize(100)).decode(new byte[101]));
        assertTrue(e.getMessage().contains("exceeds the cap of 100"), e.getMessage());
    }

    @Test
    void linksAreFoundInLooseCborThatDecodingRefuses() {
        Cid cid = Cid.parse("bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm");
        byte[] link = CBOR.encode(Node.of(cid));
        // {"zz": "\xff", "a": [1 (as a 2-byte int), 1.5 as a 32-bit float, link]}: out of key
        // order, not UTF-8, not shortest, not 64-bit; only the link matters to pins.
        byte[] loose = concat(hex("a2 627a7a 41ff 6161 83 190001 fa3fc00000"), link);
        loose[4] = 0x61; // the "\xff" byte string becomes a text string holding 0xff
        assertThrows(DecodeException.class, () -> CBOR.decode(loose));
        assertEquals(java.util.List.of(cid), CBOR.links(loose));
        for (String bad : java.util.List.of("c0 00", "9f ff", "d82a 4101", "82 01", "00 00", "5f", "bb4000000000000001",
                "9bffffffffffffffff")) {
            assertThrows(DecodeException.class, () -> CBOR.links(hex(bad)), bad);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theEncoderRefusesNestingPastTheCap() {
        Node n = Node.of(1);
        for (int i = 0; i < 600; i++) {
            n = Node.list(n);
        }
        Node tooDeep = n;
        assertThrows(EncodeException.class, () -> CBOR.encode(tooDeep));
    }
}
