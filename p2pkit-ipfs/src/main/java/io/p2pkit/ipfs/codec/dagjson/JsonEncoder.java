package io.p2pkit.ipfs.codec.dagjson;

import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.ipld.BoolNode;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.FloatNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.NullNode;
import io.p2pkit.ipfs.ipld.StringNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Writes a node as canonical DAG-JSON: no whitespace, keys sorted by their UTF-8 bytes. */
final class JsonEncoder {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int maxDepth;
    private final StringBuilder out = new StringBuilder(256);

    JsonEncoder(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    byte[] encode(Node node) {
        write(node, 0);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void write(Node node, int depth) {
        switch (node) {
            case NullNode n -> out.append("null");
            case BoolNode b -> out.append(b.value());
            case IntNode i -> out.append(i);
            case FloatNode f -> FloatFormat.append(out, f.value());
            case StringNode s -> string(s.value());
            case BytesNode b -> {
                out.append("{\"/\":{\"bytes\":\"");
                out.append(Base64.getEncoder().withoutPadding().encodeToString(b.toByteArray()));
                out.append("\"}}");
            }
            case Link l -> out.append("{\"/\":\"").append(l.cid()).append("\"}");
            case ListNode l -> {
                enter(depth);
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(l.get(i), depth + 1);
                }
                out.append(']');
            }
            case MapNode m -> map(m, depth);
        }
    }

    private void map(MapNode m, int depth) {
        enter(depth);
        if (m.size() == 1 && m.keyAt(0).equals("/") && readsBackAsSpecial(m.valueAt(0))) {
            throw new EncodeException("dag-json", "the map {\"/\": " + m.valueAt(0)
                    + "} would read back as a " + (m.valueAt(0) instanceof StringNode ? "link" : "bytes") + ", so DAG-JSON cannot hold it");
        }
        // MapNode's order is DAG-CBOR's (length first); DAG-JSON sorts by bytes alone.
        int n = m.size();
        Integer[] order = new Integer[n];
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            keys[i] = m.keyAt(i).getBytes(StandardCharsets.UTF_8);
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
        out.append('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            int e = order[i];
            string(m.keyAt(e));
            out.append(':');
            write(m.valueAt(e), depth + 1);
        }
        out.append('}');
    }

    private static boolean readsBackAsSpecial(Node value) {
        return value instanceof StringNode
                || (value instanceof MapNode inner && inner.size() == 1 && inner.keyAt(0).equals("bytes")
                && inner.valueAt(0) instanceof StringNode);
    }

    /** A JSON string, escaped as JavaScript's JSON.stringify does (the fixtures were made that way). */
    private void string(String s) {
        out.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void enter(int depth) {
        if (depth >= maxDepth) {
            throw new EncodeException("dag-json", "nested deeper than " + maxDepth + " levels");
        }
    }
}
