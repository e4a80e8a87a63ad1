package io.p2pkit.core.protobuf;

import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads protobuf wire format field by field, strictly: truncated fields, bad wire types,
 * groups, lengths past the end and invalid UTF-8 in strings are {@link DecodeException}s naming
 * the message and field. Unknown fields are skipped with {@link #skip()}, as protobuf requires.
 *
 * <pre>{@code
 * ProtobufReader r = new ProtobufReader(bytes, "PublicKey");
 * while (r.next()) {
 *     switch (r.field()) {
 *         case 1 -> type = r.varint();
 *         case 2 -> data = r.bytes();
 *         default -> r.skip();
 *     }
 * }
 * }</pre>
 */
public final class ProtobufReader {
    private final byte[] buf;
    private final int end;
    private final String messageName;
    private int pos;
    private int field;
    private int wireType;
    private boolean consumed = true;

    /** Reads all of {@code data}; {@code messageName} appears in error messages. */
    public ProtobufReader(byte[] data, String messageName) {
        this(data, 0, data.length, messageName);
    }

    /** Reads {@code length} bytes of {@code data} from {@code offset}. */
    public ProtobufReader(byte[] data, int offset, int length, String messageName) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException();
        }
        this.buf = data;
        this.pos = offset;
        this.end = offset + length;
        this.messageName = messageName;
    }

    /** Advances to the next field; false at the end of the message. Skips the previous field if it was not read. */
    public boolean next() {
        if (!consumed) {
            skip();
        }
        if (pos >= end) {
            return false;
        }
        long tag = rawVarint("tag");
        checkTag(tag, messageName);
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        consumed = false;
        return true;
    }

    /** Refuses a tag with field number 0 or past 2<sup>29</sup>-1, or a group's or an unknown wire type (shared with {@link ProtobufStreamReader}). */
    static void checkTag(long tag, String messageName) {
        long field = tag >>> 3;
        int wireType = (int) (tag & 7);
        if (field > 0x1FFFFFFF || field == 0) {
            throw new DecodeException(messageName, "field number " + field + " is out of range");
        }
        if (wireType == 3 || wireType == 4 || wireType > 5) {
            throw new DecodeException(messageName, "unsupported wire type " + wireType + " for field " + field);
        }
    }

    /** Refuses to read a field when there is none, or as another wire type than it has (shared with {@link ProtobufStreamReader}). */
    static void expect(boolean consumed, int field, int wireType, int type, String messageName) {
        if (consumed) {
            throw new IllegalStateException("no current field: call next() first");
        }
        if (wireType != type) {
            throw new DecodeException(messageName, "field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    /** The number of the current field. */
    public int field() {
        return field;
    }

    /** The wire type of the current field (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
    public int wireType() {
        return wireType;
    }

    /** The current field as a varint. */
    public long varint() {
        expect(ProtobufWriter.VARINT);
        consumed = true;
        return rawVarint("field " + field);
    }

    /** The current field as a bool. */
    public boolean bool() {
        return varint() != 0;
    }

    /** The current field as a uint32 (or int32), rejecting values out of range. */
    public int uint32() {
        long v = varint();
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw error("field " + field + " does not fit 32 bits");
        }
        return (int) v;
    }

    /** The current field as bytes (a copy). */
    public byte[] bytes() {
        int len = lengthDelimited();
        byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    /** The current field as a UTF-8 string, rejecting malformed UTF-8. */
    public String string() {
        int len = lengthDelimited();
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len)).toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw error("field " + field + " is not valid UTF-8");
        }
    }

    /** The current field as an embedded message, read by a new reader over the same array (no copy). */
    public ProtobufReader message(String name) {
        int len = lengthDelimited();
        ProtobufReader r = new ProtobufReader(buf, pos, len, name);
        pos += len;
        return r;
    }

    /** The current field as fixed64. */
    public long fixed64() {
        expect(ProtobufWriter.FIXED64);
        consumed = true;
        requireAvailable(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** The current field as fixed32. */
    public int fixed32() {
        expect(ProtobufWriter.FIXED32);
        consumed = true;
        requireAvailable(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** Skips the current field, whatever its type. */
    public void skip() {
        if (consumed) {
            return;
        }
        switch (wireType) {
            case ProtobufWriter.VARINT -> varint();
            case ProtobufWriter.FIXED64 -> fixed64();
            case ProtobufWriter.LENGTH_DELIMITED -> {
                int len = lengthDelimited(); // reads the length first: `pos += ...` would add to the old pos
                pos += len;
            }
            case ProtobufWriter.FIXED32 -> fixed32();
            default -> throw error("unsupported wire type " + wireType);
        }
    }

    private int lengthDelimited() {
        expect(ProtobufWriter.LENGTH_DELIMITED);
        consumed = true;
        long len = rawVarint("length of field " + field);
        if (len < 0 || len > end - pos) {
            throw error("field " + field + " claims " + len + " bytes but " + (end - pos) + " remain");
        }
        return (int) len;
    }

    private void expect(int type) {
        expect(consumed, field, wireType, type, messageName);
    }

    private void requireAvailable(int n) {
        if (end - pos < n) {
            throw error("truncated field " + field);
        }
    }

    private long rawVarint(String what) {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= end) {
                throw error("truncated varint in " + what);
            }
            int b = buf[pos++] & 0xFF;
            if (i == 9 && (b & 0xFE) != 0) {
                throw error("varint in " + what + " overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw error("varint in " + what + " overflows 64 bits");
    }

    private DecodeException error(String message) {
        return new DecodeException(messageName, message);
    }
}
