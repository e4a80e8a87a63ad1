package io.p2pkit.ipfs.unixfs.pb;

import io.p2pkit.core.DecodeException;

/**
 * Protobuf varints: unsigned 64-bit values in up to 10 bytes (a negative int64 takes all 10).
 * Multiformats' {@code Varint} stops at 63 bits, which protobuf's {@code int64} and
 * {@code uint64} fields exceed.
 */
final class PbVarint {
    private PbVarint() {
    }

    /** @return the bytes {@code value} takes, read as unsigned */
    static int size(long value) {
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** Writes {@code value} (unsigned) at {@code offset}; returns the bytes written. */
    static int write(long value, byte[] dst, int offset) {
        int i = offset;
        while ((value & ~0x7FL) != 0) {
            dst[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[i++] = (byte) value;
        return i - offset;
    }

    /**
     * Reads a varint at {@code at[0]} in {@code src} and advances {@code at[0]} past it.
     *
     * @throws DecodeException when it is truncated or longer than 10 bytes
     */
    static long read(byte[] src, int[] at) {
        long v = 0;
        for (int shift = 0, i = at[0]; shift < 70; shift += 7, i++) {
            if (i >= src.length) {
                throw new DecodeException("varint", "truncated varint");
            }
            byte b = src[i];
            if (shift == 63 && (b & 0xFE) != 0) {
                throw new DecodeException("varint", "varint overflows 64 bits");
            }
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                at[0] = i + 1;
                return v;
            }
        }
        throw new DecodeException("varint", "varint longer than 10 bytes");
    }
}
