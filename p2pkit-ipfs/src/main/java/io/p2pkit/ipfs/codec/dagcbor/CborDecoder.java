package io.p2pkit.ipfs.codec.dagcbor;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.BoolNode;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.FloatNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.NullNode;
import io.p2pkit.ipfs.ipld.StringNode;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one strict DAG-CBOR item. Every rule of the spec's strictness section is enforced, so an
 * input that decodes re-encodes to the very same bytes. One decoder per block; not thread-safe.
 *
 * <p>A lenient decoder (for user input only, as Kubo's {@code dag put --input-codec dag-cbor}
 * reads it) also takes map keys in any order, integers and lengths in longer forms than needed,
 * indefinite lengths, 16- and 32-bit floats, undefined (as null) and tags other than 42 (the tag
 * dropped); duplicate keys are still refused. What it reads re-encodes canonically.
 */
final class CborDecoder {
    private static final BigInteger MINUS_ONE = BigInteger.ONE.negate();

    private final byte[] buf;
    private final int end;
    private final Limits limits;
    private int pos;
    private int nodes;
    private final boolean lenient;
    private CharsetDecoder utf8;

    CborDecoder(byte[] buf, Limits limits) {
        this(buf, limits, false);
    }

    CborDecoder(byte[] buf, Limits limits, boolean lenient) {
        this.buf = buf;
        this.end = buf.length;
        this.limits = limits;
        this.lenient = lenient;
    }

    Node readDocument() {
        if (buf.length > limits.maxBlockSize()) {
            throw new DecodeException("dag-cbor", "block of " + buf.length + " bytes exceeds the cap of " + limits.maxBlockSize());
        }
        if (buf.length == 0) {
            throw new DecodeException("dag-cbor", "empty input");
        }
        Node n = read(0);
        if (pos != end) {
            throw error(pos, (end - pos) + " bytes after the top-level item");
        }
        return n;
    }

    private Node read(int depth) {
        if (++nodes > limits.maxNodes()) {
            throw error(pos, "more than " + limits.maxNodes() + " nodes");
        }
        int start = pos;
        if (pos >= end) {
            throw error(pos, "input ends where an item was expected");
        }
        int initial = u8();
        int major = initial >>> 5;
        int info = initial & 0x1F;
        if (lenient && info == 31 && major >= 2 && major <= 5) {
            return indefinite(start, major, depth);
        }
        return switch (major) {
            case 0 -> IntNode.ofUnsigned(argument(start, info));
            case 1 -> {
                long arg = argument(start, info);
                // The value is -1 - arg; beyond -2^63 it needs a BigInteger (rare: fixtures have it).
                yield arg >= 0 ? IntNode.of(-1 - arg)
                        : IntNode.of(MINUS_ONE.subtract(new BigInteger(Long.toUnsignedString(arg))));
            }
            case 2 -> BytesNode.wrap(take(start, length(start, info, "byte string")));
            case 3 -> new StringNode(string(start, length(start, info, "text string")));
            case 4 -> list(start, info, depth);
            case 5 -> map(start, info, depth);
            case 6 -> link(start, info, depth);
            default -> simple(start, info);
        };
    }

    /** A lenient read of an indefinite-length item: chunks or entries up to the break code. */
    private Node indefinite(int start, int major, int depth) {
        enter(start, depth);
        if (major == 4 || major == 5) {
            List<Node> items = new ArrayList<>();
            MapNode.Builder b = MapNode.builder();
            while (!atBreak(start)) {
                if (major == 4) {
                    items.add(read(depth + 1));
                    continue;
                }
                int keyAt = pos;
                if (!(read(depth + 1) instanceof StringNode key)) {
                    throw error(keyAt, "map keys must be strings");
                }
                b.put(key.value(), read(depth + 1));
            }
            return major == 4 ? (items.isEmpty() ? ListNode.EMPTY : new ListNode(items)) : built(b, start);
        }
        java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
        while (!atBreak(start)) {
            int chunkAt = pos;
            int initial = u8();
            if (initial >>> 5 != major || (initial & 0x1F) == 31) {
                throw error(chunkAt, "a chunk of an indefinite-length string must be a definite string of the same type");
            }
            int n = length(chunkAt, initial & 0x1F, "string chunk");
            chunks.write(buf, pos, n);
            pos += n;
        }
        byte[] all = chunks.toByteArray();
        if (major == 2) {
            return BytesNode.wrap(all);
        }
        return new StringNode(new CborDecoder(all, limits).string(start, all.length));
    }

    /** Whether the break code is next (consumed if so). */
    private boolean atBreak(int start) {
        if (pos >= end) {
            throw error(start, "input ends inside an indefinite-length item");
        }
        if ((buf[pos] & 0xFF) == 0xFF) {
            pos++;
            return true;
        }
        return false;
    }

    private Node list(int start, int info, int depth) {
        int count = count(start, info, 1, "list");
        enter(start, depth);
        if (count == 0) {
            return ListNode.EMPTY;
        }
        List<Node> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(read(depth + 1));
        }
        return new ListNode(items);
    }

    private Node map(int start, int info, int depth) {
        int count = count(start, info, 2, "map");
        enter(start, depth);
        if (count == 0) {
            return MapNode.EMPTY;
        }
        MapNode.Builder b = MapNode.builder();
        int prevStart = -1;
        int prevLength = 0;
        for (int i = 0; i < count; i++) {
            int keyAt = pos;
            if (pos >= end) {
                throw error(pos, "input ends inside a map");
            }
            int keyInitial = u8();
            if (keyInitial >>> 5 != 3) {
                throw error(keyAt, "map keys must be strings, found major type " + (keyInitial >>> 5));
            }
            int keyLength = length(keyAt, keyInitial & 0x1F, "map key");
            int keyStart = pos;
            String key = string(keyAt, keyLength);
            if (prevStart >= 0 && !lenient) {
                int order = compareKeys(prevStart, prevLength, keyStart, keyLength);
                if (order == 0) {
                    throw error(keyAt, "duplicate map key \"" + key + "\"");
                }
                if (order > 0) {
                    throw error(keyAt, "map key \"" + key + "\" is out of canonical order (keys sort by length, then bytes)");
                }
            }
            prevStart = keyStart;
            prevLength = keyLength;
            ++nodes;
            b.put(key, read(depth + 1));
        }
        return built(b, start);
    }

    /** The map; a repeated key (which only a lenient read lets through to here) is a decode error. */
    private MapNode built(MapNode.Builder b, int start) {
        try {
            return b.build();
        } catch (DecodeException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(start, e.getMessage());
        }
    }

    private int compareKeys(int aStart, int aLength, int bStart, int bLength) {
        if (aLength != bLength) {
            return Integer.compare(aLength, bLength);
        }
        return Arrays.compareUnsigned(buf, aStart, aStart + aLength, buf, bStart, bStart + bLength);
    }

    private Node link(int start, int info, int depth) {
        if (lenient) {
            if (argument(start, info) != 42) {
                return read(depth);    // Kubo drops a tag it does not know and keeps the value
            }
        } else if (info != 24 || pos >= end || (buf[pos] & 0xFF) != 42) {
            // Tag 42 written shortest is exactly 0xd8 0x2a; every other tag or form is refused.
            long tag = argument(start, info);
            throw error(start, tag == 42 ? "tag 42 must be written as 0xd82a (shortest form)"
                    : "tag " + Long.toUnsignedString(tag) + " is not allowed (only 42, for CIDs)");
        } else {
            pos++;
        }
        int bytesAt = pos;
        if (pos >= end) {
            throw error(pos, "input ends after tag 42");
        }
        int initial = u8();
        if (initial >>> 5 != 2) {
            throw error(bytesAt, "tag 42 must wrap a byte string, found major type " + (initial >>> 5));
        }
        int length = length(bytesAt, initial & 0x1F, "CID");
        if (length == 0 || buf[pos] != 0) {
            throw error(pos, "a CID must start with the 0x00 multibase prefix");
        }
        byte[] cidBytes = Arrays.copyOfRange(buf, pos + 1, pos + length);
        pos += length;
        try {
            return new Link(Cid.decode(cidBytes));
        } catch (DecodeException e) {
            throw new DecodeException("dag-cbor", "at byte " + bytesAt + ": invalid CID: " + e.getMessage(), e);
        }
    }

    private Node simple(int start, int info) {
        return switch (info) {
            case 20 -> BoolNode.FALSE;
            case 21 -> BoolNode.TRUE;
            case 22 -> NullNode.INSTANCE;
            case 23 -> {
                if (!lenient) {
                    throw error(start, "undefined is not an IPLD value");
                }
                yield NullNode.INSTANCE;
            }
            case 25, 26 -> {
                if (!lenient) {
                    throw error(start, "floats must be 64-bit, found a " + (info == 25 ? 16 : 32) + "-bit float");
                }
                need(start, info == 25 ? 2 : 4);
                long bits = readLong(info == 25 ? 2 : 4);
                double d = info == 25 ? Float.float16ToFloat((short) bits) : Float.intBitsToFloat((int) bits);
                if (!Double.isFinite(d)) {
                    throw error(start, d + " is not an IPLD value");
                }
                yield new FloatNode(d);
            }
            case 27 -> {
                need(start, 8);
                double d = Double.longBitsToDouble(readLong(8));
                if (!Double.isFinite(d)) {
                    throw error(start, d + " is not an IPLD value");
                }
                yield new FloatNode(d);
            }
            case 31 -> throw error(start, "the break code is not allowed (no indefinite lengths)");
            default -> throw error(start, "simple value " + (info == 24 ? "(one-byte form)" : info) + " is not an IPLD value");
        };
    }

    /** The argument after an initial byte, refusing any form longer than needed. */
    private long argument(int start, int info) {
        if (info < 24) {
            return info;
        }
        long v;
        if (lenient && info >= 24 && info <= 27) {
            int n = 1 << (info - 24);
            need(start, n);
            return readLong(n);
        }
        switch (info) {
            case 24 -> {
                need(start, 1);
                v = readLong(1);
                if (v < 24) {
                    throw error(start, "integer or length " + v + " not in its shortest form");
                }
            }
            case 25 -> {
                need(start, 2);
                v = readLong(2);
                if (v < 0x100) {
                    throw error(start, "integer or length " + v + " not in its shortest form");
                }
            }
            case 26 -> {
                need(start, 4);
                v = readLong(4);
                if (v < 0x1_0000) {
                    throw error(start, "integer or length " + v + " not in its shortest form");
                }
            }
            case 27 -> {
                need(start, 8);
                v = readLong(8);
                if (Long.compareUnsigned(v, 0x1_0000_0000L) < 0) {
                    throw error(start, "integer or length " + v + " not in its shortest form");
                }
            }
            case 31 -> throw error(start, "indefinite-length items are not allowed");
            default -> throw error(start, "reserved additional information " + info);
        }
        return v;
    }

    /** A byte or text string's length, checked against what is left. */
    private int length(int start, int info, String what) {
        long n = argument(start, info);
        if (n < 0 || n > end - pos) {
            throw error(start, what + " of " + Long.toUnsignedString(n) + " bytes but only " + (end - pos) + " remain");
        }
        return (int) n;
    }

    /** A list's or map's entry count, checked against what is left (each item takes a byte or more). */
    private int count(int start, int info, int bytesPerEntry, String what) {
        long n = argument(start, info);
        if (n < 0 || n > (end - pos) / bytesPerEntry) {
            throw error(start, what + " of " + Long.toUnsignedString(n) + " entries cannot fit the " + (end - pos) + " bytes left");
        }
        if (n > limits.maxNodes()) {
            throw error(start, what + " of " + n + " entries exceeds the cap of " + limits.maxNodes() + " nodes");
        }
        return (int) n;
    }

    private void enter(int start, int depth) {
        if (depth >= limits.maxDepth()) {
            throw error(start, "nested deeper than " + limits.maxDepth() + " levels");
        }
    }

    private byte[] take(int start, int n) {
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    private String string(int start, int n) {
        int from = pos;
        pos += n;
        boolean ascii = true;
        for (int i = from; i < from + n; i++) {
            if (buf[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(buf, from, n, StandardCharsets.ISO_8859_1);
        }
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(buf, from, n));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw error(start, "string is not valid UTF-8");
        }
    }

    private int u8() {
        return buf[pos++] & 0xFF;
    }

    private void need(int start, int n) {
        if (end - pos < n) {
            throw error(start, "input ends inside an item");
        }
    }

    private long readLong(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    private static DecodeException error(int at, String message) {
        return new DecodeException("dag-cbor", "at byte " + at + ": " + message);
    }
}
