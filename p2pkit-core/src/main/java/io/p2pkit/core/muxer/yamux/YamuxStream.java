package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.muxer.scheduling.SendScheduler;
import io.p2pkit.core.resource.ResourceLimitException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One yamux stream.
 *
 * <h2>Receive window and its automatic growth</h2>
 * The remote may send as many bytes as the credit we have granted ({@code remoteCredit}); frames
 * land in a queue of chunks and credit comes back only when the application has read them. Read
 * bytes are counted in {@code unCredited} and returned in one WindowUpdate once they reach half of
 * the receive window, not per read.
 *
 * <p>The window grows like go-yamux's: each time an update is due we look at how long ago the
 * previous update went out (the start of the current "epoch"). If the application consumed half
 * a window in less than four round-trip times, the window, not the application, is what limits
 * throughput (the bandwidth-delay product exceeds it), so the window doubles, up to
 * {@link YamuxConfig#maxStreamWindow()}, and the extra credit rides on the same update. The
 * round-trip time is the session's smoothed ping RTT ({@link YamuxSession#rttNanos()}), but at
 * least {@link #MIN_GROWTH_RTT_NANOS}; until a ping has been answered nothing grows. A slow reader
 * never causes growth, so memory goes only to streams that can use it.
 *
 * <h2>Opening and closing</h2>
 * An opened stream sends its SYN with its first frame: the first data, a FIN, or, if the
 * application reads first, a WindowUpdate sent before the read waits. An accepted stream sends
 * its ACK when the application accepts it. {@link #close()} is go-yamux's Close: it sends FIN and
 * stops reading. Unlike go, which leaves the remote's writer stalled once the window is used up,
 * data arriving after close is dropped and its credit returned at once, so the remote can finish
 * writing and send its own FIN; no RST is sent, since the remote did nothing wrong.
 */
public final class YamuxStream implements MuxedStream {
    /**
     * The least round-trip time window growth assumes. Credit comes back only when the reading
     * thread has run, so the loop the window must cover is the ping RTT plus that thread's
     * scheduling delay; on loopback the ping RTT is tens of microseconds while a busy machine
     * delays a woken reader by milliseconds, and a window sized for the ping alone stalls the
     * sender (seen as upload running at a third of download in the perf benchmark).
     */
    static final long MIN_GROWTH_RTT_NANOS = 1_000_000L;
    /**
     * The memory priority of window growth, go-yamux's: growth is optional, so it stops once the
     * connection's scope is about half full, leaving the rest for new streams and frame buffers.
     */
    static final int GROWTH_PRIORITY = 128;

    private final YamuxSession session;
    private final int id;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    /** Serialises writers of this stream so frames of one write stay in order. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ArrayDeque<DataChunk> chunks = new ArrayDeque<>();
    private final Input input = new Input();
    private final Output output = new Output();
    /** This stream's place in the connection's send scheduler (its priority). */
    private final SendScheduler.Flow flow = new SendScheduler.Flow();

    // All below guarded by lock.
    private int headOffset;
    private long buffered;
    /** Admitted by the read loop but not yet delivered: neither remote credit nor buffered. */
    private long inFlight;
    private long remoteCredit = YamuxConfig.SPEC_INITIAL_WINDOW;
    private long unCredited;
    private long recvWindow;
    private long epochStart;
    private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;
    private int pendingFlags;
    private boolean remoteFin;
    private boolean readClosed;
    private boolean writeClosed;
    private boolean finished;
    private IOException error;
    /** Bytes of window growth reserved in the session's memory scope; -1 once released. */
    private long reservedWindow;

    YamuxStream(YamuxSession session, int id, boolean outbound, int initialWindow, long now) {
        this.session = session;
        this.id = id;
        this.recvWindow = initialWindow;
        // As in go-yamux, the initial window is not reserved (the stream limits bound it); only growth is.
        this.reservedWindow = 0;
        this.epochStart = now;
        this.pendingFlags = outbound ? FrameHeader.SYN : FrameHeader.ACK;
    }

    @Override
    public long id() {
        return Integer.toUnsignedLong(id);
    }

    int rawId() {
        return id;
    }

    @Override
    public InputStream in() {
        return input;
    }

    @Override
    public OutputStream out() {
        return output;
    }

    /** The current receive window of this stream in bytes (grows automatically, see the class comment). */
    public long receiveWindow() {
        lock.lock();
        try {
            return recvWindow;
        } finally {
            lock.unlock();
        }
    }

    /** The credit the remote has granted us and we have not used yet. */
    public long sendWindow() {
        lock.lock();
        try {
            return sendWindow;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets this stream's share of the connection under contention; also moves a write of it that
     * waits for its turn now. See {@link StreamPriority}.
     */
    @Override
    public void setPriority(StreamPriority priority) {
        session.sendScheduler().setPriority(flow, priority);
    }

    @Override
    public StreamPriority priority() {
        return flow.priority();
    }

    SendScheduler.Flow flow() {
        return flow;
    }

    // ---------------------------------------------------------------- application side

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        int updateFlags = 0;
        long delta = 0;
        if (synPending()) {
            announce();
        }
        lock.lock();
        try {
            while (buffered == 0 && error == null && !remoteFin && !readClosed) {
                readable.awaitUninterruptibly();
            }
            if (readClosed) {
                throw new IOException("stream " + id() + " closed for reading");
            }
            if (buffered == 0) {
                if (error != null) {
                    throw copy(error);
                }
                return -1;
            }
            n = 0;
            while (n < len && !chunks.isEmpty()) {
                DataChunk head = chunks.peekFirst();
                int take = Math.min(len - n, head.length() - headOffset);
                System.arraycopy(head.bytes(), headOffset, b, off + n, take);
                n += take;
                headOffset += take;
                if (headOffset == head.length()) {
                    chunks.pollFirst().release();
                    headOffset = 0;
                }
            }
            buffered -= n;
            unCredited += n;
            if (unCredited >= recvWindow / 2 && !remoteFin && error == null) {
                // The SYN went out before any data could arrive; an ACK may still be owed.
                updateFlags = pendingFlags & FrameHeader.ACK;
                pendingFlags &= ~FrameHeader.ACK;
                delta = grantLocked(updateFlags == 0);
            }
        } finally {
            lock.unlock();
        }
        if (delta > 0 || updateFlags != 0) {
            session.sendWindowUpdate(id, updateFlags, delta);
        }
        return n;
    }

    private boolean synPending() {
        lock.lock();
        try {
            return (pendingFlags & FrameHeader.SYN) != 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the SYN of a lazily opened stream before its reader waits: the remote must learn the
     * stream exists. Under the write lock, so that a concurrent first write cannot overtake it;
     * when a writer holds that lock, the writer sends the SYN instead.
     */
    private void announce() {
        // A writer of this stream that holds the write lock takes the pending SYN into its own
        // frame, and it may be waiting for credit that only our reading will free: never wait for
        // it here (that was a deadlock between a stream's reader and its blocked writer).
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            int flags;
            long delta;
            lock.lock();
            try {
                if ((pendingFlags & FrameHeader.SYN) == 0 || error != null || buffered > 0) {
                    return;
                }
                flags = pendingFlags;
                pendingFlags = 0;
                delta = grantLocked(false);
            } finally {
                lock.unlock();
            }
            session.sendWindowUpdate(id, flags, delta);
        } finally {
            writeLock.unlock();
        }
    }

    /** Computes the credit to send now, growing the window if it limits throughput. Lock held. */
    private long grantLocked(boolean mayGrow) {
        long now = session.nanoTime();
        long rtt = session.rttNanos();
        if (mayGrow && rtt > 0 && now - epochStart < Math.max(rtt, MIN_GROWTH_RTT_NANOS) * 4
                && recvWindow < session.config().maxStreamWindow() && reservedWindow >= 0) {
            long grown = Math.min(recvWindow * 2, session.config().maxStreamWindow());
            // Over the memory limit the window simply stays: slower, but nothing breaks.
            if (session.memory().tryReserveMemory(grown - recvWindow, GROWTH_PRIORITY)) {
                reservedWindow += grown - recvWindow;
                recvWindow = grown;
            }
        }
        epochStart = now;
        long delta = recvWindow - remoteCredit - buffered - inFlight;
        if (delta < 0) {
            delta = 0;
        }
        remoteCredit += delta;
        unCredited = 0;
        return delta;
    }

    private int available() throws IOException {
        lock.lock();
        try {
            if (error != null && buffered == 0) {
                throw copy(error);
            }
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        // Up to four frames per turn on the connection: fewer lock hand-offs and flushes, while
        // other streams still get a turn every few hundred KiB.
        long maxBatch = 4L * session.config().maxFrameData();
        writeLock.lock();
        try {
            while (len > 0) {
                int n;
                int flags;
                lock.lock();
                try {
                    while (sendWindow == 0 && error == null && !writeClosed) {
                        writable.awaitUninterruptibly();
                    }
                    if (error != null) {
                        throw copy(error);
                    }
                    if (writeClosed) {
                        throw new IOException("stream " + id() + " closed for writing");
                    }
                    n = (int) Math.min(Math.min(len, sendWindow), maxBatch);
                    sendWindow -= n;
                    flags = pendingFlags;
                    pendingFlags = 0;
                } finally {
                    lock.unlock();
                }
                boolean sent;
                try {
                    sent = session.sendData(this, flags, b, off, n);
                } catch (ResourceLimitException e) {
                    // nothing was sent: the credit and the flags (a SYN) stay for a later write
                    lock.lock();
                    try {
                        sendWindow += n;
                        pendingFlags |= flags;
                    } finally {
                        lock.unlock();
                    }
                    throw e;
                }
                if (!sent) {
                    // the stream failed while this write waited for its turn
                    lock.lock();
                    try {
                        throw copy(error);
                    } finally {
                        lock.unlock();
                    }
                }
                off += n;
                len -= n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Half-closes. A writer waiting for credit on another thread fails at once; a frame already
     * on its way goes out before the FIN.
     */
    @Override
    public void closeWrite() throws IOException {
        lock.lock();
        try {
            if (writeClosed || error != null) {
                return;
            }
            writeClosed = true;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        boolean done;
        writeLock.lock();
        try {
            int flags;
            lock.lock();
            try {
                if (error != null) {
                    return;
                }
                flags = pendingFlags | FrameHeader.FIN;
                pendingFlags = 0;
                done = remoteFin && !finished;
                if (done) {
                    finished = true;
                }
            } finally {
                lock.unlock();
            }
            session.sendWindowUpdate(id, flags, 0);
        } finally {
            writeLock.unlock();
        }
        if (done) {
            session.streamFinished(this);
        }
    }

    /** Stops reading: buffered and later data is discarded, its credit returned so the remote is not stalled. */
    private void closeRead() {
        long delta = 0;
        lock.lock();
        try {
            if (readClosed) {
                return;
            }
            if (error != null) { // the data a remote sent before its reset, unread: given back
                dropChunksLocked();
                headOffset = 0;
                buffered = 0;
                return;
            }
            readClosed = true;
            dropChunksLocked();
            headOffset = 0;
            unCredited += buffered;
            buffered = 0;
            if (!remoteFin && unCredited > 0 && (pendingFlags & FrameHeader.SYN) == 0) {
                delta = grantLocked(false);
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (delta > 0) {
            session.sendWindowUpdate(id, 0, delta);
        }
    }

    @Override
    public void reset() {
        boolean tell;
        lock.lock();
        try {
            if (error != null || finished) {
                dropChunksLocked(); // what a remote reset left readable
                headOffset = 0;
                buffered = 0;
                return;
            }
            tell = (pendingFlags & FrameHeader.SYN) == 0;
            failLocked(new StreamResetException("stream " + id() + " reset locally", false));
        } finally {
            lock.unlock();
        }
        if (tell) {
            session.sendWindowUpdate(id, FrameHeader.RST, 0);
        }
        session.streamFinished(this);
    }

    @Override
    public void close() throws IOException {
        closeRead();
        try {
            closeWrite();
        } catch (IOException e) {
            if (!session.isClosed()) {
                throw e;
            }
        }
    }

    /**
     * Sends the ACK owed to the remote for an accepted inbound stream, with any credit beyond the
     * spec's initial window. Does nothing if already sent or the stream is already reset.
     */
    void acknowledge() {
        long delta;
        lock.lock();
        try {
            if ((pendingFlags & FrameHeader.ACK) == 0 || error != null) {
                return;
            }
            pendingFlags &= ~FrameHeader.ACK;
            delta = grantLocked(false);
        } finally {
            lock.unlock();
        }
        session.sendWindowUpdate(id, FrameHeader.ACK, delta);
    }

    // ---------------------------------------------------------------- read-loop side

    /**
     * Checks a Data frame of {@code length} bytes against the credit granted. Called by the read
     * loop before it reads the payload.
     *
     * @return false when the remote exceeded the window (a protocol error)
     */
    boolean admit(long length) {
        lock.lock();
        try {
            if (length > remoteCredit) {
                return false;
            }
            remoteCredit -= length;
            inFlight += length;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Appends a payload admitted by {@link #admit}; returns false if the remote wrote after its FIN. */
    boolean deliver(DataChunk chunk) {
        long delta = 0;
        boolean ok = true;
        lock.lock();
        try {
            inFlight -= chunk.length();
            if (remoteFin) {
                ok = false;
                chunk.release();
            } else if (error != null || readClosed) {
                // Nobody will read it: hand the credit straight back.
                unCredited += chunk.length();
                chunk.release();
                if (error == null && unCredited >= recvWindow / 2 && (pendingFlags & FrameHeader.SYN) == 0) {
                    delta = grantLocked(false);
                }
            } else {
                chunks.addLast(chunk);
                buffered += chunk.length();
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (delta > 0) {
            session.sendWindowUpdate(id, 0, delta);
        }
        return ok;
    }

    /**
     * Adds send credit from a WindowUpdate.
     *
     * @return false when the window would exceed 2^32 - 1 (a protocol error)
     */
    boolean addCredit(long delta) {
        if (delta == 0) {
            return true;
        }
        lock.lock();
        try {
            if (sendWindow + delta > 0xFFFF_FFFFL) {
                return false;
            }
            sendWindow += delta;
            writable.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The remote half-closed; returns true if the stream is now finished in both directions. */
    boolean remoteFinished() {
        lock.lock();
        try {
            if (remoteFin || error != null) {
                return false;
            }
            remoteFin = true;
            readable.signalAll();
            if (writeClosed && !finished) {
                finished = true;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The remote reset the stream. What it sent before the reset stays readable, and reads fail
     * with the reset after it, as rust-yamux does: rust-libp2p drops a stream right after its last
     * message (libp2p-dcutr sends SYNC and drops the stream RTT/2 later), and that drop is a reset.
     */
    void remoteReset() {
        lock.lock();
        try {
            if (error == null && !finished) {
                failLocked(new StreamResetException("stream " + id() + " reset by remote", true), true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives the reserved receive window back to the session's memory scope, once. */
    void releaseWindowMemory() {
        long release;
        lock.lock();
        try {
            release = reservedWindow;
            reservedWindow = -1;
        } finally {
            lock.unlock();
        }
        if (release > 0) {
            session.memory().releaseMemory(release);
        }
    }

    /** The receive window bytes reserved in the memory scope now (0 once released). */
    long reservedWindow() {
        lock.lock();
        try {
            return Math.max(0, reservedWindow);
        } finally {
            lock.unlock();
        }
    }

    /** Fails the stream with {@code e} and wakes every waiting reader and writer. */
    void fail(IOException e) {
        lock.lock();
        try {
            // A stream that finished cleanly keeps its unread data readable.
            if (error == null && !finished) {
                failLocked(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops unread payloads, giving their arrays back. Caller holds {@code lock}. */
    private void dropChunksLocked() {
        for (DataChunk c : chunks) {
            c.release();
        }
        chunks.clear();
    }

    private void failLocked(IOException e) {
        failLocked(e, false);
    }

    /** Fails the stream; {@code keepUnread}: reads get the data already here before {@code e}. */
    private void failLocked(IOException e, boolean keepUnread) {
        error = e;
        finished = true;
        // a write waiting for its turn would send data of a dead stream: it fails instead
        session.sendScheduler().cancel(flow);
        if (!keepUnread) {
            dropChunksLocked();
            headOffset = 0;
            buffered = 0;
        }
        readable.signalAll();
        writable.signalAll();
    }

    private static IOException copy(IOException e) {
        // A fresh exception per throw, so each caller gets its own stack trace.
        IOException c;
        if (e instanceof StreamResetException r) {
            c = new StreamResetException(r.getMessage(), r.byRemote());
        } else {
            c = new IOException(e.getMessage());
        }
        c.initCause(e.getCause());
        return c;
    }

    @Override
    public String toString() {
        return "YamuxStream[" + id() + "]";
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = YamuxStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return YamuxStream.this.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return YamuxStream.this.available();
        }

        @Override
        public void close() {
            closeRead();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            YamuxStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            YamuxStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
