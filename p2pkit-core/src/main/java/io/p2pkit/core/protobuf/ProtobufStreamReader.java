package io.p2pkit.core.protobuf;

import io.p2pkit.core.DecodeException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one protobuf message of a known length straight from a stream, field by field, as
 * strictly as {@link ProtobufReader}. It is for messages whose large bytes fields (Bitswap's
 * blocks) should go from the stream into arrays of their own, without a copy of the whole
 * message in between; small embedded messages are read into an array and handed to a
 * {@link ProtobufReader}. Nothing is read past the message's length.
 *
 * <p>A field must be read or {@linkplain #skip skipped} before the next; {@link #next} skips one
 * that was not, and the rest of a {@linkplain #nested nested} reader that was not read to its end.
 * A stream that ends inside the message is an {@link EOFException}.
 */
public final class ProtobufStreamReader {
    private final InputStream in;
    private final String messageName;
    private long left;
    private int field;
    private int wireType;
    private boolean consumed = true;
    private ProtobufStreamReader child;

    /**
     * @param in          the stream, positioned at the message's first byte
     * @param length      the message's length in bytes
     * @param messageName the message's name, for error messages
     */
    public ProtobufStreamReader(InputStream in, long length, String messageName) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        this.in = in;
        this.left = length;
        this.messageName = messageName;
    }

    /** Advances to the next field; false at the end of the message. Skips the previous field if it was not read. */
    public boolean next() throws IOException {
        if (!consumed) {
            skip();
        }
        if (child != null) {
            child.drain();
            child = null;
        }
        if (left == 0) {
            return false;
        }
        long tag = rawVarint("tag");
        ProtobufReader.checkTag(tag, messageName);
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        consumed = false;
        return true;
    }

    /** The number of the current field. */
    public int field() {
        return field;
    }

    /** The wire type of the current field (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
    public int wireType() {
        return wireType;
    }

    /** The bytes of the message not read yet. */
    public long remaining() {
        return left;
    }

    /** The current field as a varint. */
    public long varint() throws IOException {
        expect(ProtobufWriter.VARINT);
        consumed = true;
        return rawVarint("field " + field);
    }

    /** The current field as a bool. */
    public boolean bool() throws IOException {
        return varint() != 0;
    }

    /**
     * The current field as bytes, in a new array of their length.
     *
     * @param max the most bytes the field may have
     * @throws DecodeException when it has more
     */
    public byte[] bytes(int max) throws IOException {
        int len = lengthDelimited();
        if (len > max) {
            throw error("field " + field + " has " + len + " bytes, over the limit of " + max);
        }
        // The whole array at once (len is within both limits): InputStream.readNBytes(int) would
        // gather it in 16 KiB pieces and copy them together.
        byte[] out = new byte[len];
        int n = in.readNBytes(out, 0, len);
        left -= n;
        if (n != len) {
            throw new EOFException("stream ended inside field " + field + " of " + messageName);
        }
        return out;
    }

    /**
     * The current field as an embedded message, read into an array.
     *
     * @param name its message name, for error messages
     * @param max  the most bytes it may have
     * @throws DecodeException when it has more
     */
    public ProtobufReader message(String name, int max) throws IOException {
        return new ProtobufReader(bytes(max), name);
    }

    /**
     * The current field as an embedded message read from the stream by a reader of its own,
     * which must be done with before this one goes on (whatever it leaves is skipped).
     */
    public ProtobufStreamReader nested(String name) throws IOException {
        int len = lengthDelimited();
        left -= len;
        child = new ProtobufStreamReader(in, len, name);
        return child;
    }

    /** Skips the current field, whatever its type. */
    public void skip() throws IOException {
        if (consumed) {
            return;
        }
        switch (wireType) {
            case ProtobufWriter.VARINT -> varint();
            case ProtobufWriter.FIXED64 -> skipBytes(8);
            case ProtobufWriter.LENGTH_DELIMITED -> skipBytes(lengthDelimited());
            case ProtobufWriter.FIXED32 -> skipBytes(4);
            default -> throw error("unsupported wire type " + wireType);
        }
        consumed = true;
    }

    private void drain() throws IOException {
        if (child != null) {
            child.drain();
            child = null;
        }
        discard(left);
        left = 0;
    }

    private void skipBytes(int n) throws IOException {
        consumed = true;
        if (n > left) {
            throw error("truncated field " + field);
        }
        discard(n);
        left -= n;
    }

    private void discard(long n) throws IOException {
        long skipped = in.skip(n);
        while (skipped < n) {
            if (in.read() < 0) {
                throw new EOFException("stream ended inside " + messageName);
            }
            skipped++;
            skipped += in.skip(n - skipped);
        }
    }

    private int lengthDelimited() throws IOException {
        expect(ProtobufWriter.LENGTH_DELIMITED);
        consumed = true;
        long len = rawVarint("length of field " + field);
        if (len < 0 || len > left || len > Integer.MAX_VALUE) {
            throw error("field " + field + " claims " + len + " bytes but " + left + " remain");
        }
        return (int) len;
    }

    private void expect(int type) {
        ProtobufReader.expect(consumed, field, wireType, type, messageName);
    }

    private long rawVarint(String what) throws IOException {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (left == 0) {
                throw error("truncated varint in " + what);
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside " + messageName);
            }
            left--;
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
