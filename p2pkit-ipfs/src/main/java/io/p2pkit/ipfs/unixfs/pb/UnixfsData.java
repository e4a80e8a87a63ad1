package io.p2pkit.ipfs.unixfs.pb;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.UnixfsException.Reason;

import java.util.Arrays;
import java.util.Objects;

/**
 * The UnixFS {@code Data} message, which a DAG-PB node carries in its Data field:
 *
 * <pre>
 * message Data {
 *   required DataType Type = 1;   optional bytes Data = 2;       optional uint64 filesize = 3;
 *   repeated uint64 blocksizes = 4; optional uint64 hashType = 5; optional uint64 fanout = 6;
 *   optional uint32 mode = 7;      optional IPFSTimestamp mtime = 8;
 * }
 * message IPFSTimestamp { required int64 seconds = 1; optional fixed32 nanos = 2; }
 * </pre>
 *
 * <p>Encoding writes the fields in number order, {@code blocksizes} unpacked, as Kubo's protobuf
 * library does, so equal messages give the bytes Kubo gives. Decoding accepts packed
 * {@code blocksizes} too and skips unknown fields (protobuf's rule, so newer writers stay
 * readable); anything else malformed is a {@link UnixfsException} ({@link Reason#MALFORMED_DATA})
 * naming the field. Immutable; the data array is shared, not copied.
 */
public final class UnixfsData {
    private static final long[] NONE = new long[0];

    private final DataType type;
    private final byte[] data;
    private final Long filesize;
    private final long[] blocksizes;
    private final Long hashType;
    private final Long fanout;
    private final Integer mode;
    private final Mtime mtime;

    private UnixfsData(DataType type, byte[] data, Long filesize, long[] blocksizes, Long hashType, Long fanout,
                       Integer mode, Mtime mtime) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = data;
        this.filesize = filesize;
        this.blocksizes = blocksizes;
        this.hashType = hashType;
        this.fanout = fanout;
        this.mode = mode;
        this.mtime = mtime;
    }

    /**
     * A file node (or a balanced-layout leaf) as Kubo writes it: filesize always present.
     *
     * @param data       bytes held in this node, or null for none
     * @param filesize   the file's size below and in this node
     * @param blocksizes the sizes of the file data under each link, in link order
     * @return the message
     */
    public static UnixfsData file(byte[] data, long filesize, long[] blocksizes) {
        return new UnixfsData(DataType.FILE, data, filesize, blocksizes.clone(), null, null, null, null);
    }

    /**
     * A trickle-layout leaf: type Raw with its data and filesize.
     *
     * @param data the leaf's bytes (shared)
     * @return the message
     */
    public static UnixfsData raw(byte[] data) {
        return new UnixfsData(DataType.RAW, data, (long) data.length, NONE, null, null, null, null);
    }

    /** @return a basic directory's message, without mode or mtime */
    public static UnixfsData directory() {
        return new UnixfsData(DataType.DIRECTORY, null, null, NONE, null, null, null, null);
    }

    /**
     * @param target the link's target, as bytes
     * @return a symlink's message
     */
    public static UnixfsData symlink(byte[] target) {
        return new UnixfsData(DataType.SYMLINK, target, null, NONE, null, null, null, null);
    }

    /**
     * @param bitfield the shard's bitfield, big-endian, leading zero bytes stripped (null when empty)
     * @param fanout   the shard's width
     * @param hashType the multihash code of the hash function (murmur3-x64-64, 0x22)
     * @return a HAMT shard's message
     */
    public static UnixfsData hamtShard(byte[] bitfield, long fanout, long hashType) {
        return new UnixfsData(DataType.HAMT_SHARD, bitfield, null, NONE, hashType, fanout, null, null);
    }

    /**
     * @param mode the permission bits (lower 12 bits: 0o7777), or null for none; 0 is written as none
     * @return this message with that mode
     */
    public UnixfsData withMode(Integer mode) {
        Integer m = mode == null || mode == 0 ? null : mode;
        return new UnixfsData(type, data, filesize, blocksizes, hashType, fanout, m, mtime);
    }

    /**
     * @param mtime the modification time, or null for none
     * @return this message with that time
     */
    public UnixfsData withMtime(Mtime mtime) {
        return new UnixfsData(type, data, filesize, blocksizes, hashType, fanout, mode, mtime);
    }

    /** @return the node type */
    public DataType type() {
        return type;
    }

    /** @return the Data field (shared: do not modify), or null when absent */
    public byte[] data() {
        return data;
    }

    /** @return the Data field's length, 0 when absent */
    public int dataLength() {
        return data == null ? 0 : data.length;
    }

    /** @return the filesize field, or null when absent */
    public Long filesize() {
        return filesize;
    }

    /** @return the blocksizes (a copy) */
    public long[] blocksizes() {
        return blocksizes.clone();
    }

    /** @return how many blocksizes there are */
    public int blocksizeCount() {
        return blocksizes.length;
    }

    /**
     * @param i an index below {@link #blocksizeCount()}
     * @return that blocksize
     */
    public long blocksize(int i) {
        return blocksizes[i];
    }

    /** @return the hashType field, or null when absent */
    public Long hashType() {
        return hashType;
    }

    /** @return the fanout field, or null when absent */
    public Long fanout() {
        return fanout;
    }

    /** @return the mode field (as stored, up to 32 bits), or null when absent */
    public Integer mode() {
        return mode;
    }

    /** @return the modification time, or null when absent */
    public Mtime mtime() {
        return mtime;
    }

    /** @return the encoded length in bytes */
    public int encodedLength() {
        int n = 1 + PbVarint.size(type.number());
        if (data != null) {
            n += 1 + PbVarint.size(data.length) + data.length;
        }
        if (filesize != null) {
            n += 1 + PbVarint.size(filesize);
        }
        for (long b : blocksizes) {
            n += 1 + PbVarint.size(b);
        }
        if (hashType != null) {
            n += 1 + PbVarint.size(hashType);
        }
        if (fanout != null) {
            n += 1 + PbVarint.size(fanout);
        }
        if (mode != null) {
            n += 1 + PbVarint.size(mode & 0xFFFFFFFFL);
        }
        if (mtime != null) {
            int m = mtimeLength(mtime);
            n += 1 + PbVarint.size(m) + m;
        }
        return n;
    }

    private static int mtimeLength(Mtime t) {
        return 1 + PbVarint.size(t.seconds()) + (t.nanos() != 0 ? 5 : 0);
    }

    /** @return the protobuf bytes, fields in number order */
    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        int at = 0;
        out[at++] = 0x08;
        at += PbVarint.write(type.number(), out, at);
        if (data != null) {
            out[at++] = 0x12;
            at += PbVarint.write(data.length, out, at);
            System.arraycopy(data, 0, out, at, data.length);
            at += data.length;
        }
        if (filesize != null) {
            out[at++] = 0x18;
            at += PbVarint.write(filesize, out, at);
        }
        for (long b : blocksizes) {
            out[at++] = 0x20;
            at += PbVarint.write(b, out, at);
        }
        if (hashType != null) {
            out[at++] = 0x28;
            at += PbVarint.write(hashType, out, at);
        }
        if (fanout != null) {
            out[at++] = 0x30;
            at += PbVarint.write(fanout, out, at);
        }
        if (mode != null) {
            out[at++] = 0x38;
            at += PbVarint.write(mode & 0xFFFFFFFFL, out, at);
        }
        if (mtime != null) {
            out[at++] = 0x42;
            at += PbVarint.write(mtimeLength(mtime), out, at);
            out[at++] = 0x08;
            at += PbVarint.write(mtime.seconds(), out, at);
            if (mtime.nanos() != 0) {
                out[at++] = 0x15;
                int v = mtime.nanos();
                for (int i = 0; i < 4; i++) {
                    out[at++] = (byte) (v >>> (8 * i));
                }
            }
        }
        if (at != out.length) {
            throw new IllegalStateException("encoded " + at + " of " + out.length + " bytes");
        }
        return out;
    }

    /**
     * Decodes a {@code Data} message.
     *
     * @param bytes the DAG-PB node's Data field
     * @return the message
     * @throws UnixfsException ({@link Reason#MALFORMED_DATA}) naming the field that is wrong
     */
    public static UnixfsData decode(byte[] bytes) {
        try {
            return read(bytes);
        } catch (UnixfsException e) {
            throw e;
        } catch (DecodeException e) {
            throw malformed(e.getMessage());
        }
    }

    private static UnixfsData read(byte[] bytes) {
        ProtobufReader r = new ProtobufReader(bytes, "Data");
        DataType type = null;
        byte[] data = null;
        Long filesize = null;
        long[] sizes = NONE;
        int count = 0;
        Long hashType = null;
        Long fanout = null;
        Integer mode = null;
        Mtime mtime = null;
        boolean seenType = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    once(seenType, "Type");
                    seenType = true;
                    long t = varint(r, "Type");
                    type = DataType.of(t);
                    if (type == null) {
                        throw malformed("Data.Type " + Long.toUnsignedString(t) + " is not a UnixFS type (0 to 5)");
                    }
                }
                case 2 -> {
                    once(data != null, "Data");
                    wire(r, 2, "Data");
                    data = r.bytes();
                }
                case 3 -> {
                    once(filesize != null, "filesize");
                    filesize = unsigned63(varint(r, "filesize"), "filesize");
                }
                case 4 -> {
                    if (r.wireType() == 2) { // packed, as some writers do
                        byte[] raw = r.bytes();
                        int[] at = {0};
                        while (at[0] < raw.length) {
                            long v = unsigned63(PbVarint.read(raw, at), "blocksizes");
                            if (count == sizes.length) {
                                sizes = Arrays.copyOf(sizes, Math.max(8, count * 2));
                            }
                            sizes[count++] = v;
                        }
                    } else {
                        long v = unsigned63(varint(r, "blocksizes"), "blocksizes");
                        if (count == sizes.length) {
                            sizes = Arrays.copyOf(sizes, Math.max(8, count * 2));
                        }
                        sizes[count++] = v;
                    }
                }
                case 5 -> {
                    once(hashType != null, "hashType");
                    hashType = varint(r, "hashType");
                }
                case 6 -> {
                    once(fanout != null, "fanout");
                    fanout = unsigned63(varint(r, "fanout"), "fanout");
                }
                case 7 -> {
                    once(mode != null, "mode");
                    long m = varint(r, "mode");
                    if (m < 0 || m > 0xFFFFFFFFL) {
                        throw malformed("Data.mode " + Long.toUnsignedString(m) + " does not fit 32 bits");
                    }
                    mode = (int) m;
                }
                case 8 -> {
                    once(mtime != null, "mtime");
                    wire(r, 2, "mtime");
                    mtime = readMtime(r.message("IPFSTimestamp"));
                }
                default -> r.skip();
            }
        }
        if (type == null) {
            throw malformed("Data.Type is missing (it is required)");
        }
        return new UnixfsData(type, data, filesize, count == 0 ? NONE : Arrays.copyOf(sizes, count), hashType, fanout, mode, mtime);
    }

    private static Mtime readMtime(ProtobufReader r) {
        Long seconds = null;
        int nanos = 0;
        boolean seenNanos = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    once(seconds != null, "mtime.seconds");
                    seconds = varint(r, "mtime.seconds");
                }
                case 2 -> {
                    once(seenNanos, "mtime.nanos");
                    seenNanos = true;
                    wire(r, 5, "mtime.nanos");
                    nanos = r.fixed32();
                    if (nanos < 0 || nanos > 999_999_999) {
                        throw malformed("Data.mtime.nanos " + Integer.toUnsignedString(nanos) + " is not between 0 and 999,999,999");
                    }
                }
                default -> r.skip();
            }
        }
        if (seconds == null) {
            throw malformed("Data.mtime.seconds is missing (it is required)");
        }
        return new Mtime(seconds, nanos);
    }

    private static long varint(ProtobufReader r, String field) {
        wire(r, 0, field);
        return r.varint();
    }

    private static void wire(ProtobufReader r, int expected, String field) {
        if (r.wireType() != expected) {
            throw malformed("Data." + field + " has wire type " + r.wireType() + ", not " + expected);
        }
    }

    private static long unsigned63(long v, String field) {
        if (v < 0) {
            throw malformed("Data." + field + " " + Long.toUnsignedString(v) + " is over 2^63-1");
        }
        return v;
    }

    private static void once(boolean seen, String field) {
        if (seen) {
            throw malformed("Data." + field + " appears twice");
        }
    }

    private static UnixfsException malformed(String why) {
        return new UnixfsException(Reason.MALFORMED_DATA, null, why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixfsData d && type == d.type && Arrays.equals(data, d.data)
                && Objects.equals(filesize, d.filesize) && Arrays.equals(blocksizes, d.blocksizes)
                && Objects.equals(hashType, d.hashType) && Objects.equals(fanout, d.fanout)
                && Objects.equals(mode, d.mode) && Objects.equals(mtime, d.mtime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(data), filesize, Arrays.hashCode(blocksizes), hashType, fanout, mode, mtime);
    }

    @Override
    public String toString() {
        return "UnixfsData(" + type + ", data " + dataLength() + " bytes, filesize " + filesize + ", "
                + blocksizes.length + " blocksizes" + (mode != null ? ", mode 0" + Integer.toOctalString(mode) : "")
                + (mtime != null ? ", mtime " + mtime : "") + ")";
    }
}
