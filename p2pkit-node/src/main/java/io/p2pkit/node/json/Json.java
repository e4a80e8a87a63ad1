package io.p2pkit.node.json;

import java.util.Collection;
import java.util.Map;

/**
 * Writes JSON text from plain Java values: {@link Map} (keys in iteration order, so use a
 * {@link java.util.LinkedHashMap} for a stable order), {@link Collection}, arrays of objects,
 * {@link CharSequence}, {@link Number}, {@link Boolean} and null. Output is always one line, which
 * is what the command line's {@code --json} mode promises.
 */
public final class Json {
    private Json() {
    }

    /** Encodes {@code value} as compact single-line JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(128);
        write(value, sb);
        return sb.toString();
    }

    private static void write(Object value, StringBuilder sb) {
        switch (value) {
            case null -> sb.append("null");
            case CharSequence s -> string(s, sb);
            case Boolean b -> sb.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
            case Float f when f.isNaN() || f.isInfinite() -> sb.append("null");
            case Double d -> sb.append(goFloat(d));
            case Float f -> sb.append(goFloat(Double.parseDouble(f.toString())));
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(String.valueOf(e.getKey()), sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    write(o, sb);
                }
                sb.append(']');
            }
            case Object[] a -> write(java.util.Arrays.asList(a), sb);
            default -> string(value.toString(), sb);
        }
    }

    /**
     * A float as Go's encoder writes it (Kubo's rates and ratios): the shortest decimal that reads
     * back the same, without a fraction when there is none ({@code 0}, {@code 1.5}), and in
     * exponent form below 1e-6 or from 1e21 on ({@code 1e+21}, {@code 1.5e-7}).
     */
    static String goFloat(double d) {
        double abs = Math.abs(d);
        if (abs == 0) {
            return "0";
        }
        // The shortest digits that read back as d, from Double.toString, placed by hand: BigDecimal
        // would do the same, but its class initialisation costs a fresh process about 20 ms
        String text = Double.toString(abs); // "123.45", "1.0E-7", "1.2345678901234568E20"
        int e = text.indexOf('E');
        String decimal = e < 0 ? text : text.substring(0, e);
        int dot = decimal.indexOf('.');
        String digits = decimal.substring(0, dot) + decimal.substring(dot + 1);
        int point = dot + (e < 0 ? 0 : Integer.parseInt(text.substring(e + 1))); // digits before the point
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
            first++;
        }
        int last = digits.length();
        while (last > first + 1 && digits.charAt(last - 1) == '0') {
            last--;
        }
        digits = digits.substring(first, last);
        point -= first;
        String sign = d < 0 ? "-" : "";
        if (abs >= 1e-6 && abs < 1e21) {
            if (point <= 0) {
                return sign + "0." + "0".repeat(-point) + digits;
            }
            if (point >= digits.length()) {
                return sign + digits + "0".repeat(point - digits.length());
            }
            return sign + digits.substring(0, point) + "." + digits.substring(point);
        }
        int exponent = point - 1;
        String mantissa = digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "");
        int x = Math.abs(exponent);
        // Go writes at least two exponent digits, then drops the leading zero of a negative one
        String exp = exponent < 0 ? "-" + x : "+" + (x < 10 ? "0" + x : Integer.toString(x));
        return sign + mantissa + "e" + exp;
    }

    private static void string(CharSequence s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // Control characters and the line separators JavaScript mishandles are escaped,
                    // and <, > and & as Go's encoder escapes them (Kubo's JSON, byte for byte).
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == '<' || c == '>' || c == '&') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
