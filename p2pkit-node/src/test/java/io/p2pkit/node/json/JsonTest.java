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

    @Test
    void floatsAndHtmlCharactersAreWrittenAsGosEncoderWritesThem() {
        assertEquals("[0,1,1.5,-2.25,100,0.000001,1e-7,1.5e-7,123456789012345680000,1e+21,1.7976931348623157e+308]",
                Json.write(List.of(0.0, 1.0, 1.5, -2.25, 100.0, 1e-6, 1e-7, 1.5e-7, 1.2345678901234568e20, 1e21,
                        Double.MAX_VALUE)));
        assertEquals("\"\\u003ca href=x\\u003e \\u0026amp;\"", Json.write("<a href=x> &amp;"));
    }
}
