package io.p2pkit.ipfs.ipld;

import io.p2pkit.core.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeTest {
    private static final Cid A = Cid.parse("bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke");
    private static final Cid B = Cid.parse("QmNX6Tffavsya4xgBi2VJQnSuqy9GsxongxZZ9uZBqp16d");

    @Test
    void integersCoverMinus2To64Through2To64MinusOne() {
        assertEquals(IntNode.of(Long.MIN_VALUE), IntNode.of(BigInteger.valueOf(Long.MIN_VALUE)));
        assertEquals(Long.MIN_VALUE, IntNode.of(Long.MIN_VALUE).longValue());
        assertEquals(IntNode.MAX, IntNode.ofUnsigned(-1L).bigIntegerValue());
        assertEquals(IntNode.MIN, IntNode.of(IntNode.MIN).bigIntegerValue());
        assertEquals("18446744073709551615", IntNode.ofUnsigned(-1L).toString());
        assertEquals("-18446744073709551616", IntNode.of(IntNode.MIN).toString());
        assertFalse(IntNode.ofUnsigned(-1L).fitsLong());
        assertThrows(ArithmeticException.class, () -> IntNode.ofUnsigned(-1L).longValue());
        assertThrows(IllegalArgumentException.class, () -> IntNode.of(IntNode.MAX.add(BigInteger.ONE)));
        assertThrows(IllegalArgumentException.class, () -> IntNode.of(IntNode.MIN.subtract(BigInteger.ONE)));
        BigInteger below = BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE);
        assertEquals(below, IntNode.of(below).bigIntegerValue());
        assertEquals(-1, IntNode.of(below).signum());
        assertEquals(IntNode.of(5), IntNode.of(BigInteger.valueOf(5)));
        assertEquals(IntNode.of(5).hashCode(), IntNode.of(BigInteger.valueOf(5)).hashCode());
    }

    @Test
    void floatsAreFiniteAndNegativeZeroIsItsOwnValue() {
        assertThrows(IllegalArgumentException.class, () -> new FloatNode(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new FloatNode(Double.POSITIVE_INFINITY));
        assertNotEquals(new FloatNode(0.0), new FloatNode(-0.0));
        assertNotEquals(Node.of(1.0), Node.of(1));
    }

    @Test
    void stringsMustBeUnicode() {
        assertThrows(IllegalArgumentException.class, () -> Node.of("a\uD800b"));
        assertThrows(IllegalArgumentException.class, () -> Node.of("\uDC00"));
        assertEquals("\uD800\uDC00", Node.of("\uD800\uDC00").value());
        assertThrows(IllegalArgumentException.class, () -> MapNode.of("\uD800", Node.ofNull()));
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] raw = {1, 2, 3};
        BytesNode b = Node.of(raw);
        raw[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, b.toByteArray());
        b.toByteArray()[1] = 9;
        assertEquals(BytesNode.of(new byte[] {1, 2, 3}), b);
        assertEquals(BytesNode.EMPTY, BytesNode.wrap(new byte[0]));
    }

    @Test
    void mapsKeepCanonicalOrderAndRefuseDuplicates() {
        Map<String, Node> in = new LinkedHashMap<>();
        for (String k : List.of("aaa", "b", "ab", "a", "é", "z")) {
            in.put(k, Node.of(k.length()));
        }
        MapNode m = MapNode.of(in);
        // Length of the UTF-8 bytes first ("é" is two bytes), then bytewise.
        assertEquals(List.of("a", "b", "z", "ab", "é", "aaa"), m.keys());
        assertEquals(m, MapNode.builder().put("z", Node.of(1)).put("é", Node.of(1)).put("aaa", Node.of(3))
                .put("ab", Node.of(2)).put("b", Node.of(1)).put("a", Node.of(1)).build());
        assertEquals(Node.of(3), m.get("aaa").orElseThrow());
        assertTrue(m.get("missing").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MapNode.builder().put("k", Node.ofNull()).put("k", Node.of(true)).build());
        assertTrue(e.getMessage().contains("\"k\""), e.getMessage());
    }

    @Test
    void largeMapsFindKeysByBinarySearch() {
        MapNode.Builder b = MapNode.builder();
        for (int i = 0; i < 100; i++) {
            b.put("key" + i, Node.of(i));
        }
        MapNode m = b.build();
        for (int i = 0; i < 100; i++) {
            assertEquals(Node.of(i), m.get("key" + i).orElseThrow());
        }
        assertFalse(m.containsKey("key100"));
    }

    @Test
    void linksAreCollectedDepthFirstInKeyOrder() {
        Node n = MapNode.of("zz", Node.list(Node.of(A), Node.of(1), MapNode.of("x", Node.of(B))), "a", Node.of(B));
        assertEquals(List.of(B, A, B), n.links());
        // Deeper than any recursion would survive.
        Node deep = Node.of(A);
        for (int i = 0; i < 100_000; i++) {
            deep = Node.list(deep);
        }
        assertEquals(List.of(A), deep.links());
    }
}
