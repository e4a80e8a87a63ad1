package io.p2pkit.interop;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the p2pkit nodes that tests run as JVMs of their own ({@link AutoNatTestbedNode},
 * {@link HolePunchTestbedNode}) print their events: one JSON object a line on stdout, as the peer
 * programs do, so that {@link PeerEvent#parse} reads both.
 */
final class NodeEvents {
    private NodeEvents() {
    }

    /** Prints {@code event} as one line and flushes it. */
    static void emit(Map<String, Object> event) {
        System.out.println(json(event));
        System.out.flush();
    }

    /** Maps, lists, booleans and numbers as JSON; anything else as a JSON string of its text. */
    static String json(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> json(e.getKey()) + ":" + json(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(NodeEvents::json).collect(Collectors.joining(",", "[", "]"));
        }
        if (v instanceof Boolean || v instanceof Number) {
            return v.toString();
        }
        return string(String.valueOf(v));
    }

    /** A JSON string; control characters escaped too, so that a multi-line message stays on its event's line. */
    private static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
