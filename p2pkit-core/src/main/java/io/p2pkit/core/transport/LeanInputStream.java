package io.p2pkit.core.transport;

import io.p2pkit.core.buffer.BufferPool;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input (a socket, or a secured connection) with a read buffer that exists only while it holds bytes. Small reads
 * (multistream messages, varints) are served from a buffer filled with one socket read; large
 * reads, and any read that would have to wait for the remote, go straight to the socket and
 * drop the empty buffer. An idle connection, whose reader is blocked waiting, so holds no buffer
 * (the layers above, Noise and TLS, read in large chunks and keep their own).
 *
 * <p>Not thread-safe: one reader at a time, as for any connection's input.
 */
public final class LeanInputStream extends InputStream {
    /** Enough for every negotiation message; a larger read bypasses the buffer anyway. */
    public static final int BUFFER_BYTES = 8 * 1024;

    private final InputStream socket;
    private byte[] buf;
    private int pos;
    private int end;

    /** Wraps {@code socket}, the stream to read from. */
    public LeanInputStream(InputStream socket) {
        this.socket = socket;
    }

    @Override
    public int read() throws IOException {
        if (pos == end && !refill()) {
            byte[] one = new byte[1];
            int n = socket.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }
        return buf[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos < end) {
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (len >= BUFFER_BYTES || !refill()) {
            return socket.read(b, off, len);
        }
        int n = Math.min(len, end - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * Fills the empty buffer if the socket has bytes waiting; otherwise drops it, and the caller
     * waits on the socket directly.
     *
     * @return whether the buffer now holds bytes
     */
    private boolean refill() throws IOException {
        int waiting = socket.available();
        if (waiting <= 0) {
            BufferPool.give(buf);
            buf = null;
            pos = end = 0;
            return false;
        }
        if (buf == null) {
            buf = BufferPool.take(BUFFER_BYTES);
        }
        int n = socket.read(buf, 0, BUFFER_BYTES);
        if (n <= 0) {
            // available() promised bytes; an end of stream or error surfaces on the direct read
            pos = end = 0;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /** Whether a buffer is allocated now; for tests. */
    public boolean holdsBuffer() {
        return buf != null;
    }

    @Override
    public int available() throws IOException {
        return (end - pos) + socket.available();
    }

    @Override
    public void close() throws IOException {
        buf = null;
        socket.close();
    }
}
