package io.p2pkit.ipfs.selector;

import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An IPLD selector (the selector spec's data model form): which parts of a DAG a
 * {@link SelectorWalk} visits and which nodes it matches. Parse one with {@link SelectorParser},
 * build one from these records, or use {@link #exploreAll()} / {@link #depthLimited(long)}.
 *
 * <pre>{@code
 * Selector all = Selector.exploreAll();   // {"R": {"l": {"none": {}}, ":>": {"a": {">": {"@": {}}}}}}
 * Node wire = all.toNode();               // back to the data model, for DAG-CBOR or dag-json
 * }</pre>
 *
 * <p>Of ExploreInterpretAs (ADLs) only go-unixfsnode's {@code unixfs} is supported (UnixFS
 * directory names, see {@link #unixfsPath}). Not supported: ExploreConditional and
 * {@code stopAt} conditions; the parser refuses them.
 */
public sealed interface Selector permits Selector.ExploreAll, Selector.ExploreFields, Selector.ExploreIndex,
        Selector.ExploreRange, Selector.ExploreRecursive, Selector.ExploreRecursiveEdge, Selector.ExploreUnion,
        Selector.Matcher, Selector.ExploreInterpretAs, Recursion {

    /** {@code {"a": {">": next}}}: every child of a map or list, with {@code next}. */
    record ExploreAll(Selector next) implements Selector {
        /** @param next the selector for each child */
        public ExploreAll {
            Objects.requireNonNull(next, "next");
        }
    }

    /** {@code {"f": {"f>": {name: next, …}}}}: the named fields, in this map's order. */
    record ExploreFields(Map<String, Selector> fields) implements Selector {
        /** @param fields field name to selector, iterated in the given order */
        public ExploreFields {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** {@code {"i": {"i": index, ">": next}}}: one element of a list. */
    record ExploreIndex(long index, Selector next) implements Selector {
        /** @param index the list index; @param next the selector for it */
        public ExploreIndex {
            Objects.requireNonNull(next, "next");
        }
    }

    /** {@code {"r": {"^": start, "$": end, ">": next}}}: list elements {@code start} (inclusive) to {@code end} (exclusive). */
    record ExploreRange(long start, long end, Selector next) implements Selector {
        /** @throws IllegalArgumentException unless {@code start < end} */
        public ExploreRange {
            Objects.requireNonNull(next, "next");
            if (start >= end) {
                throw new IllegalArgumentException("range start " + start + " is not below its end " + end);
            }
        }
    }

    /**
     * {@code {"R": {"l": limit, ":>": sequence}}}: applies {@code sequence} again wherever it
     * reaches an {@link ExploreRecursiveEdge}, at most {@code depth} times (empty: no limit).
     */
    record ExploreRecursive(Selector sequence, OptionalLong depth) implements Selector {
        /** @throws IllegalArgumentException for a negative depth */
        public ExploreRecursive {
            Objects.requireNonNull(sequence, "sequence");
            Objects.requireNonNull(depth, "depth");
            if (depth.isPresent() && depth.getAsLong() < 0) {
                throw new IllegalArgumentException("negative recursion depth " + depth.getAsLong());
            }
        }
    }

    /** {@code {"@": {}}}: where an {@link ExploreRecursive}'s sequence starts again. */
    record ExploreRecursiveEdge() implements Selector {
    }

    /** {@code {"|": [s1, s2, …]}}: all of the members at once. */
    record ExploreUnion(List<Selector> members) implements Selector {
        /** @param members the selectors */
        public ExploreUnion {
            members = List.copyOf(members);
        }
    }

    /**
     * {@code {".": {}}}, or {@code {".": {"subset": {"[": from, "]": to}}}}: matches the node (a
     * subset of a string or bytes node's content).
     */
    record Matcher(Optional<Slice> subset) implements Selector {
        /** @param subset the slice to match, or empty for the whole node */
        public Matcher {
            Objects.requireNonNull(subset, "subset");
        }
    }

    /**
     * {@code {"~": {"as": "unixfs", ">": next}}}: the node as go-unixfsnode's {@code unixfs} ADL
     * shows it, then {@code next}: a UnixFS directory (a HAMT-sharded one too) or a dag-pb node
     * that is not UnixFS is a map from entry names to links, a file or symlink has no fields, a
     * block of another codec is as it is.
     */
    record ExploreInterpretAs(String as, Selector next) implements Selector {
        /** The one ADL supported. */
        public static final String UNIXFS = "unixfs";

        /** @throws IllegalArgumentException for an ADL other than {@code unixfs} */
        public ExploreInterpretAs {
            Objects.requireNonNull(next, "next");
            if (!UNIXFS.equals(as)) {
                throw new IllegalArgumentException("unsupported ADL " + as);
            }
        }
    }

    /** A byte range of a matched string or bytes node, as the selector spec's subset rules read it. */
    record Slice(long from, long to) {
    }

    /** @return the selector that visits a whole DAG, as go-graphsync's {@code ExploreAllRecursively} */
    static Selector exploreAll() {
        return new ExploreRecursive(new ExploreAll(new ExploreRecursiveEdge()), OptionalLong.empty());
    }

    /**
     * @param depth how many levels of the data model are visited, the root's included (0 and 1: the
     *              root alone; a dag-pb child block is 4 levels below its parent: Links, the
     *              link, Hash, the child)
     * @return the explore-all selector limited to {@code depth} levels, as go-ipld-prime counts them
     */
    static Selector depthLimited(long depth) {
        return new ExploreRecursive(new ExploreAll(new ExploreRecursiveEdge()), OptionalLong.of(depth));
    }

    /**
     * The selector for a UnixFS path, as go-unixfsnode's {@code UnixFSPathSelectorBuilder} (Kubo's
     * and Boost's path fetches) builds it: each segment a name in the directory before it (through
     * its dag-pb links, or a HAMT's shards along the name's hash), then {@code target} at the end.
     * Only the blocks on the path and those {@code target} reaches are loaded.
     *
     * <pre>{@code
     * Selector s = Selector.unixfsPath(List.of("docs", "a.txt"), Selector.exploreAll());
     * }</pre>
     *
     * @param segments the path's names below its root, in order (empty: {@code target} alone)
     * @param target   the selector for the node the path names
     * @return the selector
     */
    static Selector unixfsPath(List<String> segments, Selector target) {
        Selector s = target;
        for (int i = segments.size() - 1; i >= 0; i--) {
            s = new ExploreInterpretAs(ExploreInterpretAs.UNIXFS, new ExploreFields(Map.of(segments.get(i), s)));
        }
        return s;
    }

    /** @return this selector in the data model, the form selectors take on the wire */
    default Node toNode() {
        return switch (this) {
            case ExploreAll a -> union("a", MapNode.of(">", a.next().toNode()));
            case ExploreFields f -> {
                MapNode.Builder b = MapNode.builder();
                f.fields().forEach((k, v) -> b.put(k, v.toNode()));
                yield union("f", MapNode.of("f>", b.build()));
            }
            case ExploreIndex i -> union("i", MapNode.of("i", IntNode.of(i.index()), ">", i.next().toNode()));
            case ExploreRange r -> union("r", MapNode.of(Map.of("^", IntNode.of(r.start()), "$", IntNode.of(r.end()),
                    ">", r.next().toNode())));
            case ExploreRecursive r -> union("R", MapNode.of("l", r.depth().isPresent()
                            ? MapNode.of("depth", IntNode.of(r.depth().getAsLong())) : MapNode.of("none", MapNode.EMPTY),
                    ":>", r.sequence().toNode()));
            case ExploreRecursiveEdge e -> union("@", MapNode.EMPTY);
            case ExploreUnion u -> {
                List<Node> members = new ArrayList<>();
                u.members().forEach(m -> members.add(m.toNode()));
                yield union("|", new ListNode(members));
            }
            case Matcher m -> union(".", m.subset().map(s -> MapNode.of("subset",
                    MapNode.of("[", IntNode.of(s.from()), "]", IntNode.of(s.to())))).orElse(MapNode.EMPTY));
            case ExploreInterpretAs x -> union("~", MapNode.of("as", Node.of(x.as()), ">", x.next().toNode()));
            case Recursion r -> throw new IllegalStateException("a recursion in progress has no wire form");
        };
    }

    private static Node union(String key, Node body) {
        return MapNode.of(key, body);
    }
}
