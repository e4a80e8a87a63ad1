package io.p2pkit.ipfs.bitswap.wire;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufStreamReader;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.ipfs.block.Block;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Bitswap message protobuf ({@code bitswap/message/pb/message.proto}), for every version.
 *
 * <p>Decoding is bounded: the caller reads at most {@link #MAX_MESSAGE_BYTES} per message; each
 * block is at most {@code maxBlockBytes}, each CID at most {@link #MAX_CID_BYTES}, and a message
 * carries at most {@link #MAX_ENTRIES} wantlist entries and as many presences. A block's CID is
 * made from its prefix and the hash of its data, so a decoded block always matches its CID;
 * whether anyone wanted it is the client's question.
 */
public final class MessageCodec {
    /** The largest message read from a stream, as boxo and Helia: 4 MiB. */
    public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** The longest CID accepted in a wantlist or presence (boxo's limit). */
    public static final int MAX_CID_BYTES = 168;
    /** The most wantlist entries, and the most presences, one message may carry. */
    public static final int MAX_ENTRIES = 16_384;
    /** The longest block prefix: four varints (version, codec, hash function, digest length). */
    private static final int MAX_PREFIX_BYTES = 4 * Varint.MAX_BYTES;
    /** A block at least this large is written from its own array by {@link #writeFramed}. */
    static final int DIRECT_BLOCK_BYTES = 16 * 1024;
    /** About how much {@link #writeFramed} gathers into one write: a Noise frame's worth. */
    static final int GATHER_BYTES = 64 * 1024;

    private MessageCodec() {
    }

    /**
     * Encodes a message for a peer speaking {@code version}: before 1.2.0 want-haves and presences
     * are left out, and 1.0.0 carries only CIDv0 blocks, as bare data. One array of the exact size.
     */
    public static byte[] encode(BitswapMessage m, ProtocolVersion version) {
        Layout l = layout(m, version);
        ProtobufWriter w = l.wantlist(new ProtobufWriter(l.size));
        for (int i = 0; i < l.blocks.size(); i++) {
            blockFields(w, l, i, version).bytes(2, l.blocks.get(i).data());
        }
        return w.append(l.tail).toByteArray();
    }

    /**
     * Writes the message with its varint length in front to {@code out}, as it goes on a stream:
     * the bytes of {@link #encode} behind their length, without a message-sized array. A block of
     * at least {@link #DIRECT_BLOCK_BYTES} goes to {@code out} straight from its own array, and
     * what lies between such blocks (fields, smaller blocks) is gathered into writes of about
     * {@link #GATHER_BYTES}: a sender's stream sends each write it is given, so a message takes a
     * few writes per large block rather than one per field.
     */
    public static void writeFramed(BitswapMessage m, ProtocolVersion version, OutputStream out) throws IOException {
        Layout l = layout(m, version);
        int framedSize = ProtobufWriter.varintSize(l.size) + l.size;
        ProtobufWriter w = l.wantlist(new ProtobufWriter(Math.min(framedSize, GATHER_BYTES + DIRECT_BLOCK_BYTES))
                .lengthPrefix(l.size));
        for (int i = 0; i < l.blocks.size(); i++) {
            Block b = l.blocks.get(i);
            blockFields(w, l, i, version);
            if (b.size() >= DIRECT_BLOCK_BYTES) {
                w.lengthDelimited(2, b.size()).writeTo(out);
                w.clear();
                out.write(b.data());
            } else {
                w.bytes(2, b.data());
                if (w.size() >= GATHER_BYTES) {
                    w.writeTo(out);
                    w.clear();
                }
            }
        }
        w.append(l.tail).writeTo(out);
    }

    /** Writes what goes in front of block {@code i}'s data: from 1.1.0 on, its payload field and prefix. */
    private static ProtobufWriter blockFields(ProtobufWriter w, Layout l, int i, ProtocolVersion version) {
        if (version.hasPayload()) {
            byte[] prefix = l.prefixes.get(i);
            w.lengthDelimited(3, payloadSize(prefix, l.blocks.get(i))).bytes(1, prefix);
        }
        return w;
    }

    /**
     * A message's parts in the order they are written: the wantlist, the blocks the version
     * carries (with their prefixes from 1.1.0 on), then the presences and pending bytes; and the
     * size of it all, known before a byte is written.
     */
    private record Layout(ProtobufWriter list, List<Block> blocks, List<byte[]> prefixes, ProtobufWriter tail, int size) {
        /** Writes the wantlist, which comes before the blocks, to {@code w}. */
        ProtobufWriter wantlist(ProtobufWriter w) {
            return list == null ? w : w.message(1, list);
        }
    }

    private static Layout layout(BitswapMessage m, ProtocolVersion version) {
        ProtobufWriter list = null;
        if (!m.wants().isEmpty() || m.full()) {
            list = new ProtobufWriter();
            for (WantEntry e : m.wants()) {
                if (e.type() == WantType.HAVE && !version.hasPresences() && !e.cancel()) {
                    continue;
                }
                ProtobufWriter entry = new ProtobufWriter().bytes(1, e.cid().bytes());
                if (e.priority() != 0) {
                    entry.varint(2, e.priority()); // int32: negative values as 10-byte varints, as protobuf does
                }
                if (e.cancel()) {
                    entry.bool(3, true);
                }
                if (version.hasPresences()) {
                    if (e.type() == WantType.HAVE) {
                        entry.varint(4, 1);
                    }
                    if (e.sendDontHave()) {
                        entry.bool(5, true);
                    }
                }
                list.message(1, entry);
            }
            if (m.full()) {
                list.bool(2, true);
            }
        }
        ProtobufWriter tail = new ProtobufWriter();
        if (version.hasPresences()) {
            for (Presence p : m.presences()) {
                ProtobufWriter pw = new ProtobufWriter().bytes(1, p.cid().bytes());
                if (!p.have()) {
                    pw.varint(2, 1);
                }
                tail.message(4, pw);
            }
        }
        if (m.pendingBytes() != 0) {
            tail.varint(5, m.pendingBytes());
        }
        List<Block> blocks = new ArrayList<>(m.blocks().size());
        List<byte[]> prefixes = new ArrayList<>(m.blocks().size());
        long size = (list == null ? 0 : ProtobufWriter.lengthDelimitedSize(1, list.size())) + tail.size();
        for (Block b : m.blocks()) {
            if (version.hasPayload()) {
                byte[] prefix = prefix(b.cid());
                size += ProtobufWriter.lengthDelimitedSize(3, payloadSize(prefix, b));
                prefixes.add(prefix);
                blocks.add(b);
            } else if (b.cid().version() == 0) {
                size += ProtobufWriter.lengthDelimitedSize(2, b.size());
                blocks.add(b);
            }
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a message of " + size + " bytes");
        }
        return new Layout(list, blocks, prefixes, tail, (int) size);
    }

    private static int payloadSize(byte[] prefix, Block b) {
        return ProtobufWriter.lengthDelimitedSize(1, prefix.length) + ProtobufWriter.lengthDelimitedSize(2, b.size());
    }

    /** The CID prefix: version, codec, hash function and digest length, as varints (GraphSync's blocks use it too). */
    public static byte[] prefix(Cid cid) {
        Multihash mh = cid.multihash();
        ByteBuffer b = ByteBuffer.allocate(4 * Varint.MAX_BYTES);
        Varint.write(cid.version(), b);
        Varint.write(cid.codec(), b);
        Varint.write(mh.code(), b);
        Varint.write(mh.length(), b);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * Decodes one message.
     *
     * @param bytes         the message, without its length prefix
     * @param maxBlockBytes the largest block accepted
     * @throws DecodeException when the message is malformed or over a limit
     */
    public static BitswapMessage decode(byte[] bytes, int maxBlockBytes) {
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new DecodeException("message", bytes.length + " bytes is over the limit of " + MAX_MESSAGE_BYTES);
        }
        try {
            return read(new ByteArrayInputStream(bytes), bytes.length, maxBlockBytes);
        } catch (IOException e) {
            throw new IllegalStateException("an array cannot end before its own length", e);
        }
    }

    /**
     * Reads one message of {@code length} bytes (its length prefix already read, and checked
     * against {@link #MAX_MESSAGE_BYTES}) from a stream. Each block's bytes go from the stream
     * straight into an array of their own; nothing is read past the message.
     *
     * @param in            the stream
     * @param length        the message's length
     * @param maxBlockBytes the largest block accepted
     * @throws DecodeException when the message is malformed or over a limit
     * @throws java.io.EOFException when the stream ends inside the message
     */
    public static BitswapMessage read(InputStream in, int length, int maxBlockBytes) throws IOException {
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            throw new DecodeException("message", length + " bytes is over the limit of " + MAX_MESSAGE_BYTES);
        }
        List<WantEntry> wants = new ArrayList<>();
        boolean full = false;
        List<Block> blocks = new ArrayList<>();
        List<Presence> presences = new ArrayList<>();
        int pending = 0;
        ProtobufStreamReader r = new ProtobufStreamReader(in, length, "Message");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    ProtobufReader list = r.message("Wantlist", length);
                    while (list.next()) {
                        switch (list.field()) {
                            case 1 -> {
                                if (wants.size() == MAX_ENTRIES) {
                                    throw new DecodeException("wantlist", "more than " + MAX_ENTRIES + " entries");
                                }
                                wants.add(entry(list.message("Entry")));
                            }
                            case 2 -> full = list.bool();
                            default -> list.skip();
                        }
                    }
                }
                case 2 -> {
                    byte[] data = r.bytes(maxBlockBytes);
                    blocks.add(Block.of(Cid.v0(Multihash.digest(Multicodec.SHA2_256, data)), data));
                }
                case 3 -> blocks.add(payload(r.nested("Block"), maxBlockBytes));
                case 4 -> {
                    if (presences.size() == MAX_ENTRIES) {
                        throw new DecodeException("blockPresences", "more than " + MAX_ENTRIES + " presences");
                    }
                    presences.add(presence(r.message("BlockPresence", length)));
                }
                case 5 -> pending = (int) r.varint();
                default -> r.skip();
            }
        }
        return new BitswapMessage(wants, full, blocks, presences, pending);
    }

    private static WantEntry entry(ProtobufReader r) {
        Cid cid = null;
        int priority = 0;
        boolean cancel = false;
        WantType type = WantType.BLOCK;
        boolean sendDontHave = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> cid = cid(r.bytes(), "Entry.block");
                case 2 -> priority = (int) r.varint();
                case 3 -> cancel = r.bool();
                case 4 -> {
                    long t = r.varint();
                    if (t != 0 && t != 1) {
                        throw new DecodeException("Entry.wantType", "unknown want type " + t);
                    }
                    type = t == 1 ? WantType.HAVE : WantType.BLOCK;
                }
                case 5 -> sendDontHave = r.bool();
                default -> r.skip();
            }
        }
        if (cid == null) {
            throw new DecodeException("Entry.block", "a wantlist entry has no CID");
        }
        return new WantEntry(cid, priority, cancel, type, sendDontHave);
    }

    private static Presence presence(ProtobufReader r) {
        Cid cid = null;
        boolean have = true;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> cid = cid(r.bytes(), "BlockPresence.cid");
                case 2 -> {
                    long t = r.varint();
                    if (t != 0 && t != 1) {
                        throw new DecodeException("BlockPresence.type", "unknown presence type " + t);
                    }
                    have = t == 0;
                }
                default -> r.skip();
            }
        }
        if (cid == null) {
            throw new DecodeException("BlockPresence.cid", "a block presence has no CID");
        }
        return new Presence(cid, have);
    }

    private static Block payload(ProtobufStreamReader r, int maxBlockBytes) throws IOException {
        byte[] prefix = null;
        byte[] data = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> prefix = r.bytes(MAX_PREFIX_BYTES);
                case 2 -> data = r.bytes(maxBlockBytes);
                default -> r.skip();
            }
        }
        if (prefix == null || data == null) {
            throw new DecodeException("Block", "a block has no " + (prefix == null ? "prefix" : "data"));
        }
        return Block.of(cidOf(prefix, data), data);
    }

    /**
     * The CID a prefix and the data's hash make (GraphSync's blocks use it too).
     *
     * @throws DecodeException when the prefix is malformed or names a hash p2pkit cannot compute
     */
    public static Cid cidOf(byte[] prefix, byte[] data) {
        ByteBuffer p = ByteBuffer.wrap(prefix);
        try {
            long version = Varint.read(p);
            long codec = Varint.read(p);
            long hash = Varint.read(p);
            long length = Varint.read(p);
            if (p.hasRemaining()) {
                throw new DecodeException("Block.prefix", "has " + p.remaining() + " bytes after the digest length");
            }
            if (!Multihash.isSupported(hash)) {
                throw new DecodeException("Block.prefix", "hash function 0x" + Long.toHexString(hash) + " is not supported");
            }
            if (length < 1 || length > Multihash.MAX_DIGEST_LENGTH) {
                throw new DecodeException("Block.prefix", "digest length " + length + " is out of range");
            }
            Multihash mh = Multihash.digest(hash, data, (int) length);
            if (version == 0) {
                if (codec != Multicodec.DAG_PB) {
                    throw new DecodeException("Block.prefix", "a CIDv0 prefix with codec 0x" + Long.toHexString(codec));
                }
                return Cid.v0(mh);
            }
            if (version != 1) {
                throw new DecodeException("Block.prefix", "CID version " + version);
            }
            return Cid.v1(codec, mh);
        } catch (DecodeException e) {
            throw e;
        } catch (RuntimeException e) { // truncated varints, a length the function cannot give
            throw new DecodeException("Block.prefix", "malformed: " + e.getMessage(), e);
        }
    }

    private static Cid cid(byte[] bytes, String field) {
        if (bytes.length > MAX_CID_BYTES) {
            throw new DecodeException(field, "a CID of " + bytes.length + " bytes is over the limit of " + MAX_CID_BYTES);
        }
        try {
            return Cid.decode(bytes);
        } catch (DecodeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DecodeException(field, "not a CID: " + e.getMessage(), e);
        }
    }
}
