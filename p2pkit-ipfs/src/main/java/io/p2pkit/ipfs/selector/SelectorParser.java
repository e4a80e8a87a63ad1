package io.p2pkit.ipfs.selector;

import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads selectors from their data model form (the selector spec's keyed unions: {@code a},
 * {@code f}, {@code i}, {@code r}, {@code R}, {@code @}, {@code |}, {@code .}), refusing what
 * go-ipld-prime refuses: an edge outside a recursion, a recursion without an edge, a range whose
 * start is not below its end, unknown clauses. Selectors come from the network, so nesting is
 * capped at {@link #MAX_NESTING} and the number of clauses at {@link #MAX_CLAUSES}.
 *
 * <pre>{@code
 * Selector s = SelectorParser.parseJson("{\"R\":{\"l\":{\"depth\":3},\":>\":{\"a\":{\">\":{\"@\":{}}}}}}");
 * }</pre>
 */
public final class SelectorParser {
    /** The deepest nesting of clauses accepted. */
    public static final int MAX_NESTING = 64;
    /** The most clauses one selector may have. */
    public static final int MAX_CLAUSES = 1024;

    private int clauses;
    /** For each enclosing recursion, whether an edge was found beneath it. */
    private final java.util.ArrayDeque<boolean[]> recursions = new java.util.ArrayDeque<>();

    private SelectorParser() {
    }

    /**
     * @param node a selector in the data model
     * @return the selector
     * @throws DecodeException when it is not a valid (or supported) selector, or over the caps
     */
    public static Selector parse(Node node) {
        return new SelectorParser().selector(node, 0);
    }

    /**
     * @param dagCbor a selector encoded as DAG-CBOR
     * @return the selector
     * @throws DecodeException when the bytes are not DAG-CBOR or not a valid selector
     */
    public static Selector parseCbor(byte[] dagCbor) {
        return parse(DagCbor.DEFAULT.decode(dagCbor));
    }

    /**
     * @param dagJson a selector as dag-json text
     * @return the selector
     * @throws DecodeException when the text is not dag-json or not a valid selector
     */
    public static Selector parseJson(String dagJson) {
        return parse(DagJson.DEFAULT.decode(dagJson.getBytes(StandardCharsets.UTF_8)));
    }

    private Selector selector(Node node, int depth) {
        if (depth >= MAX_NESTING) {
            throw fail("nested deeper than " + MAX_NESTING + " clauses");
        }
        if (++clauses > MAX_CLAUSES) {
            throw fail("has more than " + MAX_CLAUSES + " clauses");
        }
        if (!(node instanceof MapNode m) || m.size() != 1) {
            throw fail("a selector is a keyed union: a map of one entry");
        }
        String key = m.keyAt(0);
        Node body = m.valueAt(0);
        return switch (key) {
            case "a" -> new Selector.ExploreAll(selector(field(body, ">", key), depth + 1));
            case "f" -> {
                if (!(field(body, "f>", key) instanceof MapNode fields)) {
                    throw fail("ExploreFields' f> is not a map");
                }
                Map<String, Selector> out = new LinkedHashMap<>();
                for (Map.Entry<String, Node> e : fields.entries()) {
                    out.put(e.getKey(), selector(e.getValue(), depth + 1));
                }
                yield new Selector.ExploreFields(out);
            }
            case "i" -> new Selector.ExploreIndex(integer(field(body, "i", key), "i"), selector(field(body, ">", key), depth + 1));
            case "r" -> {
                long start = integer(field(body, "^", key), "^");
                long end = integer(field(body, "$", key), "$");
                if (start >= end) {
                    throw fail("ExploreRange's start " + start + " is not below its end " + end);
                }
                yield new Selector.ExploreRange(start, end, selector(field(body, ">", key), depth + 1));
            }
            case "R" -> recursive(body, depth);
            case "@" -> {
                if (!(body instanceof MapNode)) {
                    throw fail("ExploreRecursiveEdge's body is not a map");
                }
                if (recursions.isEmpty()) {
                    throw fail("ExploreRecursiveEdge is not beneath an ExploreRecursive");
                }
                recursions.peek()[0] = true;
                yield new Selector.ExploreRecursiveEdge();
            }
            case "|" -> {
                if (!(body instanceof ListNode members)) {
                    throw fail("ExploreUnion's body is not a list");
                }
                java.util.ArrayList<Selector> out = new java.util.ArrayList<>();
                for (Node member : members.values()) {
                    out.add(selector(member, depth + 1));
                }
                yield new Selector.ExploreUnion(out);
            }
            case "." -> matcher(body);
            case "~" -> {
                if (!(field(body, "as", key) instanceof StringNode as) || !as.value().equals(Selector.ExploreInterpretAs.UNIXFS)) {
                    throw fail("ExploreInterpretAs supports only the \"unixfs\" ADL");
                }
                yield new Selector.ExploreInterpretAs(as.value(), selector(field(body, ">", key), depth + 1));
            }
            default -> throw fail("\"" + key + "\" is not a known selector clause");
        };
    }

    private Selector recursive(Node body, int depth) {
        Node limit = field(body, "l", "R");
        if (body instanceof MapNode m && m.containsKey("!")) {
            throw fail("ExploreRecursive's stopAt conditions are not supported");
        }
        if (!(limit instanceof MapNode l) || l.size() != 1) {
            throw fail("ExploreRecursive's limit is a keyed union: a map of one entry");
        }
        OptionalLong max = switch (l.keyAt(0)) {
            case "depth" -> {
                long d = integer(l.valueAt(0), "depth");
                if (d < 0) {
                    throw fail("ExploreRecursive's depth " + d + " is negative");
                }
                yield OptionalLong.of(d);
            }
            case "none" -> OptionalLong.empty();
            default -> throw fail("\"" + l.keyAt(0) + "\" is not a recursion limit");
        };
        boolean[] edge = {false};
        recursions.push(edge);
        Selector sequence;
        try {
            sequence = selector(field(body, ":>", "R"), depth + 1);
        } finally {
            recursions.pop();
        }
        if (!edge[0]) {
            throw fail("ExploreRecursive has no ExploreRecursiveEdge");
        }
        return new Selector.ExploreRecursive(sequence, max);
    }

    private static Selector matcher(Node body) {
        if (!(body instanceof MapNode m)) {
            throw fail("Matcher's body is not a map");
        }
        Optional<Node> subset = m.get("subset");
        if (subset.isEmpty()) {
            return new Selector.Matcher(Optional.empty());
        }
        if (!(subset.get() instanceof MapNode s)) {
            throw fail("Matcher's subset is not a map");
        }
        long from = integer(s.get("[").orElseThrow(() -> fail("Matcher's subset has no [")), "[");
        long to = integer(s.get("]").orElseThrow(() -> fail("Matcher's subset has no ]")), "]");
        if (to >= 0 && from > to) {
            throw fail("Matcher's subset starts at " + from + ", after its end " + to);
        }
        return new Selector.Matcher(Optional.of(new Selector.Slice(from, to)));
    }

    private static Node field(Node body, String name, String clause) {
        if (!(body instanceof MapNode m)) {
            throw fail("the body of \"" + clause + "\" is not a map");
        }
        return m.get(name).orElseThrow(() -> fail("\"" + clause + "\" has no \"" + name + "\""));
    }

    private static long integer(Node n, String name) {
        if (!(n instanceof IntNode i) || !i.fitsLong()) {
            throw fail("\"" + name + "\" is not a 64-bit integer");
        }
        return i.longValue();
    }

    private static DecodeException fail(String message) {
        return new DecodeException("selector", message);
    }
}
