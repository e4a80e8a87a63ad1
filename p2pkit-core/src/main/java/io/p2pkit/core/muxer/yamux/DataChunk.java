package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.buffer.BufferPool;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The payload of one received data frame, waiting in its stream until the application reads it.
 *
 * <p>Large payloads live in recycled arrays from {@link BufferPool}: a busy stream receives one
 * frame per 64 KiB or so, and a fresh array per frame was nearly all the data path's allocation
 * (its zeroing and the collections it caused cost about a tenth of the CPU per byte). Arrays are
 * rounded up to a power of two so that a few pool sizes serve every frame length; small payloads
 * get an exact array, so a flood of tiny frames cannot hold many mostly empty large ones.
 */
final class DataChunk {
    /** Payloads below this get an exact, unpooled array. */
    static final int POOLED_MIN = 4096;
    /** Payloads above this get an exact array too: rounding up would waste up to half of it. */
    static final int POOLED_MAX = 256 * 1024;

    private byte[] bytes;
    private final int length;
    private final boolean pooled;

    private DataChunk(byte[] bytes, int length, boolean pooled) {
        this.bytes = bytes;
        this.length = length;
        this.pooled = pooled;
    }

    /** Reads exactly {@code length} (&gt; 0) bytes of a frame's payload from {@code in}. */
    static DataChunk read(InputStream in, int length) throws IOException {
        boolean pooled = length >= POOLED_MIN && length <= POOLED_MAX;
        byte[] bytes = pooled ? BufferPool.take(Integer.highestOneBit(length - 1) << 1) : new byte[length];
        boolean ok = false;
        try {
            if (in.readNBytes(bytes, 0, length) < length) {
                throw new EOFException("connection ended inside a data frame");
            }
            ok = true;
            return new DataChunk(bytes, length, pooled);
        } finally {
            if (!ok && pooled) {
                BufferPool.give(bytes);
            }
        }
    }

    /** The payload's bytes, valid from index 0 to {@link #length()}; not after {@link #release()}. */
    byte[] bytes() {
        return bytes;
    }

    /** The payload's length. */
    int length() {
        return length;
    }

    /** Gives the array back for reuse once the payload has been read or dropped; idempotent. */
    void release() {
        byte[] b = bytes;
        bytes = null;
        if (pooled && b != null) {
            BufferPool.give(b);
        }
    }
}
