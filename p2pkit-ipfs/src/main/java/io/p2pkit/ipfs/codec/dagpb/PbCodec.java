package io.p2pkit.ipfs.codec.dagpb;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Limits;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DAG-PB wire format, read and written by hand rather than with the core protobuf reader,
 * because DAG-PB is stricter than protobuf: fields in schema order, no repeats, no unknown fields,
 * and (our choice, for canonical round trips) shortest varints only.
 */
final class PbCodec {
    private static final int TAG_DATA = (1 << 3) | 2;
    private static final int TAG_LINKS = (2 << 3) | 2;
    private static final int TAG_HASH = (1 << 3) | 2;
    private static final int TAG_NAME = (2 << 3) | 2;
    private static final int TAG_TSIZE = 3 << 3;

    private PbCodec() {
    }

    // ---- encoding: sizes first, then one exact array, no intermediate buffers ----

    static byte[] encode(PBNode node) {
        List<PBLink> links = node.links();
        int n = links.size();
        byte[][] hashes = new byte[n][];
        byte[][] names = new byte[n][];
        int[] linkSizes = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            PBLink l = links.get(i);
            hashes[i] = l.hash().bytes();
            int size = 1 + varintSize(hashes[i].length) + hashes[i].length;
            if (l.name() != null) {
                names[i] = l.name().getBytes(StandardCharsets.UTF_8);
                size += 1 + varintSize(names[i].length) + names[i].length;
            }
            if (l.tsize() != null) {
                size += 1 + varintSize(l.tsize());
            }
            linkSizes[i] = size;
            total += 1 + varintSize(size) + size;
        }
        byte[] data = node.data();
        if (data != null) {
            total += 1 + varintSize(data.length) + data.length;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("DAG-PB node of " + total + " bytes is too large");
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (int i = 0; i < n; i++) {
            PBLink l = links.get(i);
            out[at++] = TAG_LINKS;
            at = putVarint(out, at, linkSizes[i]);
            out[at++] = TAG_HASH;
            at = putVarint(out, at, hashes[i].length);
            System.arraycopy(hashes[i], 0, out, at, hashes[i].length);
            at += hashes[i].length;
            if (names[i] != null) {
                out[at++] = TAG_NAME;
                at = putVarint(out, at, names[i].length);
                System.arraycopy(names[i], 0, out, at, names[i].length);
                at += names[i].length;
            }
            if (l.tsize() != null) {
                out[at++] = TAG_TSIZE;
                at = putVarint(out, at, l.tsize());
            }
        }
        if (data != null) {
            out[at++] = TAG_DATA;
            at = putVarint(out, at, data.length);
            System.arraycopy(data, 0, out, at, data.length);
        }
        return out;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] out, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    // ---- decoding ----

    static PBNode decode(byte[] buf, Limits limits) {
        return decode(buf, limits, true);
    }

    /**
     * @param keepData false to check the Data field as always but not copy it (the node then has
     *                 none): for callers that want the links only, such as a DAG walk over leaves of 256 KiB
     */
    static PBNode decode(byte[] buf, Limits limits, boolean keepData) {
        if (buf.length > limits.maxBlockSize()) {
            throw new DecodeException("dag-pb", "block of " + buf.length + " bytes exceeds the cap of " + limits.maxBlockSize());
        }
        Reader r = new Reader(buf);
        List<PBLink> links = new ArrayList<>();
        byte[] data = null;
        boolean hasData = false;
        boolean linksBeforeData = false;
        while (r.pos < buf.length) {
            int at = r.pos;
            long tag = r.varint(buf.length, "a PBNode field tag");
            if (tag == TAG_LINKS) {
                if (hasData && linksBeforeData) {
                    throw error(at, "duplicate Links section: links on both sides of Data");
                }
                linksBeforeData |= !hasData;
                int length = r.length(buf.length, "a link");
                if (links.size() >= limits.maxNodes()) {
                    throw error(at, "more than " + limits.maxNodes() + " links");
                }
                links.add(r.link(links.size(), r.pos + length));
            } else if (tag == TAG_DATA) {
                if (hasData) {
                    throw error(at, "duplicate Data field");
                }
                hasData = true;
                int length = r.length(buf.length, "Data");
                if (keepData) {
                    data = Arrays.copyOfRange(buf, r.pos, r.pos + length);
                }
                r.pos += length;
            } else {
                throw error(at, "unexpected field " + (tag >>> 3) + " with wire type " + (tag & 7)
                        + " in PBNode (only Data = 1 and Links = 2, both length-delimited)");
            }
        }
        return PBNode.of(data, links);
    }

    static DecodeException error(int at, String message) {
        return new DecodeException("dag-pb", "at byte " + at + ": " + message);
    }

    /** A cursor over one block. */
    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        PBLink link(int index, int end) {
            int start = pos;
            Cid hash = null;
            String name = null;
            Long tsize = null;
            int last = 0;
            while (pos < end) {
                int at = pos;
                long tag = varint(end, "a PBLink field tag");
                int field = (int) Math.min(tag >>> 3, Integer.MAX_VALUE);
                int wire = (int) (tag & 7);
                if (field < 1 || field > 3) {
                    throw error(at, "link " + index + ": unexpected field " + (tag >>> 3) + " (only Hash = 1, Name = 2, Tsize = 3)");
                }
                if (field <= last) {
                    throw error(at, "link " + index + ": field " + field + (field == last ? " repeated" : " out of order (Hash, Name, Tsize)"));
                }
                int wanted = field == 3 ? 0 : 2;
                if (wire != wanted) {
                    throw error(at, "link " + index + ": field " + field + " has wire type " + wire + ", expected " + wanted);
                }
                last = field;
                switch (field) {
                    case 1 -> {
                        int length = length(end, "a link Hash");
                        byte[] bytes = Arrays.copyOfRange(buf, pos, pos + length);
                        pos += length;
                        try {
                            hash = Cid.decode(bytes);
                        } catch (DecodeException e) {
                            throw new DecodeException("dag-pb", "at byte " + at + ": link " + index
                                    + ": Hash is not a valid CID: " + e.getMessage(), e);
                        }
                    }
                    case 2 -> {
                        int length = length(end, "a link Name");
                        name = utf8(at, index, length);
                        pos += length;
                    }
                    default -> {
                        long v = varint(end, "a link Tsize");
                        if (v < 0) {
                            throw error(at, "link " + index + ": Tsize " + Long.toUnsignedString(v) + " exceeds 2^63-1");
                        }
                        tsize = v;
                    }
                }
            }
            if (hash == null) {
                throw error(start, "link " + index + " has no Hash (every link needs a CID)");
            }
            return new PBLink(hash, name, tsize);
        }

        /** A Name: UTF-8, strictly; the empty and ASCII names of UnixFS take the quick way. */
        private String utf8(int at, int index, int length) {
            boolean ascii = true;
            for (int i = pos; i < pos + length; i++) {
                if (buf[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return length == 0 ? "" : new String(buf, pos, length, StandardCharsets.ISO_8859_1);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, length)).toString();
            } catch (CharacterCodingException e) {
                throw error(at, "link " + index + ": Name is not valid UTF-8");
            }
        }

        /** A length-delimited field's length, checked against the bytes left before {@code end}. */
        int length(int end, String what) {
            int at = pos;
            long n = varint(end, "the length of " + what);
            if (n < 0 || n > end - pos) {
                throw error(at, what + " claims " + Long.toUnsignedString(n) + " bytes but " + (end - pos) + " remain");
            }
            return (int) n;
        }

        /** A protobuf varint (up to 64 bits, shortest form only) ending before {@code end}. */
        long varint(int end, String what) {
            int at = pos;
            long v = 0;
            for (int i = 0; i < 10; i++) {
                if (pos >= end) {
                    throw error(at, "input ends inside " + what);
                }
                int b = buf[pos++] & 0xFF;
                if (i == 9 && b > 1) {
                    throw error(at, what + " overflows 64 bits");
                }
                v |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) {
                        throw error(at, what + " is not in its shortest form");
                    }
                    return v;
                }
            }
            throw error(at, what + " is longer than 10 bytes");
        }
    }
}
