package io.p2pkit.ipfs.pin;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.CorruptBlockException;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The blocks of a pinned DAG that are here, which {@link Pinner#update} passes over in the new
 * DAG. Raw leaves are taken as present without reading them (a pin keeps them); a block that is
 * missing or damaged is not known, so the new DAG's walk reads (or fetches) it.
 */
final class KnownDag implements DagWalk.Visitor {
    private final DagWalk walk;
    private final Set<Multihash> absent = new HashSet<>();

    private KnownDag(DagWalk walk) {
        this.walk = walk;
    }

    /** Walks the DAG under {@code root} over {@code local} blocks. */
    static KnownDag walk(BlockSource local, LinkReader links, int maxBlocks, Cid root) throws IOException {
        KnownDag dag = new KnownDag(new DagWalk(local, links, maxBlocks, "pin update", false));
        dag.walk.walk(root, dag);
        return dag;
    }

    /** Whether {@code cid} is a block of the DAG that is here. */
    boolean has(Cid cid) {
        return walk.seen(cid.multihash()) && !absent.contains(cid.multihash());
    }

    /** How many blocks of the DAG are here (the walk's count, less the missing ones). */
    int size() {
        return walk.seenCount() - absent.size();
    }

    /** Marks the known blocks in {@code other}, which then passes over them. */
    void markIn(DagWalk other) throws PinException {
        other.markAll(walk, key -> !absent.contains(key));
    }

    @Override
    public void visit(Block block) {
    }

    @Override
    public void missing(Cid cid, Cid root, String purpose) {
        absent.add(cid.multihash());
    }

    @Override
    public void corrupt(Cid cid, Cid root, CorruptBlockException e) {
        absent.add(cid.multihash());
    }

    @Override
    public void undecodable(Block block, Cid root, DecodeException e, String purpose) {
        // here, but its links cannot be read: what is below it stays unknown
    }
}
