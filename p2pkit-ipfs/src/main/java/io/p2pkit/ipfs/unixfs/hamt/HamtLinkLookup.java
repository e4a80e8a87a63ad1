package io.p2pkit.ipfs.unixfs.hamt;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.path.NamedLinkLookup;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.UnixfsException.Reason;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.util.Optional;

/**
 * {@code /ipfs/} path segments through UnixFS directories, HAMT-sharded ones included: a sharded
 * directory is searched by the hash of the name, one shard per level, reading only the shards on
 * the way. Other DAG-PB nodes use the first link of that name.
 *
 * <pre>{@code
 * new PathResolver(blocks, Codecs.standard(), HamtLinkLookup.INSTANCE).resolve(IpfsPath.parse("/ipfs/<hamt>/name"));
 * }</pre>
 */
public final class HamtLinkLookup implements NamedLinkLookup {
    /** The lookup (stateless). */
    public static final HamtLinkLookup INSTANCE = new HamtLinkLookup();

    private HamtLinkLookup() {
    }

    @Override
    public Optional<Cid> lookup(PBNode node, String name, BlockSource blocks) throws IOException {
        UnixfsData data = shardData(node);
        if (data == null) {
            return FIRST_MATCHING_NAME.lookup(node, name, blocks);
        }
        return find(null, node, data, name, blocks);
    }

    /**
     * Looks {@code name} up in the sharded directory whose root shard is {@code node}.
     *
     * @param cid    the root shard's CID (for messages), or null
     * @param node   the root shard
     * @param data   its decoded Data
     * @param name   the entry name
     * @param blocks where the child shards are read from
     * @return the entry's CID, or empty when there is no such entry
     * @throws UnixfsException when a shard on the way is malformed, loops, or has another fanout
     * @throws IOException     when a shard cannot be read
     */
    public static Optional<Cid> find(Cid cid, PBNode node, UnixfsData data, String name, BlockSource blocks) throws IOException {
        long hash = Murmur3.hash64(HamtShard.utf8(name));
        HamtShard shard = HamtShard.of(cid, node, data);
        int fanout = shard.fanout();
        for (int level = 0; ; level++) {
            Optional<HamtShard.Step> step = shard.step(name, hash, level);
            if (step.isEmpty()) {
                return Optional.empty();
            }
            if (!step.get().shard()) {
                return Optional.of(step.get().cid());
            }
            Cid next = step.get().cid();
            if (Murmur3.bucket(hash, level + 1, shard.bitWidth()) < 0) {
                throw new UnixfsException(Reason.BAD_HAMT, next, "a child shard below the deepest level a 64-bit hash reaches");
            }
            Optional<Block> b = blocks.get(next);
            if (b.isEmpty()) {
                throw new IOException("HAMT shard " + next + " not found");
            }
            PBNode child;
            UnixfsData childData;
            try {
                child = PBNode.decode(b.get().data());
                if (!child.hasData()) {
                    throw new UnixfsException(Reason.WRONG_TYPE, next, "a dag-pb node without Data where a HAMT shard was expected");
                }
                childData = UnixfsData.decode(child.data());
            } catch (UnixfsException e) {
                throw new UnixfsException(e.reason(), next, e.getMessage());
            } catch (DecodeException e) {
                throw new UnixfsException(Reason.MALFORMED_DATA, next, "malformed dag-pb: " + e.getMessage());
            }
            shard = HamtShard.of(next, child, childData);
            if (shard.fanout() != fanout) {
                throw new UnixfsException(Reason.BAD_HAMT, next, "child shard fanout " + shard.fanout() + " differs from its root's " + fanout);
            }
        }
    }

    private static UnixfsData shardData(PBNode node) {
        if (!node.hasData()) {
            return null;
        }
        try {
            UnixfsData d = UnixfsData.decode(node.data());
            return d.type() == DataType.HAMT_SHARD ? d : null;
        } catch (UnixfsException e) {
            return null; // not UnixFS: plain DAG-PB names
        }
    }
}
