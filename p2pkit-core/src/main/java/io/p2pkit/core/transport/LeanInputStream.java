package io.p2pkit.core.transport;

import io.p2pkit.core.buffer.BufferPool;
import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An input (a socket, or a secured connection) with a read buffer that exists only while it holds bytes. Small reads
 * (multistream messages, varints) are served from a buffer filled with one socket read; large
 * reads, and any read that would have to wait for the remote, go straight to the socket and
 * drop the empty buffer. An idle connection, whose reader is blocked waiting, so holds no buffer
 * (the layers above, Noise and TLS, read in large chunks and keep their own).
 *
 * <p>The buffer is reserved in a {@link MemoryScope} (the connection's resource span, set with
 * {@link #chargeTo} once it is known) while it is held. It only saves reads from the socket, so it
 * is reserved at {@link MemoryPriority#MEDIUM}: when refused, the stream reads straight from the
 * socket, and nothing else changes.
 *
 * <p>Not thread-safe: one reader at a time, as for any connection's input; {@link #close()} may
 * come from another thread.
 */
public final class LeanInputStream extends InputStream implements MemoryCharged {
    /** Enough for every negotiation message; a larger read bypasses the buffer anyway. */
    public static final int BUFFER_BYTES = 8 * 1024;

    private final InputStream socket;
    private final int bufferBytes;
    private volatile MemoryScope memory;
    /** The scope holding the buffer's reservation; taken by whoever gives it back first (reader or close). */
    private final AtomicReference<MemoryScope> reservedIn = new AtomicReference<>();
    private volatile boolean closed;
    private byte[] buf;
    private int pos;
    private int end;

    /** Wraps {@code socket}, the stream to read from, with the buffer charged nowhere until {@link #chargeTo}. */
    public LeanInputStream(InputStream socket) {
        this(socket, MemoryScope.UNLIMITED);
    }

    /** Wraps {@code socket}, reserving the buffer in {@code memory} while it is held. */
    public LeanInputStream(InputStream socket, MemoryScope memory) {
        this(socket, BUFFER_BYTES, memory);
    }

    /**
     * Wraps {@code socket} with a buffer of {@code bufferBytes} (reads of at least that many go
     * straight to the socket), charged nowhere until {@link #chargeTo}.
     */
    public LeanInputStream(InputStream socket, int bufferBytes) {
        this(socket, bufferBytes, MemoryScope.UNLIMITED);
    }

    private LeanInputStream(InputStream socket, int bufferBytes, MemoryScope memory) {
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("buffer must hold at least one byte");
        }
        this.socket = Objects.requireNonNull(socket, "socket");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.bufferBytes = bufferBytes;
    }

    /**
     * Charges the buffer to {@code memory} from its next use on (a buffer held now stays charged
     * where it was reserved). The upgrader calls this once the connection's span exists.
     */
    @Override
    public void chargeTo(MemoryScope memory) {
        this.memory = Objects.requireNonNull(memory, "memory");
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
        if (pos == end && (len >= bufferBytes || !refill())) {
            // a large read needs no buffer, nor does one that waits: do not hold an empty one. One
            // call site for the socket's read: C2 inlines its tree (locks, parking, waking) once per
            // site, and with three this was a fresh client's longest compilation
            dropBuffer();
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
        if (waiting <= 0 || closed) {
            dropBuffer();
            return false;
        }
        if (buf == null && !takeBuffer()) {
            return false; // no room for it: read straight from the socket
        }
        int n = socket.read(buf, 0, bufferBytes);
        if (n <= 0) {
            // available() promised bytes; an end of stream or error surfaces on the direct read
            pos = end = 0;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    private boolean takeBuffer() {
        MemoryScope scope = memory;
        byte[] taken = scope.tryTakeBuffer(bufferBytes, MemoryPriority.MEDIUM);
        if (taken == null) {
            return false;
        }
        buf = taken;
        reservedIn.set(scope);
        if (closed) {
            // closed meanwhile: close() may have missed this reservation
            dropBuffer();
            return false;
        }
        return true;
    }

    /** Gives the empty buffer back to the pool, and its reservation unless close() already did. */
    private void dropBuffer() {
        if (buf != null) {
            byte[] b = buf;
            buf = null;
            MemoryScope scope = reservedIn.getAndSet(null);
            BufferPool.give(b);
            if (scope != null) {
                scope.releaseMemory(b.length);
            }
        }
        pos = end = 0;
    }

    /**
     * The reader is done: gives back the buffer and its reservation, with any bytes still in it.
     * Only the reader may call this (a read loop as it ends), never concurrently with a read.
     */
    public void discardBuffer() {
        dropBuffer();
    }

    /** Whether a buffer is allocated now; for tests. */
    public boolean holdsBuffer() {
        return buf != null;
    }

    @Override
    public int available() throws IOException {
        return (end - pos) + socket.available();
    }

    /**
     * Closes the socket and releases the buffer's reservation. The array itself stays with the
     * reader, which may be copying from it on another thread; it goes to the garbage collector.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        MemoryScope scope = reservedIn.getAndSet(null);
        if (scope != null) {
            scope.releaseMemory(bufferBytes);
        }
        socket.close();
    }
}
