package io.p2pkit.kad.record;

import io.p2pkit.core.DecodeException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict reader of the CBOR subset IPNS V2 {@code data} uses: maps with text keys,
 * byte and text strings, unsigned and negative integers, arrays, booleans and null.
 *
 * <p>Strict means: definite lengths only, shortest-form lengths and integers (as DAG-CBOR
 * requires), no duplicate map keys, valid UTF-8, nothing after the top-level item, a nesting
 * depth cap and an item-count cap. Tags, floats and indefinite lengths are rejected. Unsigned
 * integers come back as {@link Long} holding the 64-bit pattern (use {@link Long#toUnsignedString}
 * for values over {@link Long#MAX_VALUE}); negative integers below {@code Long.MIN_VALUE} are rejected.
 */
public final class CborReader {
    /** Most nested levels accepted. */
    public static final int MAX_DEPTH = 16;
    /** Most items (of any kind) in one document. */
    public static final int MAX_ITEMS = 4096;

    private final byte[] buf;
    private int pos;
    private int items;

    private CborReader(byte[] buf) {
        this.buf = buf;
    }

    /**
     * Reads one CBOR item filling all of {@code data}: a {@code Map<String, Object>},
     * {@code List<Object>}, {@code byte[]}, {@code String}, {@code Long}, {@code Boolean} or null.
     *
     * @throws DecodeException on anything outside the subset or malformed
     */
    public static Object read(byte[] data) {
        CborReader r = new CborReader(data);
        Object v = r.item(0);
        if (r.pos != data.length) {
            throw new DecodeException("cbor", (data.length - r.pos) + " bytes after the top-level item");
        }
        return v;
    }

    /** Reads a document whose top level must be a map with text keys. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(byte[] data) {
        Object v = read(data);
        if (!(v instanceof Map<?, ?>)) {
            throw new DecodeException("cbor", "the top-level item is not a map");
        }
        return (Map<String, Object>) v;
    }

    private Object item(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        if (++items > MAX_ITEMS) {
            throw error("more than " + MAX_ITEMS + " items");
        }
        int initial = u8();
        int major = initial >>> 5;
        int info = initial & 0x1F;
        if (major == 7) {
            return switch (info) {
                case 20 -> Boolean.FALSE;
                case 21 -> Boolean.TRUE;
                case 22 -> null;
                default -> throw error("unsupported simple value or float (0x" + Integer.toHexString(initial) + ")");
            };
        }
        if (major == 6) {
            throw error("tags are not supported");
        }
        long arg = argument(info);
        switch (major) {
            case 0:
                return arg;
            case 1:
                if (arg < 0) {
                    throw error("negative integer below -2^63");
                }
                return -1 - arg;
            case 2:
                return bytes(arg);
            case 3:
                return text(arg);
            case 4: {
                int n = count(arg);
                List<Object> list = new ArrayList<>(Math.min(n, 64));
                for (int i = 0; i < n; i++) {
                    list.add(item(depth + 1));
                }
                return list;
            }
            case 5: {
                int n = count(arg);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    int keyStart = pos;
                    int kInitial = peek();
                    if (kInitial >>> 5 != 3) {
                        throw error("map key at offset " + keyStart + " is not a text string");
                    }
                    String key = (String) item(depth + 1);
                    if (map.containsKey(key)) {
                        throw error("duplicate map key '" + key + "'");
                    }
                    map.put(key, item(depth + 1));
                }
                return map;
            }
            default:
                throw error("unknown major type " + major);
        }
    }

    private long argument(int info) {
        if (info < 24) {
            return info;
        }
        long v;
        long min;
        switch (info) {
            case 24 -> { v = u8(); min = 24; }
            case 25 -> { v = (long) u8() << 8 | u8(); min = 0x100; }
            case 26 -> { v = (long) u8() << 24 | (long) u8() << 16 | (long) u8() << 8 | u8(); min = 0x10000; }
            case 27 -> {
                v = 0;
                for (int i = 0; i < 8; i++) {
                    v = v << 8 | u8();
                }
                min = 0x100000000L;
            }
            default -> throw error("indefinite or reserved length (additional info " + info + ")");
        }
        if (Long.compareUnsigned(v, min) < 0) {
            throw error("integer or length " + Long.toUnsignedString(v) + " not in its shortest form");
        }
        return v;
    }

    private int count(long arg) {
        // Each element takes at least one byte, so a count over the bytes left is a lie.
        if (arg < 0 || arg > buf.length - pos) {
            throw error("length " + Long.toUnsignedString(arg) + " exceeds the " + (buf.length - pos) + " bytes left");
        }
        return (int) arg;
    }

    private byte[] bytes(long len) {
        int n = count(len);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    private String text(long len) {
        int n = count(len);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw error("text string at offset " + pos + " is not valid UTF-8");
        }
    }

    private int peek() {
        if (pos >= buf.length) {
            throw error("truncated at offset " + pos);
        }
        return buf[pos] & 0xFF;
    }

    private int u8() {
        int b = peek();
        pos++;
        return b;
    }

    private static DecodeException error(String message) {
        return new DecodeException("cbor", message);
    }
}
