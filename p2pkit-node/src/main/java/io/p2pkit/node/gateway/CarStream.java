package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.car.CarWriter;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException;
import io.p2pkit.ipfs.unixfs.hamt.HamtShard;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a trustless gateway CAR: the blocks of the path first, then those the request's
 * {@code dag-scope} asks for below its end, depth first and in link order. Blocks are read as they
 * are written, so a response is streamed; the number written is bounded.
 */
final class CarStream {
    private final BlockSource blocks;
    private final Codecs codecs;
    private final CarWriter out;
    private final CarRequest request;
    private final long maxBlocks;
    private final Set<Cid> written = new HashSet<>();
    private long count;

    /**
     * @param maxBlocks how many blocks one response may hold (a {@code dups=y} walk of a DAG
     *                  sharing subtrees could otherwise be exponential)
     */
    CarStream(BlockSource blocks, Codecs codecs, CarWriter out, CarRequest request, long maxBlocks) {
        this.blocks = blocks;
        this.codecs = codecs;
        this.out = out;
        this.request = request;
        this.maxBlocks = maxBlocks;
    }

    /** Writes the path's blocks, then what the scope takes below {@code end}. */
    void write(List<Block> path, Cid end) throws IOException {
        for (Block b : path) {
            emit(b.cid(), b);
        }
        switch (request.scope()) {
            case BLOCK -> emit(end, load(end));
            case ENTITY -> entity(end);
            case ALL -> all(end);
        }
        out.flush();
    }

    private void all(Cid root) throws IOException {
        Deque<Cid> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Cid cid = todo.pop();
            if (!request.dups() && written.contains(key(cid))) {
                continue;
            }
            Block b = load(cid);
            emit(cid, b);
            List<Cid> links = codecs.links(b);
            for (int i = links.size() - 1; i >= 0; i--) {
                todo.push(links.get(i));
            }
        }
    }

    private void entity(Cid cid) throws IOException {
        Block b = load(cid);
        emit(cid, b);
        if (cid.codec() != Multicodec.DAG_PB) {
            return; // a raw block, or a DAG-CBOR/JSON document: the block is the entity
        }
        PBNode pb = PBNode.decode(b.data());
        UnixfsData data = unixfs(pb);
        if (data == null) {
            return;
        }
        if (data.type() == DataType.FILE || data.type() == DataType.RAW) {
            long size = data.filesize() != null ? data.filesize() : data.dataLength();
            long[] range = request.range(size);
            fileChildren(pb, data, 0, range[0], range[1]);
        } else if (data.type() == DataType.HAMT_SHARD) {
            shards(cid, pb, data);
        }
    }

    /** Below a file node starting at {@code start}: the children whose bytes meet [first, last]. */
    private void fileChildren(PBNode pb, UnixfsData data, long start, long first, long last) throws IOException {
        long at = start + data.dataLength();
        List<PBLink> links = pb.links();
        for (int i = 0; i < links.size() && i < data.blocksizeCount(); i++) {
            long size = data.blocksize(i);
            if (size > 0 && at <= last && at + size - 1 >= first) {
                Cid child = links.get(i).hash();
                Block b = load(child);
                emit(child, b);
                if (child.codec() == Multicodec.DAG_PB) {
                    PBNode childPb = PBNode.decode(b.data());
                    UnixfsData childData = unixfs(childPb);
                    if (childData != null) {
                        fileChildren(childPb, childData, at, first, last);
                    }
                }
            }
            at += size;
            if (at > last) {
                return;
            }
        }
    }

    /** A HAMT directory's entity: its shard nodes, not the entries they point to. */
    private void shards(Cid cid, PBNode pb, UnixfsData data) throws IOException {
        HamtShard shard = HamtShard.of(cid, pb, data);
        for (int i = 0; i < shard.size(); i++) {
            if (shard.isShardLink(i)) {
                Cid child = shard.link(i).hash();
                Block b = load(child);
                emit(child, b);
                PBNode childPb = PBNode.decode(b.data());
                shards(child, childPb, UnixfsData.decode(childPb.data()));
            }
        }
    }

    private static UnixfsData unixfs(PBNode pb) {
        return pb.hasData() ? UnixfsData.decode(pb.data()) : null;
    }

    private Block load(Cid cid) throws IOException {
        if (cid.multihash().code() == Multicodec.IDENTITY) {
            return Block.of(cid, cid.multihash().digest());
        }
        Block b = blocks.get(cid).orElseThrow(() -> new BlockNotFoundException(cid));
        return b.cid().equals(cid) ? b : Block.of(cid, b.data());
    }

    private void emit(Cid cid, Block b) throws IOException {
        if (cid.multihash().code() == Multicodec.IDENTITY) {
            return; // its bytes are in the CID: nothing to send
        }
        if (!written.add(key(cid)) && !request.dups()) {
            return;
        }
        if (++count > maxBlocks) {
            throw new IOException("the CAR would hold more than " + maxBlocks + " blocks");
        }
        out.write(b.cid().equals(cid) ? b : Block.of(cid, b.data()));
    }

    private static Cid key(Cid cid) {
        return cid.version() == 0 ? cid.toV1() : cid;
    }
}
