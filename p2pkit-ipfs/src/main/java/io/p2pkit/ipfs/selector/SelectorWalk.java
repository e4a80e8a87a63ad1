package io.p2pkit.ipfs.selector;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Walks a DAG as a selector directs, in go-ipld-prime's order: a node is visited, then its
 * children (depth first; maps in their order, lists by index, or in the order a clause names
 * them), a link's block loaded just before its node is walked. Blocks come through a
 * {@link Loader}, so the same walk serves a local blockstore (a GraphSync responder) and blocks
 * arriving from a peer (a requester checking that each one belongs to the traversal).
 *
 * <pre>{@code
 * SelectorWalk.Result r = new SelectorWalk(Codecs.standard(), SelectorWalk.Limits.DEFAULT)
 *         .walk(root, Selector.exploreAll(), cid -> blockstore.get(cid), SelectorWalk.Visitor.NONE);
 * }</pre>
 *
 * <p>A link whose block the loader does not have is skipped with its subtree and listed in
 * {@link Result#missing()}. A link reached twice is loaded twice, as go-ipld-prime does.
 * Differences from go-ipld-prime: a dag-pb node's fields are visited {@code Data} before
 * {@code Links} (the data-model order here), which changes the order of visited nodes but not of
 * blocks; of the ADLs ({@code ~}) only {@code unixfs} is supported (see {@link UnixfsView}), and a
 * node it shows as a directory is visited as its dag-pb node; stop conditions are not supported.
 */
public final class SelectorWalk {
    /** Where a walk gets the block a link names. */
    @FunctionalInterface
    public interface Loader {
        /**
         * @param cid the link's CID
         * @return the block, or empty when it is missing (its part of the DAG is skipped)
         * @throws IOException          when loading fails; the walk stops with it
         * @throws InterruptedException when interrupted; the walk stops
         */
        Optional<Block> load(Cid cid) throws IOException, InterruptedException;
    }

    /** Told of each node the walk reaches. */
    @FunctionalInterface
    public interface Visitor {
        /** A visitor that does nothing. */
        Visitor NONE = (path, node, matched) -> {
        };

        /**
         * @param path    the node's path from the root, segments joined by {@code /} ("" for the root)
         * @param node    the node (for a subset matcher, the matched part of it)
         * @param matched whether the selector matches it (false: it is only passed through)
         */
        void visit(String path, Node node, boolean matched);
    }

    /**
     * Caps on one walk, as the data comes from elsewhere.
     *
     * @param maxBlocks how many blocks it may load
     * @param maxNodes  how many nodes it may visit
     * @param maxPath   how deep its paths may go (the walk recurses once per level)
     */
    public record Limits(long maxBlocks, long maxNodes, int maxPath) {
        /** A million blocks, 100 million nodes, paths of 4,096 segments. */
        public static final Limits DEFAULT = new Limits(1_000_000, 100_000_000, 4096);
    }

    /**
     * What a walk did.
     *
     * @param blocks  the blocks loaded, in order (a block reached twice is here twice)
     * @param missing the links whose blocks the loader did not have, in order
     * @param nodes   how many nodes were visited
     */
    public record Result(List<Cid> blocks, List<Cid> missing, long nodes) {
    }

    /** Thrown when a walk goes over one of its {@link Limits}. */
    public static final class LimitException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message);
        }
    }

    private final Codecs codecs;
    private final Limits limits;

    /**
     * @param codecs decode the blocks loaded
     * @param limits caps on each walk
     */
    public SelectorWalk(Codecs codecs, Limits limits) {
        this.codecs = Objects.requireNonNull(codecs, "codecs");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Walks from the block {@code root}.
     *
     * @return the blocks loaded and missing
     * @throws LimitException       when a limit is reached
     * @throws IOException          when the loader fails or a block cannot be decoded
     * @throws InterruptedException when interrupted
     */
    public Result walk(Cid root, Selector selector, Loader loader, Visitor visitor) throws IOException, InterruptedException {
        Run run = new Run(loader, visitor);
        Block block = run.loadBlock(root);
        if (block != null) {
            run.walk(codecs.decode(block), selector, new ArrayList<>(), block);
        }
        return run.result();
    }

    /**
     * Walks from a node already in hand (its links are loaded as reached).
     *
     * @return the blocks loaded and missing
     * @throws IOException          when the loader fails, a block cannot be decoded or a limit is reached
     * @throws InterruptedException when interrupted
     */
    public Result walk(Node root, Selector selector, Loader loader, Visitor visitor) throws IOException, InterruptedException {
        Run run = new Run(loader, visitor);
        run.walk(root, selector, new ArrayList<>(), null);
        return run.result();
    }

    private final class Run {
        private final Loader loader;
        private final Visitor visitor;
        private final List<Cid> blocks = new ArrayList<>();
        private final List<Cid> missing = new ArrayList<>();
        private long nodes;

        Run(Loader loader, Visitor visitor) {
            this.loader = loader;
            this.visitor = visitor;
        }

        Result result() {
            return new Result(List.copyOf(blocks), List.copyOf(missing), nodes);
        }

        /** The block, or null when it is missing. */
        Block loadBlock(Cid cid) throws IOException, InterruptedException {
            if (blocks.size() >= limits.maxBlocks()) {
                throw new LimitException("the walk reached its limit of " + limits.maxBlocks() + " blocks");
            }
            Optional<Block> b = loader.load(cid);
            if (b.isEmpty()) {
                missing.add(cid);
                return null;
            }
            blocks.add(cid);
            return b.get();
        }

        /** @param source the block {@code node} is, or null for a node within a block (or given) */
        void walk(Node node, Selector selector, List<String> path, Block source) throws IOException, InterruptedException {
            if (++nodes > limits.maxNodes()) {
                throw new LimitException("the walk reached its limit of " + limits.maxNodes() + " nodes");
            }
            if (path.size() > limits.maxPath()) {
                throw new LimitException("the walk went deeper than " + limits.maxPath() + " path segments");
            }
            Selector s = selector;
            Selector.ExploreInterpretAs adl = s instanceof Selector.ExploreInterpretAs x ? x
                    : s instanceof Recursion r && r.current() instanceof Selector.ExploreInterpretAs x ? x : null;
            if (adl != null) {
                // go-ipld-prime reifies before it visits, then goes on with the clause's next selector
                s = s instanceof Recursion r ? new Recursion(r.sequence(), adl.next(), r.depthLeft()) : adl.next();
                Optional<UnixfsView> view = source == null ? Optional.empty() : UnixfsView.of(source);
                if (view.isPresent()) {
                    walkView(node, view.get(), s, path);
                    return;
                }
            }
            Node matched = Explorer.match(s, node);
            visitor.visit(String.join("/", path), matched != null ? matched : node, matched != null);
            if (!(node instanceof MapNode) && !(node instanceof ListNode)) {
                return;
            }
            List<String> interests = Explorer.interests(s, node);
            if (interests == null) {
                if (node instanceof MapNode m) {
                    for (int i = 0; i < m.size(); i++) {
                        child(node, s, path, m.keyAt(i), m.valueAt(i));
                    }
                } else {
                    ListNode l = (ListNode) node;
                    for (int i = 0; i < l.size(); i++) {
                        child(node, s, path, Integer.toString(i), l.get(i));
                    }
                }
                return;
            }
            for (String segment : interests) {
                Node v = lookup(node, segment);
                if (v != null) {
                    child(node, s, path, segment, v);
                }
            }
        }

        /** A node the unixfs ADL shows as a map of names to links (or as having no fields). */
        private void walkView(Node node, UnixfsView view, Selector s, List<String> path) throws IOException, InterruptedException {
            Node matched = Explorer.match(s, node);
            visitor.visit(String.join("/", path), matched != null ? matched : node, matched != null);
            if (view.opaque()) {
                return;
            }
            List<String> interests = Explorer.interests(s, MapNode.EMPTY);
            if (interests == null) {
                view.forEach(this::loadBlock, (name, cid) -> child(MapNode.EMPTY, s, path, name, new Link(cid)));
                return;
            }
            for (String segment : interests) {
                Cid cid = view.lookup(segment, this::loadBlock);
                if (cid != null) {
                    child(MapNode.EMPTY, s, path, segment, new Link(cid));
                }
            }
        }

        private void child(Node parent, Selector s, List<String> path, String segment, Node value)
                throws IOException, InterruptedException {
            Selector next = Explorer.explore(s, parent, segment);
            if (next == null) {
                return;
            }
            Node v = value;
            Block source = null;
            if (v instanceof Link link) {
                source = loadBlock(link.cid());
                if (source == null) {
                    return;
                }
                v = codecs.decode(source);
            }
            path.add(segment);
            try {
                walk(v, next, path, source);
            } finally {
                path.removeLast();
            }
        }
    }

    private static Node lookup(Node node, String segment) {
        if (node instanceof MapNode m) {
            return m.get(segment).orElse(null);
        }
        ListNode l = (ListNode) node;
        try {
            int i = Integer.parseInt(segment);
            return i >= 0 && i < l.size() ? l.get(i) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
