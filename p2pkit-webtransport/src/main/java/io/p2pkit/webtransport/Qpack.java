package io.p2pkit.webtransport;

import io.p2pkit.core.DecodeException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * QPACK field sections (RFC 9204) with the static table only: this side announces a dynamic
 * table capacity of 0, so a section that refers to the dynamic table is an error. Huffman-coded
 * strings (which browsers send) are decoded. Sections and strings are size-capped.
 */
final class Qpack {
    /** At most this many field lines in one section. */
    static final int MAX_FIELDS = 64;
    /** A decoded name or value may be this long. */
    static final int MAX_STRING = 4096;
    private static final Node HUFFMAN_ROOT = huffmanTree();

    /** One field line. */
    record Field(String name, String value) {
    }

    private Qpack() {
    }

    /** Decodes a HEADERS frame's payload. */
    static List<Field> decode(byte[] section) {
        ByteBuffer in = ByteBuffer.wrap(section);
        if (!in.hasRemaining()) {
            throw new DecodeException("qpack", "empty field section");
        }
        long requiredInsertCount = integer(in, 8);
        if (!in.hasRemaining()) {
            throw new DecodeException("qpack", "no base");
        }
        integer(in, 7); // the base only matters with a dynamic table
        if (requiredInsertCount != 0) {
            throw new DecodeException("qpack", "refers to a dynamic table, whose capacity is 0");
        }
        List<Field> fields = new ArrayList<>();
        while (in.hasRemaining()) {
            if (fields.size() == MAX_FIELDS) {
                throw new DecodeException("qpack", "more than " + MAX_FIELDS + " fields");
            }
            int b = in.get(in.position()) & 0xff;
            if ((b & 0x80) != 0) { // indexed field line
                requireStatic(b & 0x40);
                int index = staticIndex(integer(in, 6));
                fields.add(new Field(QpackTables.name(index), QpackTables.value(index)));
            } else if ((b & 0x40) != 0) { // literal with name reference
                requireStatic(b & 0x10);
                int index = staticIndex(integer(in, 4));
                fields.add(new Field(QpackTables.name(index), string(in, 7)));
            } else if ((b & 0x20) != 0) { // literal with literal name
                String name = string(in, 3);
                fields.add(new Field(name, string(in, 7)));
            } else {
                throw new DecodeException("qpack", "post-base reference to a dynamic table");
            }
        }
        return fields;
    }

    private static void requireStatic(int staticBit) {
        if (staticBit == 0) {
            throw new DecodeException("qpack", "refers to a dynamic table, whose capacity is 0");
        }
    }

    private static int staticIndex(long index) {
        if (index >= QpackTables.size()) {
            throw new DecodeException("qpack", "static table index " + index + " out of range");
        }
        return (int) index;
    }

    /** An N-bit-prefix integer (RFC 7541 §5.1); the first byte's other bits are ignored. */
    static long integer(ByteBuffer in, int prefix) {
        int mask = (1 << prefix) - 1;
        long v = in.get() & mask;
        if (v < mask) {
            return v;
        }
        int shift = 0;
        while (true) {
            if (!in.hasRemaining()) {
                throw new DecodeException("qpack", "truncated integer");
            }
            int b = in.get() & 0xff;
            v += (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                return v;
            }
            if (shift > 28) {
                throw new DecodeException("qpack", "integer too large");
            }
        }
    }

    /** A string whose length has an N-bit prefix, with the Huffman flag just above it. */
    private static String string(ByteBuffer in, int prefix) {
        boolean huffman = (in.get(in.position()) & (1 << prefix)) != 0;
        long length = integer(in, prefix);
        if (length > in.remaining()) {
            throw new DecodeException("qpack", "string of " + length + " bytes runs past the section");
        }
        if (length > MAX_STRING * 2L) {
            throw new DecodeException("qpack", "string over " + MAX_STRING + " bytes");
        }
        byte[] raw = new byte[(int) length];
        in.get(raw);
        byte[] bytes = huffman ? huffmanDecode(raw) : raw;
        if (bytes.length > MAX_STRING) {
            throw new DecodeException("qpack", "string over " + MAX_STRING + " bytes");
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Encodes fields as literals (static name references where the table has the name; no Huffman). */
    static byte[] encode(List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0); // required insert count 0
        out.write(0); // base 0
        for (Field f : fields) {
            int exact = -1;
            int name = -1;
            for (int i = 0; i < QpackTables.size() && exact < 0; i++) {
                if (QpackTables.name(i).equals(f.name())) {
                    if (QpackTables.value(i).equals(f.value())) {
                        exact = i;
                    } else if (name < 0) {
                        name = i;
                    }
                }
            }
            if (exact >= 0) {
                writeInteger(out, 0xc0, 6, exact);
            } else if (name >= 0) {
                writeInteger(out, 0x50, 4, name);
                writeString(out, 0, 7, f.value());
            } else {
                writeString(out, 0x20, 3, f.name());
                writeString(out, 0, 7, f.value());
            }
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, int flags, int prefix, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        writeInteger(out, flags, prefix, bytes.length);
        out.writeBytes(bytes);
    }

    static void writeInteger(ByteArrayOutputStream out, int flags, int prefix, long v) {
        int mask = (1 << prefix) - 1;
        if (v < mask) {
            out.write(flags | (int) v);
            return;
        }
        out.write(flags | mask);
        v -= mask;
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    // ------------------------------------------------------------------ Huffman (RFC 7541 §5.2)

    private static final class Node {
        Node zero;
        Node one;
        int symbol = -1;
    }

    private static Node huffmanTree() {
        Node root = new Node();
        int[] t = QpackTables.HUFFMAN;
        for (int symbol = 0; symbol < t.length / 2; symbol++) {
            int code = t[2 * symbol];
            int bits = t[2 * symbol + 1];
            Node n = root;
            for (int i = bits - 1; i >= 0; i--) {
                boolean one = ((code >>> i) & 1) != 0;
                Node next = one ? n.one : n.zero;
                if (next == null) {
                    next = new Node();
                    if (one) {
                        n.one = next;
                    } else {
                        n.zero = next;
                    }
                }
                n = next;
            }
            n.symbol = symbol;
        }
        return root;
    }

    /** Decodes; padding must be at most 7 one-bits (a prefix of EOS), and EOS itself is an error. */
    static byte[] huffmanDecode(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 8 / 5 + 1);
        Node n = HUFFMAN_ROOT;
        int depth = 0;
        boolean allOnes = true;
        for (byte value : raw) {
            for (int i = 7; i >= 0; i--) {
                boolean one = ((value >>> i) & 1) != 0;
                n = one ? n.one : n.zero;
                if (n == null) {
                    throw new DecodeException("huffman", "invalid code");
                }
                depth++;
                allOnes &= one;
                if (n.symbol >= 0) {
                    if (n.symbol == 256) {
                        throw new DecodeException("huffman", "EOS in a string");
                    }
                    out.write(n.symbol);
                    n = HUFFMAN_ROOT;
                    depth = 0;
                    allOnes = true;
                }
            }
        }
        if (depth > 7 || !allOnes) {
            throw new DecodeException("huffman", "bad padding");
        }
        return out.toByteArray();
    }
}
