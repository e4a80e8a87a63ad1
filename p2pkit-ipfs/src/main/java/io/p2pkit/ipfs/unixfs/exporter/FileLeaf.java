package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.unixfs.pb.DataType;

import java.nio.ByteBuffer;

/**
 * A DAG-PB file leaf read in place: where its file bytes sit inside the block, found without
 * copying them out twice (once for the PBNode's Data, once for the UnixFS message's data), which
 * is most of the cost of streaming a file of DAG-PB leaves (Kubo's default import).
 *
 * <p>Only the plain shape is taken: a PBNode with one Data field and no links, holding a UnixFS
 * message of Type File or Raw, at most one Data and one filesize equal to the data's length, all
 * varints minimal and fields once. Anything else, malformed or merely unusual, is left to the full
 * decoders ({@link #parse} returns null), so this accepts nothing they would refuse.
 *
 * @param data the file bytes: a view into the block, from its position to its limit
 * @param type File or Raw
 */
record FileLeaf(ByteBuffer data, DataType type) {
    private static final int PB_DATA = 0x0a;        // PBNode field 1, length-delimited
    private static final int UNIXFS_TYPE = 0x08;    // Data field 1, varint
    private static final int UNIXFS_DATA = 0x12;    // Data field 2, length-delimited
    private static final int UNIXFS_FILESIZE = 0x18; // Data field 3, varint

    /** @return the leaf, or null when the block is not a plain file leaf (the full decoders then decide) */
    static FileLeaf parse(byte[] block) {
        return parse(ByteBuffer.wrap(block));
    }

    /**
     * @param block the block's bytes, from its position to its limit (neither is changed)
     * @return the leaf, its data a view into {@code block}, or null when the block is not a plain file leaf
     */
    static FileLeaf parse(ByteBuffer block) {
        int start = block.position();
        int end = block.limit();
        if (end - start > Limits.DEFAULT.maxBlockSize() || end - start < 2 || (block.get(start) & 0xFF) != PB_DATA) {
            return null;
        }
        Cursor c = new Cursor(block, start + 1, end);
        long messageLength = c.varint();
        if (messageLength != end - c.pos) {
            return null;    // not exactly one Data field (links, trailing fields, or a bad length)
        }
        long type = -1;
        long filesize = -1;
        int dataOffset = -1;
        int dataLength = 0;
        while (c.pos < c.end) {
            int tag = block.get(c.pos++) & 0xFF;
            switch (tag) {
                case UNIXFS_TYPE -> {
                    if (type >= 0 || (type = c.varint()) < 0) {
                        return null;
                    }
                }
                case UNIXFS_DATA -> {
                    long n = c.varint();
                    if (dataOffset >= 0 || n < 0 || n > c.end - c.pos) {
                        return null;
                    }
                    dataOffset = c.pos;
                    dataLength = (int) n;
                    c.pos += dataLength;
                }
                case UNIXFS_FILESIZE -> {
                    if (filesize >= 0 || (filesize = c.varint()) < 0) {
                        return null;
                    }
                }
                default -> {
                    return null;    // blocksizes, mode, mtime, other fields: the full decoder
                }
            }
        }
        DataType t = type == 2 ? DataType.FILE : type == 0 ? DataType.RAW : null;
        if (t == null || (filesize >= 0 && filesize != dataLength)) {
            return null;
        }
        int from = dataOffset < 0 ? start : dataOffset;
        return new FileLeaf(block.slice(from, dataLength), t);
    }

    /** @return how many file bytes the leaf holds */
    int length() {
        return data.remaining();
    }

    /** @return a copy of the file bytes */
    byte[] bytes() {
        byte[] copy = new byte[data.remaining()];
        data.get(data.position(), copy);
        return copy;
    }

    /** Minimal varints only; -1 for anything else (overlong, too long, or past the end). */
    private static final class Cursor {
        private final ByteBuffer b;
        private final int end;
        private int pos;

        Cursor(ByteBuffer b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                if (pos >= end) {
                    return -1;
                }
                int x = b.get(pos++) & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if (x < 0x80) {
                    return x == 0 && shift > 0 ? -1 : v;
                }
            }
            return -1;
        }
    }
}
