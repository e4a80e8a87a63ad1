package io.p2pkit.websocket;

import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a WebSocket connection as a byte stream. Bytes written are collected in a
 * bounded buffer and sent as one binary frame when the buffer fills or on {@link #flush()}, so
 * that each flush of an upper layer (a Noise frame, a yamux frame) becomes one WebSocket frame
 * written with one socket write. Clients mask every frame with a fresh random key (RFC 6455
 * section 5.3). Control frames go out under the same lock, between data frames.
 *
 * <p>The buffer exists only between a write and the flush that sends it, so an idle connection
 * holds none. It is reserved in the connection's {@link MemoryScope} (set with {@link #chargeTo}
 * once the span exists) at {@link MemoryPriority#ALWAYS}: without it nothing can be sent, so a
 * refusal fails the write with the limit error.
 */
final class FrameWriter extends OutputStream implements MemoryCharged {
    private final OutputStream out;
    private final boolean mask;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    /** Header room, then the payload being collected; null while nothing is collected. */
    private byte[] buf;
    private final int bufferBytes;
    private volatile MemoryScope memory = MemoryScope.UNLIMITED;
    /** The scope {@link #buf} is reserved in, which a later {@link #chargeTo} does not change. */
    private MemoryScope reservedIn;
    private int count;
    private boolean closeSent;

    /**
     * @param out         the socket's output
     * @param mask        true on the client side
     * @param bufferBytes the largest payload collected before a frame is sent
     */
    public FrameWriter(OutputStream out, boolean mask, int bufferBytes) {
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("buffer must hold at least one byte");
        }
        this.out = out;
        this.mask = mask;
        this.random = mask ? new SecureRandom() : null;
        this.bufferBytes = bufferBytes;
    }

    @Override
    public void chargeTo(MemoryScope memory) {
        this.memory = java.util.Objects.requireNonNull(memory, "memory");
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            checkOpen();
            if (len > 0 && buf == null) {
                MemoryScope scope = memory;
                buf = scope.takeBuffer(FrameHeader.MAX_BYTES + bufferBytes, MemoryPriority.ALWAYS);
                reservedIn = scope;
            }
            int capacity = bufferBytes;
            while (len > 0) {
                int n = Math.min(len, capacity - count);
                System.arraycopy(b, off, buf, FrameHeader.MAX_BYTES + count, n);
                count += n;
                off += n;
                len -= n;
                if (count == capacity) {
                    sendBuffered();
                }
            }
        } catch (IOException e) {
            // the socket failed: what was collected cannot be sent, and the buffer goes back
            count = 0;
            giveBuffer();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Sends what was written as one binary frame and flushes the socket. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (count > 0) {
                checkOpen();
                sendBuffered();
            }
            giveBuffer();
            out.flush();
        } catch (IOException e) {
            count = 0;
            giveBuffer();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Sends a pong answering a ping with {@code payload}; nothing once a close was sent. */
    public void pong(byte[] payload) throws IOException {
        lock.lock();
        try {
            if (!closeSent) {
                sendControl(Opcode.PONG, payload);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends a ping (a heartbeat; the peer answers with a pong). */
    public void ping(byte[] payload) throws IOException {
        lock.lock();
        try {
            checkOpen();
            sendControl(Opcode.PING, payload);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes buffered data and sends a close frame with {@code status} and {@code reason} (cut to
     * fit 125 bytes); afterwards writes fail. Does nothing when a close was already sent.
     */
    public void sendClose(int status, String reason) throws IOException {
        lock.lock();
        try {
            if (closeSent) {
                return;
            }
            if (count > 0) {
                sendBuffered();
            }
            giveBuffer();
            closeSent = true;
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            int rlen = Math.min(r.length, FrameHeader.MAX_CONTROL_PAYLOAD - 2);
            while (rlen > 0 && rlen < r.length && (r[rlen] & 0xC0) == 0x80) {
                rlen--; // never cut a UTF-8 sequence in half
            }
            byte[] payload = new byte[2 + rlen];
            payload[0] = (byte) (status >>> 8);
            payload[1] = (byte) status;
            System.arraycopy(r, 0, payload, 2, rlen);
            sendControl(Opcode.CLOSE, payload);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #sendClose} but gives up at once when another thread holds the write lock (a
     * writer blocked on a full socket): used when closing must not wait.
     */
    public boolean trySendClose(int status, String reason) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            sendClose(status, reason);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a close frame has been sent. */
    public boolean closeSent() {
        lock.lock();
        try {
            return closeSent;
        } finally {
            lock.unlock();
        }
    }

    /** Sends a close frame with status 1000 if none was sent; the socket stays open. */
    @Override
    public void close() throws IOException {
        sendClose(CloseStatus.NORMAL, "");
    }

    private void checkOpen() throws IOException {
        if (closeSent) {
            throw new IOException("WebSocket closed for writing");
        }
    }

    /** Hands the empty buffer back to the pool and its reservation to its scope. Lock held. */
    private void giveBuffer() {
        if (buf != null && count == 0) {
            reservedIn.giveBuffer(buf);
            buf = null;
            reservedIn = null;
        }
    }

    private void sendBuffered() throws IOException {
        FrameHeader h = header(Opcode.BINARY, count);
        if (h.masked()) {
            FrameHeader.mask(h.maskKey(), 0, buf, FrameHeader.MAX_BYTES, count);
        }
        int start = h.encodeBefore(buf, FrameHeader.MAX_BYTES);
        int end = FrameHeader.MAX_BYTES + count;
        count = 0;
        out.write(buf, start, end - start);
    }

    private void sendControl(Opcode op, byte[] payload) throws IOException {
        FrameHeader h = header(op, payload.length);
        byte[] frame = new byte[h.encodedLength() + payload.length];
        int at = h.encodeBefore(frame, h.encodedLength());
        System.arraycopy(payload, 0, frame, h.encodedLength(), payload.length);
        if (h.masked()) {
            FrameHeader.mask(h.maskKey(), 0, frame, h.encodedLength(), payload.length);
        }
        out.write(frame, at, frame.length);
        out.flush();
    }

    private FrameHeader header(Opcode op, int length) {
        int key = 0;
        if (mask) {
            key = random.nextInt();
        }
        return new FrameHeader(true, op, mask, key, length);
    }
}
