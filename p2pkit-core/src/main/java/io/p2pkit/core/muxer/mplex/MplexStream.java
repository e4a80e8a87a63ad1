package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.muxer.scheduling.SendScheduler;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.ResourceLimitException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One mplex stream. Received data waits in a bounded queue of frames until read; the flags this
 * side sends depend on whether it opened the stream (initiator flags) or accepted it.
 */
final class MplexStream implements MuxedStream {
    private final MplexConnection connection;
    private final long id;
    private final boolean openedLocally;
    private final int bufferLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile String name = "";
    /** Read position in the first chunk. Guarded by lock. */
    private int headOffset;
    /** Unread bytes across chunks. Guarded by lock. */
    private int buffered;
    private boolean remoteWriteClosed;
    private boolean localReadClosed;
    private volatile boolean localWriteClosed;
    private volatile StreamResetException reset;
    /** This stream's place in the connection's send scheduler (its priority). */
    private final SendScheduler.Flow flow = new SendScheduler.Flow();

    MplexStream(MplexConnection connection, long id, boolean openedLocally, int bufferLimit) {
        this.connection = connection;
        this.id = id;
        this.openedLocally = openedLocally;
        this.bufferLimit = bufferLimit;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void setPriority(StreamPriority priority) {
        connection.scheduler().setPriority(flow, priority);
    }

    @Override
    public StreamPriority priority() {
        return flow.priority();
    }

    SendScheduler.Flow flow() {
        return flow;
    }

    /** The name the opener gave the stream (its number, for go and rust peers). */
    String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
    }

    boolean openedLocally() {
        return openedLocally;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeWrite() throws IOException {
        if (localWriteClosed || reset != null) {
            return;
        }
        localWriteClosed = true;
        // in the stream's own turn, so that the close cannot overtake a write still queued
        if (!connection.writeFrame(id, openedLocally ? MplexFrame.CLOSE_INITIATOR : MplexFrame.CLOSE_RECEIVER,
                new byte[0], flow)) {
            return; // reset meanwhile
        }
        forgetIfDone();
    }

    @Override
    public void reset() throws IOException {
        if (!markReset(new StreamResetException("stream " + id + " was reset locally", false))) {
            return;
        }
        connection.forget(this);
        if (!connection.isClosed()) {
            connection.writeReset(id, openedLocally ? MplexFrame.RESET_INITIATOR : MplexFrame.RESET_RECEIVER);
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            localReadClosed = true;
            discardBufferedLocked();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (reset == null && !connection.isClosed()) {
            closeWrite();
        }
        forgetIfDone();
    }

    @Override
    public String toString() {
        return "MplexStream[" + id + (openedLocally ? " outbound" : " inbound") + "]";
    }

    /**
     * Buffers a data frame, reserving its bytes in the connection's memory scope until they are
     * read; false if that would overflow the receive buffer. Called by the read loop.
     *
     * @throws ResourceLimitException when the memory limit refuses the payload (at
     *                                {@link MemoryPriority#HIGH}, so Noise's frame buffers still fit)
     */
    boolean deliver(MplexFrame frame) throws ResourceLimitException {
        byte[] data = frame.payload();
        lock.lock();
        try {
            if (reset != null || localReadClosed || remoteWriteClosed || data.length == 0) {
                // unread data of a closed reader is discarded; data after the remote's close is ignored
                return true;
            }
            if (data.length > bufferLimit - buffered) {
                return false;
            }
            connection.memory().reserveMemory(data.length, MemoryPriority.HIGH);
            chunks.add(data);
            buffered += data.length;
            readable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The remote half-closed: reads end after the buffered data. Called by the read loop. */
    void remoteClosed() {
        lock.lock();
        try {
            remoteWriteClosed = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        forgetIfDone();
    }

    /** The remote reset the stream. Called by the read loop. */
    void remoteReset() {
        if (markReset(new StreamResetException("stream " + id + " was reset by the remote", true))) {
            connection.forget(this);
        }
    }

    /** This side gives up on the stream (e.g. its buffer overflowed) and tells the remote. */
    void resetLocally(String why) throws IOException {
        resetLocally(why, null);
    }

    /** As {@link #resetLocally(String)}, keeping {@code cause} (a local resource limit) as the reset's cause. */
    void resetLocally(String why, Throwable cause) throws IOException {
        StreamResetException e = new StreamResetException("stream " + id + " reset: " + why, false);
        if (cause != null) {
            e.initCause(cause);
        }
        if (markReset(e)) {
            connection.forget(this);
            connection.writeReset(id, openedLocally ? MplexFrame.RESET_INITIATOR : MplexFrame.RESET_RECEIVER);
        }
    }

    /** The session ended; the stream is reset without telling anyone. */
    void connectionClosed(String why) {
        markReset(new StreamResetException("stream " + id + " reset: " + why, false));
    }

    /** Records the reset once and wakes readers; true if this call did it. */
    private boolean markReset(StreamResetException e) {
        lock.lock();
        try {
            if (reset != null) {
                return false;
            }
            reset = e;
            // a write waiting for its turn fails instead of sending data of a dead stream
            connection.scheduler().cancel(flow);
            discardBufferedLocked();
            readable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops unread data and gives its reservation back. Lock held. */
    private void discardBufferedLocked() {
        chunks.clear();
        headOffset = 0;
        if (buffered > 0) {
            connection.memory().releaseMemory(buffered);
        }
        buffered = 0;
    }

    private void forgetIfDone() {
        boolean done;
        lock.lock();
        try {
            // done when nothing more goes out and nothing more will be read
            done = localWriteClosed && (localReadClosed || (remoteWriteClosed && buffered == 0));
        } finally {
            lock.unlock();
        }
        if (done) {
            connection.forget(this);
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n;
        boolean drained;
        lock.lock();
        try {
            while (buffered == 0) {
                if (reset != null) {
                    throw reset;
                }
                if (localReadClosed) {
                    throw new IOException("stream " + id + " closed for reading");
                }
                if (remoteWriteClosed) {
                    return -1;
                }
                readable.await();
            }
            if (reset != null) {
                throw reset;
            }
            n = 0;
            while (n < len && !chunks.isEmpty()) {
                byte[] head = chunks.peek();
                int take = Math.min(len - n, head.length - headOffset);
                System.arraycopy(head, headOffset, b, off + n, take);
                n += take;
                headOffset += take;
                if (headOffset == head.length) {
                    chunks.poll();
                    headOffset = 0;
                }
            }
            buffered -= n;
            drained = buffered == 0;
            connection.memory().releaseMemory(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading mplex stream " + id);
        } finally {
            lock.unlock();
        }
        if (drained) {
            forgetIfDone();
        }
        return n;
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        StreamResetException r = reset;
        if (r != null) {
            throw r;
        }
        if (localWriteClosed) {
            throw new IOException("stream " + id + " is closed for writing");
        }
        if (len == 0) {
            return;
        }
        if (!connection.writeData(id, openedLocally ? MplexFrame.MESSAGE_INITIATOR : MplexFrame.MESSAGE_RECEIVER,
                b, off, len, flow)) {
            throw reset;
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = MplexStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return MplexStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return buffered;
            } finally {
                lock.unlock();
            }
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            MplexStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            MplexStream.this.write(b, off, len);
        }

        /** Half-closes the stream. */
        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
