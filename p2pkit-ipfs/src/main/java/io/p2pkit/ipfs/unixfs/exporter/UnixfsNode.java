package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.UnixfsException.Reason;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.util.Optional;

/**
 * One block read as UnixFS: a raw leaf (its bytes are file data) or a DAG-PB node with its
 * {@code Data} message decoded.
 *
 * @param cid  the block's CID
 * @param raw  a raw leaf's bytes, or null for a DAG-PB node
 * @param pb   the DAG-PB node, or null for a raw leaf
 * @param data the decoded {@code Data}, or null for a raw leaf
 */
record UnixfsNode(Cid cid, byte[] raw, PBNode pb, UnixfsData data) {
    static UnixfsNode load(BlockSource blocks, Cid cid) throws IOException {
        Optional<Block> block = blocks.get(cid);
        if (block.isEmpty()) {
            throw new BlockNotFoundException(cid);
        }
        byte[] bytes = block.get().data();
        if (cid.codec() == Multicodec.RAW) {
            return new UnixfsNode(cid, bytes, null, null);
        }
        if (cid.codec() != Multicodec.DAG_PB) {
            throw new UnixfsException(Reason.WRONG_TYPE, cid, "codec " + Multicodec.nameOf(cid.codec())
                    + " is not UnixFS (which is dag-pb or raw)");
        }
        PBNode pb;
        try {
            pb = PBNode.decode(bytes);
        } catch (DecodeException e) {
            throw new UnixfsException(Reason.MALFORMED_DATA, cid, "malformed dag-pb: " + e.getMessage());
        }
        if (!pb.hasData()) {
            throw new UnixfsException(Reason.WRONG_TYPE, cid, "a dag-pb node without Data is not UnixFS");
        }
        UnixfsData data;
        try {
            data = UnixfsData.decode(pb.data());
        } catch (UnixfsException e) {
            throw new UnixfsException(e.reason(), cid, e.getMessage().replaceFirst("^unixfs: ", ""));
        }
        return new UnixfsNode(cid, null, pb, data);
    }

    boolean isRaw() {
        return raw != null;
    }

    DataType type() {
        return raw != null ? DataType.RAW : data.type();
    }

    /** @return the file bytes this node holds itself */
    byte[] inlineData() {
        if (raw != null) {
            return raw;
        }
        return data.data() == null ? new byte[0] : data.data();
    }

    /** @return the number of children (file nodes) */
    int children() {
        return raw != null ? 0 : pb.links().size();
    }

    /**
     * Checks a file node's sizes against each other and returns its size.
     *
     * @throws UnixfsException when it is not a file node or its sizes disagree
     */
    long fileSize() {
        if (raw != null) {
            return raw.length;
        }
        if (data.type() != DataType.FILE && data.type() != DataType.RAW) {
            throw new UnixfsException(Reason.WRONG_TYPE, cid, "a " + data.type() + " node where a file node was expected");
        }
        int links = pb.links().size();
        if (data.blocksizeCount() != links) {
            throw new UnixfsException(Reason.SIZE_MISMATCH, cid, links + " links but " + data.blocksizeCount() + " blocksizes");
        }
        long sum = data.dataLength();
        for (int i = 0; i < links; i++) {
            sum += data.blocksize(i);
            if (sum < 0) {
                throw new UnixfsException(Reason.SIZE_MISMATCH, cid, "blocksizes add up to more than 2^63-1");
            }
        }
        if (data.filesize() != null && data.filesize() != sum) {
            throw new UnixfsException(Reason.SIZE_MISMATCH, cid, "filesize " + data.filesize()
                    + " but data and blocksizes add up to " + sum);
        }
        return sum;
    }
}
