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
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One block read as UnixFS: a raw leaf (its bytes are file data) or a DAG-PB node with its
 * {@code Data} message decoded.
 *
 * @param cid  the block's CID
 * @param raw  a raw leaf's bytes, or null for a DAG-PB node
 * @param pb   the DAG-PB node, or null for a raw leaf and a file leaf read in place
 * @param data the decoded {@code Data}, or null for a raw leaf and a file leaf read in place
 * @param leaf a file leaf read in place from a buffer ({@link #filePart}): a raw block or a plain
 *             DAG-PB file leaf; null otherwise
 */
record UnixfsNode(Cid cid, byte[] raw, PBNode pb, UnixfsData data, FileLeaf leaf) {
    static UnixfsNode load(BlockSource blocks, Cid cid) throws IOException {
        Optional<Block> block = blocks.get(cid);
        if (block.isEmpty()) {
            throw new BlockNotFoundException(cid);
        }
        byte[] bytes = block.get().data();
        if (cid.codec() == Multicodec.RAW) {
            return new UnixfsNode(cid, bytes, null, null, null);
        }
        return decode(cid, bytes);
    }

    /**
     * A node inside a file's DAG, from a buffer only a reader of file bytes uses: a raw block or a
     * plain DAG-PB leaf is read in place ({@link FileLeaf}, whose data is a view into
     * {@code block}); any other node is decoded from a copy, and {@code block} is no longer needed.
     */
    static UnixfsNode filePart(Cid cid, ByteBuffer block) {
        if (cid.codec() == Multicodec.RAW) {
            return new UnixfsNode(cid, null, null, null, new FileLeaf(block.slice(), DataType.RAW));
        }
        if (cid.codec() == Multicodec.DAG_PB) {
            FileLeaf leaf = FileLeaf.parse(block);
            if (leaf != null) {
                return new UnixfsNode(cid, null, null, null, leaf);
            }
        }
        byte[] bytes = new byte[block.remaining()];
        block.get(block.position(), bytes);
        return decode(cid, bytes);
    }

    private static UnixfsNode decode(Cid cid, byte[] bytes) {
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
        return new UnixfsNode(cid, null, pb, data, null);
    }

    boolean isRaw() {
        return raw != null;
    }

    DataType type() {
        return raw != null ? DataType.RAW : leaf != null ? leaf.type() : data.type();
    }

    /** @return the file bytes this node holds itself (a copy for a leaf read in place) */
    byte[] inlineData() {
        if (leaf != null) {
            return leaf.bytes();
        }
        if (raw != null) {
            return raw;
        }
        return data.data() == null ? new byte[0] : data.data();
    }

    /** @return this node's own file bytes, as a new view from position 0 to its limit */
    ByteBuffer inlineBuffer() {
        if (leaf != null) {
            return leaf.data().slice();
        }
        return ByteBuffer.wrap(inlineData());
    }

    int inlineLength() {
        if (leaf != null) {
            return leaf.length();
        }
        if (raw != null) {
            return raw.length;
        }
        return data.data() == null ? 0 : data.data().length;
    }

    /** @return the number of children (file nodes) */
    int children() {
        return raw != null || leaf != null ? 0 : pb.links().size();
    }

    /**
     * Checks a file node's sizes against each other and returns its size.
     *
     * @throws UnixfsException when it is not a file node or its sizes disagree
     */
    long fileSize() {
        if (raw != null || leaf != null) {
            return inlineLength();
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
