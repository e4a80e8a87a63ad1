package io.p2pkit.ipfs.codec.dagcbor;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Limits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the tag-42 links of a DAG-CBOR block by walking its structure without building nodes,
 * and without the strictness of {@link CborDecoder} where that does not touch links: string bytes
 * need not be UTF-8, keys may be in any order, integers, lengths and floats in any width. Blocks
 * written by older or looser encoders (Filecoin's, for one, puts non-UTF-8 bytes in strings) must
 * still be walkable by pins and garbage collection, as they are in Kubo. Still refused: malformed
 * or truncated CBOR, indefinite lengths, tags other than 42, tag 42 on anything but a 0x00-prefixed
 * valid CID, trailing bytes, and anything over the {@link Limits}.
 */
final class CborLinkScanner {
    private final byte[] buf;
    private final int end;
    private final Limits limits;
    private final List<Cid> links = new ArrayList<>();
    private int pos;
    private int nodes;

    CborLinkScanner(byte[] buf, Limits limits) {
        this.buf = buf;
        this.end = buf.length;
        this.limits = limits;
    }

    List<Cid> scan() {
        if (buf.length > limits.maxBlockSize()) {
            throw new DecodeException("dag-cbor", "block of " + buf.length + " bytes exceeds the cap of " + limits.maxBlockSize());
        }
        item(0);
        if (pos != end) {
            throw error(pos, (end - pos) + " bytes after the top-level item");
        }
        return links;
    }

    private void item(int depth) {
        if (++nodes > limits.maxNodes()) {
            throw error(pos, "more than " + limits.maxNodes() + " nodes");
        }
        int start = pos;
        if (pos >= end) {
            throw error(pos, "input ends where an item was expected");
        }
        int initial = buf[pos++] & 0xFF;
        int major = initial >>> 5;
        int info = initial & 0x1F;
        if (major == 7) {
            if (info == 31) {
                throw error(start, "the break code is not allowed (no indefinite lengths)");
            }
            if (info >= 24) {
                argument(start, info); // skips a simple value or float of any width
            }
            return;
        }
        long arg = argument(start, info);
        switch (major) {
            case 0, 1 -> {
            }
            case 2, 3 -> {
                if (arg < 0 || arg > end - pos) {
                    throw error(start, "string of " + Long.toUnsignedString(arg) + " bytes but only " + (end - pos) + " remain");
                }
                pos += (int) arg;
            }
            case 4, 5 -> {
                // arg is checked first: doubling a huge count would overflow into a negative one
                if (arg < 0 || arg > end - pos || (major == 5 ? arg * 2 : arg) > end - pos) {
                    throw error(start, "container of " + Long.toUnsignedString(arg) + " entries cannot fit the " + (end - pos) + " bytes left");
                }
                if (depth >= limits.maxDepth()) {
                    throw error(start, "nested deeper than " + limits.maxDepth() + " levels");
                }
                for (long i = 0, items = major == 5 ? arg * 2 : arg; i < items; i++) {
                    item(depth + 1);
                }
            }
            default -> {
                if (arg != 42) {
                    throw error(start, "tag " + Long.toUnsignedString(arg) + " is not allowed (only 42, for CIDs)");
                }
                link(start);
            }
        }
    }

    private void link(int start) {
        int at = pos;
        if (pos >= end) {
            throw error(pos, "input ends after tag 42");
        }
        int initial = buf[pos++] & 0xFF;
        if (initial >>> 5 != 2) {
            throw error(at, "tag 42 must wrap a byte string, found major type " + (initial >>> 5));
        }
        long length = argument(at, initial & 0x1F);
        if (length < 1 || length > end - pos || buf[pos] != 0) {
            throw error(at, "a CID must be a byte string starting with the 0x00 multibase prefix");
        }
        try {
            links.add(Cid.decode(Arrays.copyOfRange(buf, pos + 1, pos + (int) length)));
        } catch (DecodeException e) {
            throw new DecodeException("dag-cbor", "at byte " + at + ": invalid CID: " + e.getMessage(), e);
        }
        pos += (int) length;
    }

    private long argument(int start, int info) {
        if (info < 24) {
            return info;
        }
        int n = switch (info) {
            case 24 -> 1;
            case 25 -> 2;
            case 26 -> 4;
            case 27 -> 8;
            case 31 -> throw error(start, "indefinite-length items are not allowed");
            default -> throw error(start, "reserved additional information " + info);
        };
        if (end - pos < n) {
            throw error(start, "input ends inside an item");
        }
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
