package io.p2pkit.ipfs.selector;

import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.Kind;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How each selector explores and matches, step by step as go-ipld-prime's selectors do, so that a
 * walk visits the same nodes in the same order as go-graphsync's.
 */
final class Explorer {
    private Explorer() {
    }

    /**
     * The path segments a selector looks at under a map or list, in order, or null for "every
     * child" (ExploreAll, or a union with such a member). {@code node} bounds ranges.
     */
    static List<String> interests(Selector s, Node node) {
        return switch (s) {
            case Selector.ExploreAll a -> null;
            case Selector.ExploreFields f -> List.copyOf(f.fields().keySet());
            case Selector.ExploreIndex i -> List.of(Long.toString(i.index()));
            case Selector.ExploreRange r -> {
                // Indexes past the list's end would be looked up and skipped; leave them out.
                long size = node instanceof ListNode l ? l.size() : 0;
                List<String> out = new ArrayList<>();
                for (long i = Math.max(r.start(), 0); i < Math.min(r.end(), size); i++) {
                    out.add(Long.toString(i));
                }
                yield out;
            }
            case Selector.ExploreRecursive r -> interests(r.sequence(), node);
            case Recursion r -> interests(r.current(), node);
            case Selector.ExploreRecursiveEdge e -> List.of();
            case Selector.Matcher m -> List.of();
            case Selector.ExploreInterpretAs x -> interests(x.next(), node); // reified by the walk; as a union member, as go
            case Selector.ExploreUnion u -> {
                List<String> out = new ArrayList<>();
                for (Selector m : u.members()) {
                    List<String> i = interests(m, node);
                    if (i == null) {
                        yield null;
                    }
                    out.addAll(i); // go-ipld-prime does not deduplicate either
                }
                yield out;
            }
        };
    }

    /** The selector for the child at {@code segment} of {@code node}, or null when it is not explored. */
    static Selector explore(Selector s, Node node, String segment) {
        return switch (s) {
            case Selector.ExploreAll a -> a.next();
            case Selector.ExploreFields f -> f.fields().get(segment);
            case Selector.ExploreIndex i -> node.kind() == Kind.LIST && segment.equals(Long.toString(i.index())) ? i.next() : null;
            case Selector.ExploreRange r -> {
                if (node.kind() != Kind.LIST) {
                    yield null;
                }
                long index = Long.parseLong(segment);
                yield index >= r.start() && index < r.end() ? r.next() : null;
            }
            case Selector.ExploreRecursive r -> explore(new Recursion(r.sequence(), r.sequence(),
                    r.depth().isPresent() ? r.depth().getAsLong() : -1), node, segment);
            case Recursion r -> exploreRecursion(r, node, segment);
            case Selector.ExploreRecursiveEdge e -> null; // only reached as a recursion's immediate edge
            case Selector.Matcher m -> null;
            case Selector.ExploreInterpretAs x -> explore(x.next(), node, segment);
            case Selector.ExploreUnion u -> {
                List<Selector> next = new ArrayList<>();
                for (Selector m : u.members()) {
                    Selector n = explore(m, node, segment);
                    if (n != null) {
                        next.add(n);
                    }
                }
                yield next.isEmpty() ? null : next.size() == 1 ? next.getFirst() : new Selector.ExploreUnion(next);
            }
        };
    }

    private static Selector exploreRecursion(Recursion r, Node node, String segment) {
        if (r.current() instanceof Selector.ExploreRecursiveEdge) {
            return null;
        }
        Selector next = explore(r.current(), node, segment);
        if (next == null) {
            return null;
        }
        if (!hasEdge(next)) {
            return new Recursion(r.sequence(), next, r.depthLeft());
        }
        if (r.depthLeft() >= 0 && r.depthLeft() < 2) {
            return replaceEdge(next, null);
        }
        return new Recursion(r.sequence(), replaceEdge(next, r.sequence()), r.depthLeft() < 0 ? -1 : r.depthLeft() - 1);
    }

    private static boolean hasEdge(Selector s) {
        return s instanceof Selector.ExploreRecursiveEdge
                || s instanceof Selector.ExploreUnion u && u.members().stream().anyMatch(Explorer::hasEdge);
    }

    private static Selector replaceEdge(Selector s, Selector replacement) {
        if (s instanceof Selector.ExploreRecursiveEdge) {
            return replacement;
        }
        if (s instanceof Selector.ExploreUnion u) {
            List<Selector> members = new ArrayList<>();
            for (Selector m : u.members()) {
                Selector r = replaceEdge(m, replacement);
                if (r != null) {
                    members.add(r);
                }
            }
            return members.isEmpty() ? null : members.size() == 1 ? members.getFirst() : new Selector.ExploreUnion(members);
        }
        return s;
    }

    /** The node a selector matches here (a slice of it for a subset matcher), or null when it does not match. */
    static Node match(Selector s, Node node) {
        return switch (s) {
            case Selector.Matcher m -> m.subset().isEmpty() ? node : slice(m.subset().get(), node);
            case Selector.ExploreRecursive r -> match(r.sequence(), node);
            case Recursion r -> match(r.current(), node);
            case Selector.ExploreInterpretAs x -> match(x.next(), node);
            case Selector.ExploreUnion u -> {
                for (Selector m : u.members()) {
                    Node n = match(m, node);
                    if (n != null) {
                        yield n;
                    }
                }
                yield null;
            }
            default -> null;
        };
    }

    /** The selector spec's subset rules: negative bounds count from the end; a range starting at or past the end, or inverted, does not match. */
    private static Node slice(Selector.Slice s, Node node) {
        byte[] content = switch (node) {
            case StringNode str -> str.value().getBytes(StandardCharsets.UTF_8);
            case BytesNode b -> b.toByteArray();
            default -> null;
        };
        if (content == null) {
            return null;
        }
        long len = content.length;
        long from = s.from() < 0 ? Math.max(len + s.from(), 0) : s.from();
        long to = s.to() < 0 ? len + s.to() : Math.min(s.to(), len);
        if (from > to || from >= len) {
            return null;
        }
        byte[] part = Arrays.copyOfRange(content, (int) from, (int) to);
        return node instanceof StringNode ? Node.of(new String(part, StandardCharsets.UTF_8)) : BytesNode.wrap(part);
    }
}
