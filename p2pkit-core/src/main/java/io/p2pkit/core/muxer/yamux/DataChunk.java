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
 * powers of two, so that a few pool sizes serve the usual frame lengths; payloads that would fill
 * less than three quarters of one, and small ones, get an exact array, so no choice of frame
 * lengths makes a stream hold much more memory than its window.
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
        int size = pooledSize(length);
        boolean pooled = size > 0;
        byte[] bytes = pooled ? BufferPool.take(size) : new byte[length];
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

    /**
     * The size of the recycled array for a payload of {@code length} bytes, or 0 for an exact,
     * unpooled one: the next power of two, when the payload fills at least three quarters of it.
     * The bound keeps a peer that picks awkward frame lengths from making us hold much more than
     * the window it was granted.
     */
    static int pooledSize(int length) {
        if (length < POOLED_MIN || length > POOLED_MAX) {
            return 0;
        }
        int size = Integer.highestOneBit(length - 1) << 1;
        return length >= size - size / 4 ? size : 0;
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
