package io.p2pkit.ipfs.codec.dagcbor;

import io.p2pkit.ipfs.codec.EncodeException;
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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes a node as canonical DAG-CBOR into a growing array. One encoder per call. */
final class CborEncoder {
    private static final BigInteger MINUS_ONE = BigInteger.ONE.negate();

    private final int maxDepth;
    private byte[] buf = new byte[256];
    private int size;

    CborEncoder(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    byte[] encode(Node node) {
        write(node, 0);
        return Arrays.copyOf(buf, size);
    }

    private void write(Node node, int depth) {
        switch (node) {
            case NullNode n -> put(0xF6);
            case BoolNode b -> put(b.value() ? 0xF5 : 0xF4);
            case IntNode i -> integer(i);
            case FloatNode f -> {
                put(0xFB);
                long bits = Double.doubleToRawLongBits(f.value());
                ensure(8);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    buf[size++] = (byte) (bits >>> shift);
                }
            }
            case StringNode s -> text(s.value());
            case BytesNode b -> {
                head(2, b.length());
                ensure(b.length());
                size += b.copyTo(buf, size);
            }
            case ListNode l -> {
                enter(depth);
                head(4, l.size());
                for (Node item : l.values()) {
                    write(item, depth + 1);
                }
            }
            case MapNode m -> {
                enter(depth);
                head(5, m.size());
                // MapNode keeps DAG-CBOR's canonical key order already.
                for (int i = 0; i < m.size(); i++) {
                    text(m.keyAt(i));
                    write(m.valueAt(i), depth + 1);
                }
            }
            case Link l -> {
                byte[] cid = l.cid().bytes();
                put(0xD8);
                put(42);
                head(2, cid.length + 1L);
                put(0x00);
                ensure(cid.length);
                System.arraycopy(cid, 0, buf, size, cid.length);
                size += cid.length;
            }
        }
    }

    private void integer(IntNode i) {
        if (i.fitsLong()) {
            long v = i.longValue();
            if (v >= 0) {
                head(0, v);
            } else {
                head(1, ~v); // -1 - v
            }
            return;
        }
        BigInteger v = i.bigIntegerValue();
        if (v.signum() > 0) {
            head(0, v.longValue()); // the low 64 bits: the unsigned value
        } else {
            head(1, MINUS_ONE.subtract(v).longValue());
        }
    }

    private void text(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8); // StringNode and MapNode keys are valid Unicode
        head(3, utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, size, utf8.length);
        size += utf8.length;
    }

    /** An initial byte and its argument in the shortest form; {@code arg} is read as unsigned. */
    private void head(int major, long arg) {
        int m = major << 5;
        ensure(9);
        if (Long.compareUnsigned(arg, 24) < 0) {
            buf[size++] = (byte) (m | (int) arg);
        } else if (Long.compareUnsigned(arg, 0x100) < 0) {
            buf[size++] = (byte) (m | 24);
            buf[size++] = (byte) arg;
        } else if (Long.compareUnsigned(arg, 0x1_0000) < 0) {
            buf[size++] = (byte) (m | 25);
            buf[size++] = (byte) (arg >>> 8);
            buf[size++] = (byte) arg;
        } else if (Long.compareUnsigned(arg, 0x1_0000_0000L) < 0) {
            buf[size++] = (byte) (m | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (arg >>> shift);
            }
        } else {
            buf[size++] = (byte) (m | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (arg >>> shift);
            }
        }
    }

    private void enter(int depth) {
        if (depth >= maxDepth) {
            throw new EncodeException("dag-cbor", "nested deeper than " + maxDepth + " levels");
        }
    }

    private void put(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    private void ensure(int extra) {
        if (extra > buf.length - size) {
            long wanted = Math.max((long) buf.length * 2, (long) size + extra);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new EncodeException("dag-cbor", "encoding exceeds 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
