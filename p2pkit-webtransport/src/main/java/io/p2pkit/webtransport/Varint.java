package io.p2pkit.webtransport;

import io.p2pkit.core.DecodeException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** QUIC's variable-length integer (RFC 9000 §16): 1, 2, 4 or 8 bytes, the top two bits give the length. */
final class Varint {
    /** The largest value a QUIC varint holds. */
    static final long MAX = (1L << 62) - 1;
    /** Returned by {@link #read} when the buffer ends inside the integer. */
    static final long INCOMPLETE = -1;

    private Varint() {
    }

    /** Bytes the integer starting with {@code first} takes. */
    static int length(byte first) {
        return 1 << ((first & 0xff) >>> 6);
    }

    /** Reads one integer and advances, or returns {@link #INCOMPLETE} leaving the position alone. */
    static long read(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return INCOMPLETE;
        }
        int start = in.position();
        int n = length(in.get(start));
        if (in.remaining() < n) {
            return INCOMPLETE;
        }
        long v = in.get() & 0x3f;
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (in.get() & 0xff);
        }
        return v;
    }

    /** Reads one integer that must be there entirely. */
    static long readComplete(ByteBuffer in, String field) {
        long v = read(in);
        if (v == INCOMPLETE) {
            throw new DecodeException(field, "truncated varint");
        }
        return v;
    }

    static int size(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("not a QUIC varint: " + v);
        }
        return v < 64 ? 1 : v < 16384 ? 2 : v < 1L << 30 ? 4 : 8;
    }

    static void write(ByteArrayOutputStream out, long v) {
        int n = size(v);
        int tag = Integer.numberOfTrailingZeros(n);
        for (int i = n - 1; i >= 0; i--) {
            int b = (int) (v >>> (8 * i)) & 0xff;
            out.write(i == n - 1 ? b | (tag << 6) : b);
        }
    }

    static byte[] encode(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8);
        write(out, v);
        return out.toByteArray();
    }
}
