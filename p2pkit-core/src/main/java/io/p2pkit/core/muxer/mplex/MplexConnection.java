package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.muxer.scheduling.SendScheduler;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An mplex session over one connection. A virtual thread reads frames and delivers them into the
 * streams' bounded buffers without ever waiting on a reader; writers frame their data and write
 * it in their turn, which a {@link SendScheduler} gives by the streams' priorities, frame by
 * frame; resets go ahead at the largest weight. A protocol violation or the end of the connection
 * closes the session and resets every stream.
 */
final class MplexConnection implements MuxedConnection {
    private static final System.Logger LOG = LazyLogger.of(MplexConnection.class);

    /** Resets go out at the largest weight, ahead of queued data. */
    private static final StreamPriority RESET_PRIORITY = StreamPriority.weight(StreamPriority.MAX_WEIGHT);

    private final RawConnection raw;
    private final MplexConfig config;
    private final MemoryScope memory;
    private final InputStream in;
    private final OutputStream out;
    private final SendScheduler turn = new SendScheduler();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition acceptable = stateLock.newCondition();
    /** Streams this side opened, by ID. Guarded by stateLock. */
    private final Map<Long, MplexStream> outbound = new HashMap<>();
    /** Streams the remote opened, by ID. Guarded by stateLock. */
    private final Map<Long, MplexStream> inbound = new HashMap<>();
    /** Inbound streams not yet accepted. Guarded by stateLock. */
    private final ArrayDeque<MplexStream> pending = new ArrayDeque<>();
    private long nextId;
    private volatile boolean closed;
    private volatile IOException closeCause;

    MemoryScope memory() {
        return memory;
    }

    private MplexConnection(RawConnection raw, MplexConfig config, MemoryScope memory) {
        this.raw = raw;
        this.config = config;
        this.memory = memory;
        // the session owns the connection, so reading ahead into a buffer loses nothing
        this.in = new BufferedInputStream(raw.in(), 64 * 1024);
        this.out = raw.out();
    }

    static MplexConnection start(RawConnection raw, MplexConfig config, MemoryScope memory) {
        MplexConnection c = new MplexConnection(raw, config, memory);
        Thread.ofVirtual().name("mplex-reader").start(c::readLoop);
        return c;
    }

    @Override
    public MuxedStream openStream() throws IOException {
        MplexStream s;
        stateLock.lock();
        try {
            checkOpen();
            if (outbound.size() >= config.maxStreams()) {
                throw new IOException("too many outbound mplex streams (limit " + config.maxStreams() + ")");
            }
            long id = nextId++;
            s = new MplexStream(this, id, true, config.streamBufferBytes());
            outbound.put(id, s);
        } finally {
            stateLock.unlock();
        }
        // go-mplex and rust-libp2p name streams after their number
        try {
            writeFrame(s.id(), MplexFrame.NEW_STREAM, Long.toString(s.id()).getBytes(StandardCharsets.US_ASCII), s.flow());
        } catch (IOException e) {
            forget(s);
            throw e;
        }
        return s;
    }

    @Override
    public MuxedStream acceptStream() throws IOException {
        stateLock.lock();
        try {
            while (pending.isEmpty()) {
                if (closed) {
                    return null;
                }
                acceptable.await();
            }
            return pending.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting an mplex stream");
        } finally {
            stateLock.unlock();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        shutdown(null);
    }

    @Override
    public String toString() {
        return "MplexConnection[" + raw + (closed ? ", closed" : "") + "]";
    }

    SendScheduler scheduler() {
        return turn;
    }

    /**
     * Writes one or more frames carrying {@code data} (split at the frame size limit), each in
     * {@code flow}'s turn.
     *
     * @return false, having sent not all, when the flow was cancelled (the stream was reset)
     */
    boolean writeData(long id, int flag, byte[] data, int off, int len, SendScheduler.Flow flow) throws IOException {
        do {
            int n = Math.min(len, config.maxFrameBytes());
            if (!writeFrame(id, flag, data, off, n, flow)) {
                return false;
            }
            off += n;
            len -= n;
        } while (len > 0);
        return true;
    }

    /** Writes a frame in {@code flow}'s turn; false, having sent nothing, when the flow was cancelled. */
    boolean writeFrame(long id, int flag, byte[] data, SendScheduler.Flow flow) throws IOException {
        return writeFrame(id, flag, data, 0, data.length, flow);
    }

    /** Writes a reset (or refusal) ahead of queued data. */
    void writeReset(long id, int flag) throws IOException {
        writeFrame(id, flag, new byte[0], 0, 0, new SendScheduler.Flow(RESET_PRIORITY));
    }

    private boolean writeFrame(long id, int flag, byte[] data, int off, int len, SendScheduler.Flow flow)
            throws IOException {
        byte[] header = MplexFrame.header(id, flag, len);
        if (!turn.acquire(flow, header.length + len)) {
            return false;
        }
        try {
            checkOpen();
            out.write(header);
            if (len > 0) {
                out.write(data, off, len);
            }
            out.flush();
        } catch (IOException e) {
            if (closed) {
                throw closedException();
            }
            shutdown(e);
            throw e;
        } finally {
            turn.release();
        }
        return true;
    }

    /** Removes a stream that is done in both directions or reset. */
    void forget(MplexStream s) {
        stateLock.lock();
        try {
            Map<Long, MplexStream> map = s.openedLocally() ? outbound : inbound;
            map.remove(s.id(), s);
        } finally {
            stateLock.unlock();
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw closedException();
        }
    }

    private IOException closedException() {
        IOException cause = closeCause;
        return cause == null ? new IOException("mplex connection closed")
                : new IOException("mplex connection closed: " + cause.getMessage(), cause);
    }

    private void readLoop() {
        try {
            while (!closed) {
                MplexFrame frame = MplexFrame.read(in, config.maxFrameBytes());
                if (frame == null) {
                    shutdown(new EOFException("remote closed the connection"));
                    return;
                }
                dispatch(frame);
            }
        } catch (DecodeException e) {
            shutdown(new IOException("mplex protocol violation: " + e.getMessage(), e));
        } catch (IOException e) {
            shutdown(e);
        } catch (RuntimeException e) {
            shutdown(new IOException("mplex read loop failed", e));
            throw e;
        }
    }

    private void dispatch(MplexFrame frame) throws IOException {
        long id = frame.streamId();
        int flag = frame.flag();
        if (flag == MplexFrame.NEW_STREAM) {
            acceptNew(id, frame);
            return;
        }
        // even flags come from the side that opened the stream, odd ones from the side that accepted it
        boolean openedByRemote = flag % 2 == 0;
        MplexStream s;
        stateLock.lock();
        try {
            s = (openedByRemote ? inbound : outbound).get(id);
        } finally {
            stateLock.unlock();
        }
        if (s == null) {
            // a stream already reset or closed here; frames in flight are dropped, as go-mplex does
            return;
        }
        switch (flag) {
            case MplexFrame.MESSAGE_RECEIVER, MplexFrame.MESSAGE_INITIATOR -> {
                try {
                    if (!s.deliver(frame)) {
                        s.resetLocally("receive buffer of " + config.streamBufferBytes() + " bytes overflowed");
                    }
                } catch (ResourceLimitException e) {
                    s.resetLocally(e.getMessage(), e);
                }
            }
            case MplexFrame.CLOSE_RECEIVER, MplexFrame.CLOSE_INITIATOR -> s.remoteClosed();
            default -> s.remoteReset();
        }
    }

    private void acceptNew(long id, MplexFrame frame) throws IOException {
        boolean refuse;
        stateLock.lock();
        try {
            if (inbound.containsKey(id)) {
                throw new DecodeException("mplex stream", "remote opened stream " + id + " twice");
            }
            refuse = inbound.size() >= config.maxStreams();
            if (!refuse) {
                MplexStream s = new MplexStream(this, id, false, config.streamBufferBytes());
                s.name(new String(frame.data(), StandardCharsets.UTF_8));
                inbound.put(id, s);
                pending.add(s);
                acceptable.signalAll();
            }
        } finally {
            stateLock.unlock();
        }
        if (refuse) {
            writeReset(id, MplexFrame.RESET_RECEIVER);
        }
    }

    /** Closes the session once: the connection, every stream (reset) and waiting acceptors. */
    private void shutdown(IOException cause) {
        List<MplexStream> streams;
        stateLock.lock();
        try {
            if (closed) {
                return;
            }
            closeCause = cause;
            closed = true;
            streams = new ArrayList<>(outbound.values());
            streams.addAll(inbound.values());
            streams.addAll(pending);
            outbound.clear();
            inbound.clear();
            pending.clear();
            acceptable.signalAll();
        } finally {
            stateLock.unlock();
        }
        // closing the connection wakes a writer blocked on it, so the turn is not needed
        try {
            raw.close();
        } catch (IOException e) {
            // already failing; nothing more to release
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the connection under a failed mplex session: " + e);
        }
        String why = cause == null ? "mplex connection closed" : "mplex connection closed: " + cause.getMessage();
        for (MplexStream s : streams) {
            s.connectionClosed(why);
        }
    }
}
