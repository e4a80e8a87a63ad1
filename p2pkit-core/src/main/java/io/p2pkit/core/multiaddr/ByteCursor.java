package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/** Reads strict multiformats varints from a slice of an array without copying it. */
final class ByteCursor {
    private final byte[] buf;
    private final int end;
    private final String field;
    int pos;

    ByteCursor(byte[] buf, int offset, int end, String field) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
        this.field = field;
    }

    boolean hasMore() {
        return pos < end;
    }

    int remaining() {
        return end - pos;
    }

    /** Reads a minimal unsigned varint of at most 9 bytes. */
    long readVarint() {
        long value = 0;
        for (int i = 0; i < 9; i++) {
            if (pos >= end) {
                throw new DecodeException(field, "input ends inside a varint");
            }
            int b = buf[pos++] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new DecodeException(field, "varint not minimally encoded");
                }
                return value;
            }
        }
        throw new DecodeException(field, "varint longer than 9 bytes");
    }
}
