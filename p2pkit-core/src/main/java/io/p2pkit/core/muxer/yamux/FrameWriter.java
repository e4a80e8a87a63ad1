package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.muxer.scheduling.SendScheduler;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serialises frames onto the connection.
 *
 * <p>Data frames are written on the caller's thread while it holds the turn: pending control
 * frames, the header and a small payload are copied into one buffer and go out with one write;
 * a payload of {@link #DIRECT_DATA} bytes or more follows its header in a second write, straight
 * from the caller's array. A call flushes once. The buffer exists only during the write and is
 * reserved in the connection's {@link MemoryScope} first, at {@link MemoryPriority#ALWAYS}; a
 * refusal fails that write with the limit error and leaves the connection as it was.
 *
 * <p>Control frames (window updates, pongs, resets, GoAway) go through a bounded queue. An
 * application thread that queues one writes the queue itself if the turn is free; the read loop
 * never writes, it hands the queue to a small flusher thread instead. The read loop must never
 * block on the connection: if both peers' read loops waited for their full send buffers, neither
 * would read again and the connection would deadlock.
 *
 * <p>The turn is a {@link SendScheduler}: when several streams' writes wait, the flusher goes
 * first and then the writes in weighted fair order by their streams' priorities. Every holder
 * writes the queued control frames before its data, so control frames never wait behind data.
 */
final class FrameWriter {
    private static final int CONTROL_SLOTS = 64;
    /**
     * Payloads of at least this many bytes are written from the caller's array after their
     * header, in a second write; smaller ones are copied behind the header so that a small
     * message stays one write (one TLS record, one socket write).
     */
    static final int DIRECT_DATA = 8 * 1024;

    private final OutputStream out;
    private final MemoryScope memory;
    private final SendScheduler turn = new SendScheduler();
    /** Only while a write is under way, so idle connections hold no buffer. */
    private byte[] buffer;
    private final int controlLimit;
    private final ConcurrentLinkedQueue<byte[]> control = new ConcurrentLinkedQueue<>();
    private final AtomicInteger controlSize = new AtomicInteger();
    private final int maxControl;
    private final int maxFrameData;
    private final FailureListener onFailure;
    private final Semaphore wake = new Semaphore(0);
    private final Thread flusher;
    private volatile boolean closed;

    /** Told when writing fails; the session then shuts down. */
    interface FailureListener {
        void writeFailed(IOException e);
    }

    FrameWriter(OutputStream out, MemoryScope memory, int maxFrameData, int maxControl, String name,
                FailureListener onFailure) {
        this.out = out;
        this.memory = memory;
        this.controlLimit = CONTROL_SLOTS * FrameHeader.SIZE;
        this.maxFrameData = maxFrameData;
        this.maxControl = maxControl;
        this.onFailure = onFailure;
        this.flusher = Thread.ofVirtual().name(name).unstarted(this::runFlusher);
    }

    void start() {
        flusher.start();
    }

    Thread flusherThread() {
        return flusher;
    }

    /** Number of control frames waiting. */
    int controlBacklog() {
        return controlSize.get();
    }

    /**
     * Queues a control frame. With {@code inline} the caller writes the queue itself when nobody
     * else holds the connection (and may then block on it); otherwise the flusher thread does.
     *
     * @return false when the backlog is full (or the writer is closed) and the frame was dropped
     */
    boolean sendControl(int type, int flags, int streamId, int length, boolean inline) {
        if (closed) {
            return false;
        }
        if (controlSize.incrementAndGet() > maxControl) {
            controlSize.decrementAndGet();
            return false;
        }
        enqueue(type, flags, streamId, length);
        if (inline) {
            drainIfFree();
        } else {
            wake.release();
        }
        return true;
    }

    private void enqueue(int type, int flags, int streamId, int length) {
        byte[] frame = new byte[FrameHeader.SIZE];
        FrameHeader.write(frame, 0, type, flags, streamId, length);
        control.add(frame);
    }

    /** The scheduler of this connection's writes, where streams keep their priorities. */
    SendScheduler scheduler() {
        return turn;
    }

    /**
     * Writes {@code length} bytes as Data frames of at most the configured size (after any
     * queued control frames) and flushes once. {@code flags} go on the first frame only. Waits
     * for the stream's turn ({@code flow}'s priority), then blocks on the connection.
     *
     * @return false, having sent nothing, when the stream's flow was cancelled (the stream failed)
     */
    boolean sendData(SendScheduler.Flow flow, int flags, int streamId, byte[] data, int offset, int length)
            throws IOException {
        if (!turn.acquire(flow, length)) {
            return false;
        }
        try {
            if (closed) {
                throw new IOException("connection closed");
            }
            // before the try below: a refusal fails this write only, not the connection
            buffer = memory.takeBuffer(controlLimit + FrameHeader.SIZE + Math.min(maxFrameData, DIRECT_DATA),
                    MemoryPriority.ALWAYS);
        } catch (IOException e) {
            turn.release();
            throw e;
        }
        try {
            int pos = appendControl();
            while (pos == controlLimit && !control.isEmpty()) {
                // More control frames than fit: they were queued first, so they go out first.
                out.write(buffer, 0, pos);
                pos = appendControl();
            }
            int maxFrame = maxFrameData;
            do {
                int n = Math.min(length, maxFrame);
                FrameHeader.write(buffer, pos, FrameHeader.DATA, flags, streamId, n);
                pos += FrameHeader.SIZE;
                if (n >= DIRECT_DATA) {
                    // Large payloads go from the caller's array: Noise encrypts them from there,
                    // sealing the header and the payload's start as one message.
                    out.write(buffer, 0, pos);
                    out.write(data, offset, n);
                } else {
                    System.arraycopy(data, offset, buffer, pos, n);
                    out.write(buffer, 0, pos + n);
                }
                flags = 0;
                pos = 0;
                offset += n;
                length -= n;
            } while (length > 0);
            out.flush();
        } catch (IOException e) {
            fail(e);
            throw e;
        } finally {
            memory.giveBuffer(buffer);
            buffer = null;
            turn.release();
        }
        if (!control.isEmpty()) {
            drainIfFree();
        }
        return true;
    }

    /**
     * Refuses further frames, lets the flusher write what is queued plus a last frame (GoAway,
     * when {@code type >= 0}), and waits up to {@code waitMillis} for it. The caller then closes
     * the connection, which also frees a flusher stuck on a remote that does not read.
     */
    void finish(int type, int length, long waitMillis) {
        if (closed) {
            return;
        }
        if (type >= 0) {
            enqueue(type, 0, 0, length);
        }
        closed = true;
        wake.release();
        if (Thread.currentThread() != flusher) {
            try {
                flusher.join(java.time.Duration.ofMillis(waitMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the flusher without waiting; used once the connection is already gone. */
    void close() {
        closed = true;
        wake.release();
    }

    private void runFlusher() {
        while (true) {
            wake.acquireUninterruptibly();
            wake.drainPermits();
            boolean last = closed;
            turn.acquireControl();
            try {
                writeQueued();
            } catch (IOException e) {
                fail(e);
                return;
            } finally {
                turn.release();
            }
            if (last) {
                return;
            }
        }
    }

    private void drainIfFree() {
        while (!control.isEmpty() && !closed && turn.tryAcquire()) {
            try {
                writeQueued();
            } catch (IOException e) {
                fail(e);
                return;
            } finally {
                turn.release();
            }
        }
    }

    /** Writes and flushes every queued control frame. Turn held. */
    private void writeQueued() throws IOException {
        buffer = new byte[controlLimit];
        try {
            writeQueuedInto();
        } finally {
            buffer = null;
        }
    }

    private void writeQueuedInto() throws IOException {
        int pos;
        boolean wrote = false;
        while ((pos = appendControl()) > 0) {
            out.write(buffer, 0, pos);
            wrote = true;
        }
        if (wrote) {
            out.flush();
        }
    }

    private void fail(IOException e) {
        boolean first = !closed;
        closed = true;
        wake.release();
        if (first) {
            onFailure.writeFailed(e);
        }
    }

    /** Moves queued control frames to the start of the buffer; returns the bytes used. Turn held. */
    private int appendControl() {
        int pos = 0;
        byte[] frame;
        while (pos < controlLimit && (frame = control.poll()) != null) {
            controlSize.decrementAndGet();
            System.arraycopy(frame, 0, buffer, pos, FrameHeader.SIZE);
            pos += FrameHeader.SIZE;
        }
        return pos;
    }
}
