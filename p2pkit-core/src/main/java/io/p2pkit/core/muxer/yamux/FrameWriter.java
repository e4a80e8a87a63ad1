package io.p2pkit.core.muxer.yamux;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises frames onto the connection. Data frames are written on the caller's thread under
 * the write lock: pending control frames, the header and the payload are copied into one buffer
 * and written with a single write and flush. Control frames (window updates, pongs, resets) go
 * through a bounded queue and are written by whoever holds the lock next, so that the read loop
 * never blocks on a connection whose remote has stopped reading: a read loop stuck on a write
 * could deadlock two peers that both have full send buffers.
 */
final class FrameWriter {
    private static final int CONTROL_SLOTS = 64;

    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] buffer;
    private final int dataOffsetLimit;
    private final ConcurrentLinkedQueue<byte[]> control = new ConcurrentLinkedQueue<>();
    private final AtomicInteger controlSize = new AtomicInteger();
    private final int maxControl;
    private final FailureListener onFailure;
    private volatile boolean closed;

    /** Told once when writing fails; the session then shuts down. */
    interface FailureListener {
        void writeFailed(IOException e);
    }

    FrameWriter(OutputStream out, int maxFrameData, int maxControl, FailureListener onFailure) {
        this.out = out;
        this.dataOffsetLimit = CONTROL_SLOTS * FrameHeader.SIZE;
        this.buffer = new byte[dataOffsetLimit + FrameHeader.SIZE + maxFrameData];
        this.maxControl = maxControl;
        this.onFailure = onFailure;
    }

    /** Number of control frames waiting. */
    int controlBacklog() {
        return controlSize.get();
    }

    /**
     * Queues a control frame and writes it at once if nobody else holds the connection. Never
     * blocks on the connection.
     *
     * @return false when the backlog is full (or the writer is closed) and the frame was dropped
     */
    boolean sendControl(int type, int flags, int streamId, int length) {
        if (closed) {
            return false;
        }
        if (controlSize.incrementAndGet() > maxControl) {
            controlSize.decrementAndGet();
            return false;
        }
        byte[] frame = new byte[FrameHeader.SIZE];
        FrameHeader.write(frame, 0, type, flags, streamId, length);
        control.add(frame);
        drainIfFree();
        return true;
    }

    /** Writes one Data frame (plus any queued control frames) and flushes. Blocks on the connection. */
    void sendData(int flags, int streamId, byte[] data, int offset, int length) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("connection closed");
            }
            int pos = appendControl();
            FrameHeader.write(buffer, pos, FrameHeader.DATA, flags, streamId, length);
            pos += FrameHeader.SIZE;
            System.arraycopy(data, offset, buffer, pos, length);
            pos += length;
            out.write(buffer, 0, pos);
            out.flush();
        } catch (IOException e) {
            closed = true;
            onFailure.writeFailed(e);
            throw e;
        } finally {
            lock.unlock();
        }
        if (!control.isEmpty()) {
            drainIfFree();
        }
    }

    /**
     * Writes a last frame (GoAway) after whatever control frames are queued, waiting at most
     * {@code waitMillis} for the lock, then refuses further frames. Best effort: errors are ignored.
     */
    void sendFinal(int type, int flags, int length, long waitMillis) {
        boolean locked = false;
        try {
            locked = lock.tryLock(waitMillis, TimeUnit.MILLISECONDS);
            if (locked && !closed) {
                int pos = appendControl();
                while (!control.isEmpty() && pos > 0) {
                    out.write(buffer, 0, pos);
                    pos = appendControl();
                }
                FrameHeader.write(buffer, pos, type, flags, 0, length);
                out.write(buffer, 0, pos + FrameHeader.SIZE);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            closed = true;
            if (locked) {
                lock.unlock();
            }
        }
    }

    /** Refuses further frames; writes in progress fail once the connection is closed under them. */
    void close() {
        closed = true;
    }

    private void drainIfFree() {
        while (!control.isEmpty() && !closed && lock.tryLock()) {
            try {
                int pos = appendControl();
                if (pos > 0) {
                    out.write(buffer, 0, pos);
                    out.flush();
                }
            } catch (IOException e) {
                closed = true;
                onFailure.writeFailed(e);
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Moves queued control frames to the start of the buffer; returns the bytes used. Lock held. */
    private int appendControl() {
        int pos = 0;
        byte[] frame;
        while (pos < dataOffsetLimit && (frame = control.poll()) != null) {
            controlSize.decrementAndGet();
            System.arraycopy(frame, 0, buffer, pos, FrameHeader.SIZE);
            pos += FrameHeader.SIZE;
        }
        return pos;
    }
}
