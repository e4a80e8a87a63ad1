package io.p2pkit.ipfs.codec.dagjson;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DagJsonTest {
    private static final DagJson JSON = DagJson.DEFAULT;

    private static String encode(Node n) {
        return new String(JSON.encode(n), StandardCharsets.UTF_8);
    }

    private static Node decode(String s) {
        return JSON.decode(s.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            0.5 | 0.5
            -1.1 | -1.1
            1.0 | 1.0
            100.0 | 100.0
            1e20 | 100000000000000000000.0
            1e21 | 1e+21
            1.5e300 | 1.5e+300
            0.000001 | 0.000001
            0.0000001 | 1e-7
            1.25e-7 | 1.25e-7
            4.9e-324 | 5e-324
            1e-323 | 1e-323
            1.7976931348623157e308 | 1.7976931348623157e+308
            0.1 | 0.1
            123456.789 | 123456.789
            0 | 0.0
            -0.0 | -0.0
            """)
    void floatsAreShortestInJavaScriptLayout(double value, String expected) {
        assertEquals(expected, encode(Node.of(value)));
        assertEquals(Node.of(value), decode(expected));
    }

    @Test
    void floatsRoundTripWhateverTheirValue() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            String text = encode(Node.of(d));
            assertEquals(Node.of(d), decode(text), text);
            assertTrue(text.contains(".") || text.contains("e"), text);
        }
    }

    @Test
    void integersCoverTheWholeRange() {
        assertEquals("18446744073709551615", encode(IntNode.ofUnsigned(-1L)));
        assertEquals(IntNode.MIN, ((IntNode) decode("-18446744073709551616")).bigIntegerValue());
        assertEquals(IntNode.of(0), decode("-0"));
        assertThrows(DecodeException.class, () -> decode("18446744073709551616"));
        assertThrows(DecodeException.class, () -> decode("-18446744073709551617"));
        assertThrows(DecodeException.class, () -> decode("1" + "0".repeat(1000)));
        assertEquals(IntNode.of(new BigInteger("9223372036854775808")), decode("9223372036854775808"));
    }

    @Test
    void mapsAreSortedByBytesWithoutWhitespace() {
        MapNode m = MapNode.builder().put("bb", Node.of(1)).put("a", Node.of(2)).put("ab", Node.list(Node.ofNull(), Node.of(true))).build();
        assertEquals("{\"a\":2,\"ab\":[null,true],\"bb\":1}", encode(m));
        assertEquals(m, decode(" { \"bb\" : 1 ,\n\t\"a\":2, \"ab\": [ null , true ] } \r\n"));
    }

    @Test
    void linksAndBytesUseTheSlashForms() {
        Cid v0 = Cid.parse("QmNX6Tffavsya4xgBi2VJQnSuqy9GsxongxZZ9uZBqp16d");
        Cid v1 = Cid.parse("bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke");
        assertEquals("[{\"/\":\"" + v0 + "\"},{\"/\":\"" + v1 + "\"}]", encode(Node.list(Node.of(v0), Node.of(v1))));
        assertEquals(List.of(v0, v1), JSON.links(JSON.encode(Node.list(Node.of(v0), Node.of(v1)))));
        assertEquals("{\"/\":{\"bytes\":\"AQID/w\"}}", encode(Node.of(new byte[] {1, 2, 3, -1})));
        assertEquals(BytesNode.of(new byte[] {1, 2, 3, -1}), decode("{\"/\":{\"bytes\":\"AQID/w\"}}"));
        // A map with more than the one key is an ordinary map.
        assertInstanceOf(MapNode.class, decode("{\"/\":\"" + v1 + "\",\"x\":1}"));
        assertInstanceOf(MapNode.class, decode("{\"/\":{\"bytes\":\"AQ\",\"x\":1}}"));
        assertInstanceOf(MapNode.class, decode("{\"/\":1}"));
    }

    @Test
    void mapsThatWouldReadBackAsLinksOrBytesCannotBeWritten() {
        assertThrows(EncodeException.class, () -> JSON.encode(MapNode.of("/", Node.of("bafy"))));
        assertThrows(EncodeException.class, () -> JSON.encode(MapNode.of("/", MapNode.of("bytes", Node.of("AQ")))));
        assertEquals("{\"/\":1}", encode(MapNode.of("/", Node.of(1))));
    }

    @Test
    void stringsAreEscapedAsJsonStringifyDoes() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f/é\u2028\"", encode(Node.of("a\"b\\c\n\t\r\b\f\u0001\u001f/é\u2028")));
        assertEquals(Node.of("/é😀"), decode("\"\\/\\u00e9\\ud83d\\ude00\""));
        assertEquals(Node.of("😀"), decode("\"😀\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "{", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "'a'", "tru", "nul", "01", "-", "1.", ".5",
            "1e", "+1", "1e400", "-1e400", "NaN", "Infinity", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
            "\"\\ud800\\u0041\"", "\"a\u0001\"", "[1] 2", "{\"a\":1,\"a\":2}", "{\"/\":\"notacid\"}",
            "{\"/\":{\"bytes\":\"AQ==\"}}", "{\"/\":{\"bytes\":\"!!\"}}", "/* c */1", "\"\\",
    })
    void malformedJsonIsRefused(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> decode(text));
        assertEquals("dag-json", e.field());
    }

    @Test
    void invalidUtf8IsRefused() {
        assertThrows(DecodeException.class, () -> JSON.decode(new byte[] {'"', (byte) 0xC3, '"'}));
        assertThrows(DecodeException.class, () -> JSON.decode(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}));
        assertThrows(DecodeException.class, () -> JSON.decode(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1'}));
    }

    @Test
    void nestingIsCapped() {
        DecodeException e = assertThrows(DecodeException.class, () -> decode("[".repeat(100_000)));
        assertTrue(e.getMessage().contains("nested deeper than 512"), e.getMessage());
        assertEquals(513 * 2, JSON.encode(decode("[".repeat(512) + "]".repeat(512))).length + 2);
    }
}
