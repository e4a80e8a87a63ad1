package io.p2pkit.node.cli.content;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.codec.identity.InlineBlocks;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubo's {@code refs}: the links of DAGs, depth first, each block's links in its own order
 * (DAG-PB's link list, named; DAG-CBOR's and DAG-JSON's as the bytes hold them; raw blocks have
 * none). A link is reported only once its target has been read, as Kubo's. With {@code unique} a
 * CID is reported once over all walks of one instance; a branch met again is skipped unless a depth
 * limit left it less explored than now. Iterative: any depth is fine.
 */
public final class DagRefs {
    /**
     * One link.
     *
     * @param src  the block that holds it
     * @param dst  where it leads
     * @param name its name (DAG-PB's; empty elsewhere)
     */
    public record Edge(Cid src, Cid dst, String name) {
        /**
         * Kubo's {@code --format}: {@code <src>}, {@code <dst>} and {@code <linkname>} replaced, in that
         * order; empty: the target.
         *
         * @param format the format
         * @param enc    how the CIDs are written
         */
        public String format(String format, CidEncoder enc) {
            if (format.isEmpty()) {
                return enc.encode(dst);
            }
            return format.replace("<src>", enc.encode(src)).replace("<dst>", enc.encode(dst)).replace("<linkname>", name);
        }
    }

    /** Where the links go. */
    @FunctionalInterface
    public interface Out {
        /** One link, its target read. */
        void edge(Edge edge) throws IOException;
    }

    /** Told before a block's links are followed: a source that fetches can bring them in one batch. */
    @FunctionalInterface
    public interface Prefetch {
        /** Nothing is prefetched. */
        Prefetch NONE = parent -> { };

        /** @param parent a block whose links are about to be read */
        void children(Cid parent) throws IOException;
    }

    private static final Codecs CODECS = RepoOption.codecs(true);

    private final BlockSource blocks;
    private final boolean unique;
    private final int maxDepth;
    private final Prefetch prefetch;
    /** With {@code unique}: each CID met and the least depth it was met at. */
    private final Map<Cid, Integer> seen = new HashMap<>();

    /**
     * @param blocks   where blocks are read (inline CIDs are read from themselves)
     * @param unique   whether a CID is reported once
     * @param maxDepth how deep links are followed: 1 is the roots' own links; negative is no limit
     * @param prefetch told before a block's links are read
     */
    public DagRefs(BlockSource blocks, boolean unique, int maxDepth, Prefetch prefetch) {
        this.blocks = InlineBlocks.over(Objects.requireNonNull(blocks, "blocks"));
        this.unique = unique;
        this.maxDepth = maxDepth;
        this.prefetch = Objects.requireNonNull(prefetch, "prefetch");
    }

    /**
     * Reports the links under {@code root}.
     *
     * @throws BlockNotFoundException when a block is missing: the root (no parent) or a link's target
     * @throws DecodeException        when a block cannot be read (the message names it)
     * @throws IOException            when the source fails or {@code out} stops the walk
     */
    public void walk(Cid root, Out out) throws IOException {
        Deque<Level> stack = new ArrayDeque<>();
        stack.push(enter(root, null, 0));
        while (!stack.isEmpty()) {
            Level top = stack.peek();
            if (top.next == top.links.size()) {
                stack.pop();
                continue;
            }
            Edge edge = top.links.get(top.next++);
            int depth = top.depth + 1; // never past maxDepth: a block there has no links to follow (enter)
            boolean deeper = maxDepth < 0 || depth < maxDepth;
            boolean report = true;
            if (unique) {
                Integer before = seen.get(edge.dst());
                if (before != null && (maxDepth < 0 || before <= depth)) {
                    continue; // explored at least this deep already
                }
                seen.put(edge.dst(), depth);
                report = before == null;
            }
            if (!report && !deeper) {
                continue;
            }
            Level child = enter(edge.dst(), top.cid, depth);
            if (report) {
                out.edge(edge);
            }
            if (deeper) {
                stack.push(child);
            }
        }
    }

    private Level enter(Cid cid, Cid parent, int depth) throws IOException {
        Block block = blocks.get(cid).orElseThrow(() -> new BlockNotFoundException(cid, parent));
        boolean followed = maxDepth < 0 || depth < maxDepth;
        if (followed && cid.codec() != Multicodec.RAW) {
            prefetch.children(cid);
        }
        try {
            return new Level(cid, depth, followed ? links(block) : List.of());
        } catch (DecodeException e) {
            throw new DecodeException(e.field(), "block " + cid + ": " + e.getMessage(), e);
        }
    }

    /** A block's links as Kubo's {@code refs} lists them: named for DAG-PB, in the block's order elsewhere. */
    private static List<Edge> links(Block block) {
        Cid cid = block.cid();
        List<Edge> out = new ArrayList<>();
        if (cid.codec() == Multicodec.DAG_PB) {
            for (PBLink l : PBNode.decode(block.data()).links()) {
                out.add(new Edge(cid, l.hash(), l.nameOrEmpty()));
            }
        } else {
            for (Cid target : CODECS.links(block)) {
                out.add(new Edge(cid, target, ""));
            }
        }
        return out;
    }

    /** A block being walked: its links and the next one to follow. */
    private static final class Level {
        final Cid cid;
        final int depth;
        final List<Edge> links;
        int next;

        Level(Cid cid, int depth, List<Edge> links) {
            this.cid = cid;
            this.depth = depth;
            this.links = links;
        }
    }
}
