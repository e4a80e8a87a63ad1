package io.p2pkit.node.rpc;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Go's {@code fmt.Sprintf("%s", v)}, which go-ipfs-cmds writes for {@code enc=text} when a command
 * has no text encoder of its own ({@code diag/sys}, {@code version/check}). The Java value stands
 * for the Go one: a {@link SortedMap} is a Go map ({@code map[k:v …]}, keys sorted), any other map a
 * struct ({@code {v …}}, its values in field order), a list a slice ({@code [a b]}), and the
 * values %s cannot write are named with their Go type: a {@link Boolean} is a {@code bool}, an
 * {@link Integer} an {@code int}, a {@link Long} a {@code uint64} (what Kubo's byte counts are).
 */
final class GoValueText {
    private GoValueText() {
    }

    /** The text of {@code value}. */
    static String of(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    private static void write(Object value, StringBuilder b) {
        switch (value) {
            case null -> b.append("%!s(<nil>)");
            case String s -> b.append(s);
            case Boolean v -> b.append("%!s(bool=").append(v).append(')');
            case Integer v -> b.append("%!s(int=").append(v).append(')');
            case Long v -> b.append("%!s(uint64=").append(Long.toUnsignedString(v)).append(')');
            case SortedMap<?, ?> m -> {
                b.append("map[");
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(first ? "" : " ").append(e.getKey()).append(':');
                    write(e.getValue(), b);
                    first = false;
                }
                b.append(']');
            }
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Object v : m.values()) {
                    b.append(first ? "" : " ");
                    write(v, b);
                    first = false;
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    b.append(i > 0 ? " " : "");
                    write(l.get(i), b);
                }
                b.append(']');
            }
            default -> throw new IllegalArgumentException("no Go text for a " + value.getClass().getName());
        }
    }
}
