package io.p2pkit.node.rpc;

import java.util.List;
import java.util.Locale;

/**
 * An option of a command, as go-ipfs-cmds declares it: names (the first is the one values are
 * kept under, the others are aliases), a type and a default.
 *
 * @param names        the names, long one first
 * @param type         how a value is parsed
 * @param defaultValue the value when absent (null: absent)
 */
public record RpcOption(List<String> names, Type type, Object defaultValue) {
    /** The types go-ipfs-cmds parses, named as its errors name them. */
    public enum Type {
        BOOL("bool"), INT("int"), UINT("uint"), INT64("int64"), UINT64("uint64"), FLOAT("float64"), STRING("string"),
        STRINGS("slice");

        private final String goName;

        Type(String goName) {
            this.goName = goName;
        }

        /** The name go-ipfs-cmds uses in messages. */
        public String goName() {
            return goName;
        }
    }

    /** A boolean option. */
    public static RpcOption bool(String... names) {
        return new RpcOption(List.of(names), Type.BOOL, null);
    }

    /** A string option. */
    public static RpcOption string(String... names) {
        return new RpcOption(List.of(names), Type.STRING, null);
    }

    /** A repeatable string option. */
    public static RpcOption strings(String... names) {
        return new RpcOption(List.of(names), Type.STRINGS, null);
    }

    /** A 32-bit integer option. */
    public static RpcOption integer(String... names) {
        return new RpcOption(List.of(names), Type.INT, null);
    }

    /** A 64-bit integer option. */
    public static RpcOption int64(String... names) {
        return new RpcOption(List.of(names), Type.INT64, null);
    }

    /** An unsigned 32-bit option. */
    public static RpcOption uint(String... names) {
        return new RpcOption(List.of(names), Type.UINT, null);
    }

    /** The same with a default. */
    public RpcOption withDefault(Object value) {
        return new RpcOption(names, type, value);
    }

    /** The name its value is kept under. */
    public String name() {
        return names.getFirst();
    }

    /**
     * Parses one value as go-ipfs-cmds does: booleans are true when empty, else Go's ParseBool
     * (1, t, true, 0, f, false; any case); integers take Go's base prefixes (0x, 0o, 0b).
     *
     * @throws RpcError a client error worded as go-ipfs-cmds words it
     */
    public Object parse(String value) {
        try {
            return switch (type) {
                case BOOL -> parseBool(value);
                case INT -> (int) integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case UINT -> integer(value, 0, 0xFFFF_FFFFL);
                case INT64 -> integer(value, Long.MIN_VALUE, Long.MAX_VALUE);
                case UINT64 -> integer(value, 0, Long.MAX_VALUE);
                case FLOAT -> Double.parseDouble(value);
                case STRING, STRINGS -> value;
            };
        } catch (NumberFormatException e) {
            String what = value.isEmpty() ? "empty value" : "value \"" + value + "\"";
            throw RpcError.client("could not convert " + what + " to type \"" + type.goName() + "\" (for option \"-"
                    + name() + "\")");
        }
    }

    private static boolean parseBool(String value) {
        if (value.isEmpty()) {
            return true;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new NumberFormatException(value);
        };
    }

    private static long integer(String text, long min, long max) {
        String t = text;
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        int radix = 10;
        if (t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
            radix = switch (Character.toLowerCase(t.charAt(1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            t = t.substring(2);
        } else if (t.length() > 1 && t.charAt(0) == '0') {
            radix = 8;
        }
        if (t.isEmpty() || t.charAt(0) == '-' || t.charAt(0) == '+') {
            throw new NumberFormatException(text);
        }
        long v = Long.parseLong(t, radix);
        v = negative ? -v : v;
        if (v < min || v > max) {
            throw new NumberFormatException(text);
        }
        return v;
    }
}
