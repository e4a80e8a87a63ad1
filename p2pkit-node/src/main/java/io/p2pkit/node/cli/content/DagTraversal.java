package io.p2pkit.node.cli.content;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.CorruptBlockException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Walks a DAG depth first, each block before its children, children in link order, each CID once
 * (first seen): the order in which Kubo's {@code dag export} writes a CAR and {@code dag stat}
 * counts. Iterative, so any depth is fine; it keeps the CIDs seen and one link list per level,
 * never the blocks. A missing block stops the walk with {@link BlockNotFoundException} naming it
 * and its parent; a walk of what is {@link #available} passes over it instead.
 */
public final class DagTraversal {
    /** What the walk reports. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param block a block reached for the first time
         * @throws IOException to stop the walk
         */
        void visit(Block block) throws IOException;
    }

    private final BlockSource blocks;
    private final LinkReader links;
    private final boolean partial;
    private final Set<Cid> seen = new HashSet<>();

    /**
     * @param blocks where the blocks are read
     * @param links  how their links are read
     */
    public DagTraversal(BlockSource blocks, LinkReader links) {
        this(blocks, links, false);
    }

    private DagTraversal(BlockSource blocks, LinkReader links, boolean partial) {
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.links = Objects.requireNonNull(links, "links");
        this.partial = partial;
    }

    /**
     * A traversal of what {@code blocks} has (Kubo's {@code dag export --local-only}): a block that
     * is missing, or whose links cannot be read, is passed over with everything only it leads to,
     * instead of stopping the walk. The blocks it visits are a partial DAG, in the same order.
     *
     * @param blocks where the blocks are read
     * @param links  how their links are read
     * @return the traversal
     */
    public static DagTraversal available(BlockSource blocks, LinkReader links) {
        return new DagTraversal(blocks, links, true);
    }

    /**
     * Walks the DAG under {@code root}, skipping blocks seen by earlier walks of this traversal.
     *
     * @param root    where to start
     * @param visitor told of each new block
     * @throws BlockNotFoundException when a block is not in the source
     * @throws DecodeException       when a block's links cannot be read (the message names the block)
     * @throws IOException           when the source fails or the visitor stops the walk
     */
    public void walk(Cid root, Visitor visitor) throws IOException {
        Deque<Level> stack = new ArrayDeque<>();
        if (!seen.add(root)) {
            return;
        }
        push(stack, enter(root, null, visitor));
        while (!stack.isEmpty()) {
            Level top = stack.peek();
            if (!top.children.hasNext()) {
                stack.pop();
                continue;
            }
            Cid child = top.children.next();
            if (seen.add(child)) {
                push(stack, enter(child, top.cid, visitor));
            }
        }
    }

    private static void push(Deque<Level> stack, Level level) {
        if (level != null) {
            stack.push(level);
        }
    }

    /** @return how many distinct blocks the walks have reached */
    public int seenCount() {
        return seen.size();
    }

    /** The level of a block just visited, or null when a partial walk passes over it. */
    private Level enter(Cid cid, Cid parent, Visitor visitor) throws IOException {
        if (partial) {
            Optional<Block> block;
            try {
                block = blocks.get(cid);
            } catch (CorruptBlockException e) {
                return null; // a block whose bytes no longer match its CID is not available either
            }
            if (block.isEmpty()) {
                return null;
            }
            Iterator<Cid> children;
            try {
                children = links.links(block.get()).iterator();
            } catch (DecodeException e) {
                return null; // as Kubo's: an unreadable block is not available, nor is what it links to
            }
            visitor.visit(block.get());
            return new Level(cid, children);
        }
        Block block = blocks.get(cid).orElseThrow(() -> new BlockNotFoundException(cid, parent));
        visitor.visit(block);
        try {
            return new Level(cid, links.links(block).iterator());
        } catch (DecodeException e) {
            throw new DecodeException(e.field(), "block " + cid + ": " + e.getMessage(), e);
        }
    }

    private record Level(Cid cid, Iterator<Cid> children) {
    }
}
