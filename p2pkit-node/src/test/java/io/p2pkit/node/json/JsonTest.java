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

    /** The rule as written before Json stopped using BigDecimal (whose class initialisation is slow). */
    private static String goFloatWithBigDecimal(double d) {
        double abs = Math.abs(d);
        java.math.BigDecimal exact = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (abs == 0) {
            return "0";
        }
        if (abs >= 1e-6 && abs < 1e21) {
            return exact.toPlainString();
        }
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String mantissa = digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "");
        int e = Math.abs(exponent);
        String exp = exponent < 0 ? "-" + e : "+" + (e < 10 ? "0" + e : Integer.toString(e));
        return (d < 0 ? "-" : "") + mantissa + "e" + exp;
    }

    @Test
    void floatsAreWrittenAsBigDecimalWroteThemAcrossTheWholeRange() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(59);
        List<Double> edges = List.of(Double.MIN_VALUE, Double.MIN_NORMAL, 1e-6, Math.nextDown(1e-6), Math.nextUp(1e-6),
                1e21, Math.nextDown(1e21), 0.1, 0.3, 1e-3, 1e7, 123456789.0, 9007199254740993.0, -0.0, 5e-324);
        for (double d : edges) {
            assertEquals(goFloatWithBigDecimal(d), Json.goFloat(d), "for " + d);
        }
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 3) {
                case 0 -> Double.longBitsToDouble(random.nextLong()); // any bit pattern: every exponent
                case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
                default -> Math.round(random.nextDouble() * 1e6) / 1000.0; // rates and milliseconds
            };
            if (Double.isFinite(d)) {
                assertEquals(goFloatWithBigDecimal(d), Json.goFloat(d), "for " + d);
            }
        }
    }
}
