package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.node.cli.content.BlockNotFoundException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The keys to announce for the roots a command is given (Kubo's {@code provide once} and
 * {@code routing provide}): each root, and with {@code recursive} every block of its DAG, each
 * key once over all the roots, in depth-first order. A block met before is passed over with its
 * whole subtree, as Kubo's walk does. What it has met is kept in a Bloom filter, so a stream of
 * millions of keys stays a few bytes each ({@link SeenKeys}). Not thread-safe.
 */
public final class DagKeys {
    /** Told of each key to announce. */
    @FunctionalInterface
    public interface Each {
        /** @param cid a key not met before */
        void key(Cid cid) throws IOException, InterruptedException;
    }

    private final BlockSource blocks;
    private final LinkReader links;
    private final SeenKeys seen = new SeenKeys();

    /**
     * @param blocks where a recursive walk reads the blocks (one that fetches what is missing, as Kubo's)
     * @param links  how their links are read
     */
    public DagKeys(BlockSource blocks, LinkReader links) {
        this.blocks = blocks;
        this.links = links;
    }

    /**
     * Tells {@code each} of {@code root} and, with {@code recursive}, of every block under it, those
     * met before left out. Identity CIDs are walked through but not announced (their content is
     * the CID).
     *
     * @throws BlockNotFoundException when a recursive walk lacks a block
     */
    public void walk(Cid root, boolean recursive, Each each) throws IOException, InterruptedException {
        if (!recursive) {
            if (seen.add(root.multihash())) {
                each.key(root);
            }
            return;
        }
        Deque<Cid> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Cid cid = stack.pop();
            if (!seen.add(cid.multihash())) {
                continue;
            }
            Block block = blocks.get(cid).orElseThrow(() -> new BlockNotFoundException(cid));
            List<Cid> children = links.links(block);
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i)); // the first link on top: walked first
            }
            if (cid.multihash().code() != Multicodec.IDENTITY) {
                each.key(cid);
            }
        }
    }
}
