package io.p2pkit.ipfs.pin;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.CorruptBlockException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Depth-first walks over DAGs, each block once (by multihash) across every walk of one instance,
 * bounded by {@code maxBlocks}: past it the walk fails rather than exhaust memory.
 */
final class DagWalk {
    /** What a walk does with what it finds; the defaults fail the walk. */
    interface Visitor {
        void visit(Block block) throws IOException;

        default void missing(Cid cid, Cid root, String purpose) throws IOException {
            throw new MissingBlockException(cid, root, purpose);
        }

        default void corrupt(Cid cid, Cid root, CorruptBlockException e) throws IOException {
            throw e;
        }

        default void undecodable(Block block, Cid root, DecodeException e, String purpose) throws IOException {
            throw new PinException(purpose + ": the links of " + block.cid() + " under " + root
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    static final Visitor MARK_ONLY = block -> {
    };

    private final BlockSource source;
    private final LinkReader links;
    private final int maxBlocks;
    private final String purpose;
    private final boolean readRawLeaves;
    private final Set<Multihash> seen = new HashSet<>();

    /**
     * @param readRawLeaves whether raw blocks (which have no links) are read, or only marked
     */
    DagWalk(BlockSource source, LinkReader links, int maxBlocks, String purpose, boolean readRawLeaves) {
        this.source = source;
        this.links = links;
        this.maxBlocks = maxBlocks;
        this.purpose = purpose;
        this.readRawLeaves = readRawLeaves;
    }

    boolean seen(Multihash key) {
        return seen.contains(key);
    }

    int seenCount() {
        return seen.size();
    }

    /** Marks a block as seen without reading it. */
    void mark(Multihash key) throws PinException {
        seen.add(key);
        checkBound();
    }

    /** Marks every block {@code other} has seen that {@code keep} accepts, so that this walk passes over them. */
    void markAll(DagWalk other, Predicate<Multihash> keep) throws PinException {
        for (Multihash key : other.seen) {
            if (keep.test(key)) {
                seen.add(key);
            }
        }
        checkBound();
    }

    void walk(Cid root, Visitor visitor) throws IOException {
        Deque<Cid> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException(purpose + " interrupted");
            }
            Cid cid = stack.pop();
            if (!seen.add(cid.multihash())) {
                continue;
            }
            checkBound();
            if (!readRawLeaves && cid.codec() == Multicodec.RAW) {
                continue;
            }
            Optional<Block> found;
            try {
                found = read(cid);
            } catch (CorruptBlockException e) {
                visitor.corrupt(cid, root, e);
                continue;
            }
            if (found.isEmpty()) {
                visitor.missing(cid, root, purpose);
                continue;
            }
            Block block = found.get();
            visitor.visit(block);
            List<Cid> children;
            try {
                children = links.links(block);
            } catch (DecodeException e) {
                visitor.undecodable(block, root, e, purpose);
                continue;
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                Cid child = children.get(i);
                if (!seen.contains(child.multihash())) {
                    stack.push(child);
                    if (stack.size() > maxBlocks) {
                        throw tooLarge();
                    }
                }
            }
        }
    }

    private Optional<Block> read(Cid cid) throws IOException {
        if (cid.multihash().code() == Multicodec.IDENTITY) {
            return Optional.of(Block.of(cid, cid.multihash().digest()));
        }
        return source.get(cid);
    }

    private void checkBound() throws PinException {
        if (seen.size() > maxBlocks) {
            throw tooLarge();
        }
    }

    private PinException tooLarge() {
        return tooLarge(purpose, maxBlocks);
    }

    /** The failure of a walk, named by {@code purpose}, that reached more than {@code maxBlocks} blocks. */
    static PinException tooLarge(String purpose, int maxBlocks) {
        return new PinException(purpose + ": more than " + maxBlocks
                + " blocks are reachable; raise the limit (pins.maxDagBlocks) to walk this many");
    }
}
