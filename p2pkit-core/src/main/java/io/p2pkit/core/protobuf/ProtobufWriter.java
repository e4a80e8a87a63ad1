package io.p2pkit.core.protobuf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protobuf (proto2/proto3) wire format. Fields come out in the order they are written,
 * so writing them in field-number order gives the deterministic encoding that signatures and
 * peer IDs rely on (libp2p's keys, envelopes and records are signed over their encoding).
 */
public final class ProtobufWriter {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private byte[] buf;
    private int size;

    public ProtobufWriter() {
        this(64);
    }

    /** @param initialCapacity a size hint in bytes */
    public ProtobufWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Writes a varint field (int32, int64, uint32, uint64, enum); negative values take 10 bytes as protobuf says. */
    public ProtobufWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** Writes a bool field. */
    public ProtobufWriter bool(int field, boolean value) {
        return varint(field, value ? 1 : 0);
    }

    /** Writes a bytes field. */
    public ProtobufWriter bytes(int field, byte[] value) {
        return bytes(field, value, 0, value.length);
    }

    /** Writes a bytes field from part of an array. */
    public ProtobufWriter bytes(int field, byte[] value, int offset, int length) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(length);
        ensure(length);
        System.arraycopy(value, offset, buf, size, length);
        size += length;
        return this;
    }

    /** Writes a string field as UTF-8. */
    public ProtobufWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes an embedded message that was encoded with its own writer. */
    public ProtobufWriter message(int field, ProtobufWriter message) {
        return bytes(field, message.buf, 0, message.size);
    }

    /**
     * Writes the tag and length of a length-delimited field whose {@code length} bytes the next
     * writes supply: an embedded message written in place, without the copy {@link #message} makes.
     */
    public ProtobufWriter lengthDelimited(int field, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        tag(field, LENGTH_DELIMITED);
        rawVarint(length);
        return this;
    }

    /** Appends the fields another writer wrote, as they are. */
    public ProtobufWriter append(ProtobufWriter fields) {
        ensure(fields.size);
        System.arraycopy(fields.buf, 0, buf, size, fields.size);
        size += fields.size;
        return this;
    }

    /** Writes a bare varint without a tag: the length in front of a message on a stream. */
    public ProtobufWriter lengthPrefix(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        rawVarint(length);
        return this;
    }

    /** How many bytes a length-delimited field of {@code length} bytes takes, its tag and length included. */
    public static int lengthDelimitedSize(int field, int length) {
        return varintSize(((long) field << 3) | LENGTH_DELIMITED) + varintSize(length) + length;
    }

    /** How many bytes a varint of {@code value} takes (10 for a negative value, as protobuf writes them). */
    public static int varintSize(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            n++;
            value >>>= 7;
        }
        return n;
    }

    /** Writes a fixed64 field (little-endian). */
    public ProtobufWriter fixed64(int field, long value) {
        tag(field, FIXED64);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** Writes a fixed32 field (little-endian). */
    public ProtobufWriter fixed32(int field, int value) {
        tag(field, FIXED32);
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** How many bytes have been written. */
    public int size() {
        return size;
    }

    /** Writes what has been written so far to {@code out}, without a copy. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
    }

    /** Forgets what was written, keeping the array for the next message. */
    public ProtobufWriter clear() {
        size = 0;
        return this;
    }

    /**
     * The encoded message. A writer made with the exact size and filled hands over its own array
     * instead of a copy (a later write would go to a new array, so the one returned never changes).
     */
    public byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    private void tag(int field, int wireType) {
        if (field < 1 || field > 0x1FFFFFFF) {
            throw new IllegalArgumentException("bad protobuf field number " + field);
        }
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        ensure(varintSize(value)); // exactly: a writer sized to its message must not grow for its last varint
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
