package io.p2pkit.ipfs.selector;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.hamt.HamtShard;
import io.p2pkit.ipfs.unixfs.hamt.Murmur3;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.util.Optional;

/**
 * A dag-pb block as go-unixfsnode's {@code unixfs} ADL shows it to a selector
 * ({@link Selector.ExploreInterpretAs}): a directory, basic or HAMT-sharded, and a dag-pb node
 * that is not UnixFS as a map from link names to links; a file, symlink or raw node as a node
 * with no fields. A sharded directory loads its shards through the walk, only those on a name's
 * hash path for a lookup, all of them (in link order) for an iteration, as go-unixfsnode does.
 */
final class UnixfsView {
    /** Loads a block for the walk (counted there); null when it is missing. */
    interface Blocks {
        Block load(Cid cid) throws IOException, InterruptedException;
    }

    /** Told each entry of an iteration. */
    interface Entries {
        void entry(String name, Cid cid) throws IOException, InterruptedException;
    }

    private final PBNode node;
    private final HamtShard shard;
    private final boolean opaque;

    private UnixfsView(PBNode node, HamtShard shard, boolean opaque) {
        this.node = node;
        this.shard = shard;
        this.opaque = opaque;
    }

    /**
     * @return the view of a dag-pb block, or empty for another codec (which the ADL leaves as it is)
     * @throws DecodeException when the block, or a HAMT shard's UnixFS data, is malformed
     */
    static Optional<UnixfsView> of(Block block) {
        if (block.cid().codec() != Multicodec.DAG_PB) {
            return Optional.empty();
        }
        PBNode pb = PBNode.decode(block.data());
        if (!pb.hasData()) {
            return Optional.of(new UnixfsView(pb, null, false));
        }
        UnixfsData data;
        try {
            data = UnixfsData.decode(pb.data());
        } catch (UnixfsException e) {
            return Optional.of(new UnixfsView(pb, null, false)); // not UnixFS: names as links, as go's PathedPBNode
        }
        return Optional.of(switch (data.type()) {
            case DIRECTORY -> new UnixfsView(pb, null, false);
            case HAMT_SHARD -> new UnixfsView(pb, HamtShard.of(block.cid(), pb, data), false);
            default -> new UnixfsView(pb, null, true);
        });
    }

    /** Whether this node has no fields (a file, symlink, raw or metadata node). */
    boolean opaque() {
        return opaque;
    }

    /**
     * @return the entry named {@code name}: the first link of that name, or in a sharded
     *         directory the one its hash leads to; null when there is none or a shard on the way is missing
     */
    Cid lookup(String name, Blocks blocks) throws IOException, InterruptedException {
        if (opaque) {
            return null;
        }
        if (shard == null) {
            for (PBLink l : node.links()) {
                if (l.nameOrEmpty().equals(name)) {
                    return l.hash();
                }
            }
            return null;
        }
        long hash = Murmur3.hash64(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HamtShard at = shard;
        for (int level = 0; ; level++) {
            Optional<HamtShard.Step> step = at.step(name, hash, level);
            if (step.isEmpty()) {
                return null;
            }
            if (!step.get().shard()) {
                return step.get().cid();
            }
            at = childShard(step.get().cid(), blocks);
            if (at == null) {
                return null;
            }
        }
    }

    /** Every entry in order, a sharded directory's child shards loaded as they are reached. */
    void forEach(Blocks blocks, Entries entries) throws IOException, InterruptedException {
        if (opaque) {
            return;
        }
        if (shard == null) {
            for (PBLink l : node.links()) {
                entries.entry(l.nameOrEmpty(), l.hash());
            }
            return;
        }
        forEach(shard, blocks, entries, 0);
    }

    private void forEach(HamtShard at, Blocks blocks, Entries entries, int level) throws IOException, InterruptedException {
        if (level > 64) {
            throw new DecodeException("unixfs", "HAMT shards nested deeper than a 64-bit hash reaches");
        }
        for (int i = 0; i < at.size(); i++) {
            if (at.isShardLink(i)) {
                HamtShard child = childShard(at.link(i).hash(), blocks);
                if (child != null) {
                    forEach(child, blocks, entries, level + 1);
                }
            } else {
                entries.entry(at.entryName(i), at.link(i).hash());
            }
        }
    }

    private HamtShard childShard(Cid cid, Blocks blocks) throws IOException, InterruptedException {
        Block b = blocks.load(cid);
        if (b == null) {
            return null;
        }
        PBNode child = PBNode.decode(b.data());
        if (!child.hasData()) {
            throw new DecodeException("unixfs", "a dag-pb node without Data where a HAMT shard was expected: " + cid);
        }
        UnixfsData data = UnixfsData.decode(child.data());
        if (data.type() != DataType.HAMT_SHARD) {
            throw new DecodeException("unixfs", "a " + data.type() + " node where a HAMT shard was expected: " + cid);
        }
        HamtShard s = HamtShard.of(cid, child, data);
        if (s.fanout() != shard.fanout()) {
            throw new DecodeException("unixfs", "child shard fanout " + s.fanout() + " differs from its root's " + shard.fanout());
        }
        return s;
    }
}
