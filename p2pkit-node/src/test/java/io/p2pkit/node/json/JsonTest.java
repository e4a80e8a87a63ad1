package io.p2pkit.node.json;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {
    @Test
    void writesNestedValuesOnOneLine() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("s", "a\"b\\c\nd\u0001\u2028");
        o.put("n", 42);
        o.put("f", 1.5);
        o.put("nan", Double.NaN);
        o.put("b", true);
        o.put("null", null);
        o.put("list", List.of(1, "x"));
        o.put("arr", new String[]{"y"});
        o.put("map", Map.of("k", "v"));
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\\u2028\",\"n\":42,\"f\":1.5,\"nan\":null,\"b\":true,"
                + "\"null\":null,\"list\":[1,\"x\"],\"arr\":[\"y\"],\"map\":{\"k\":\"v\"}}", Json.write(o));
        assertEquals("[null]", Json.write(Arrays.asList((Object) null)));
    }
}
