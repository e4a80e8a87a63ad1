package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The multiformats unsigned varint: 7 bits per byte, least significant group first, the high
 * bit set on every byte but the last. Strict as the spec asks: at most 9 bytes (so values up
 * to 2<sup>63</sup>-1) and minimal encoding only (no trailing zero groups).
 */
public final class Varint {
    /** The longest varint the spec allows. */
    public static final int MAX_BYTES = 9;

    private Varint() {
    }

    /** How many bytes {@code value} takes. */
    public static int size(long value) {
        requireUnsigned(value);
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** Encodes {@code value} into a new array. */
    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        write(value, out, 0);
        return out;
    }

    /** Writes {@code value} at {@code offset} and returns the number of bytes written. */
    public static int write(long value, byte[] dst, int offset) {
        requireUnsigned(value);
        int i = offset;
        while ((value & ~0x7FL) != 0) {
            dst[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[i++] = (byte) value;
        return i - offset;
    }

    /** Writes {@code value} into {@code dst} at its position. */
    public static void write(long value, ByteBuffer dst) {
        requireUnsigned(value);
        while ((value & ~0x7FL) != 0) {
            dst.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        dst.put((byte) value);
    }

    /** Writes {@code value} to a stream. */
    public static void write(long value, OutputStream out) throws IOException {
        byte[] buf = new byte[MAX_BYTES];
        out.write(buf, 0, write(value, buf, 0));
    }

    /**
     * Reads one varint from {@code src} at its position and advances past it.
     *
     * @throws DecodeException if the bytes end early, run over 9 bytes or are not minimal
     */
    public static long read(ByteBuffer src) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b;
            try {
                b = src.get() & 0xFF;
            } catch (BufferUnderflowException e) {
                throw new DecodeException("varint", "input ends inside a varint");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new DecodeException("varint", "not minimally encoded");
                }
                return value;
            }
        }
        throw new DecodeException("varint", "longer than " + MAX_BYTES + " bytes");
    }

    /**
     * Reads one varint from {@code src} starting at {@code offset}. The number of bytes it took
     * is {@link #size(long)} of the result, since only minimal encodings are accepted.
     */
    public static long read(byte[] src, int offset) {
        return read(ByteBuffer.wrap(src, offset, src.length - offset));
    }

    /**
     * Reads one varint from a stream, one byte at a time.
     *
     * @return the value, or -1 if the stream ended before its first byte
     * @throws EOFException if the stream ends inside the varint
     * @throws DecodeException if it runs over 9 bytes or is not minimal
     */
    public static long read(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) {
                    return -1;
                }
                throw new EOFException("stream ended inside a varint");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new DecodeException("varint", "not minimally encoded");
                }
                return value;
            }
        }
        throw new DecodeException("varint", "longer than " + MAX_BYTES + " bytes");
    }

    private static void requireUnsigned(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varint values are unsigned 63-bit, got " + value);
        }
    }
}
