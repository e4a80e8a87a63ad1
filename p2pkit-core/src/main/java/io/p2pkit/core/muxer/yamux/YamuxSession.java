package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.muxer.scheduling.SendScheduler;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.LeanInputStream;
import io.p2pkit.core.transport.RawConnection;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A yamux session over one {@link RawConnection}. One virtual thread reads frames and delivers
 * payloads straight into the streams' buffers; writes run on the callers' threads (see
 * {@link FrameWriter}). Any protocol violation by the remote sends GoAway (protocol error) and
 * closes the session; every stream then fails with a {@link StreamResetException} whose cause is
 * a {@link YamuxException} naming the reason.
 */
public final class YamuxSession implements MuxedConnection {
    private static final System.Logger LOG = LazyLogger.of(YamuxSession.class);

    private static final Object CLOSED_MARKER = new Object();
    private static final int MAX_PENDING_PINGS = 32;
    /** How long close() waits for a busy connection to send GoAway (go-yamux waits 100 ms too). */
    private static final long GO_AWAY_WAIT_MILLIS = 100;
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

    private final RawConnection raw;
    private final YamuxConfig config;
    private final boolean initiator;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final MemoryScope memory;
    private final FrameWriter writer;
    private final LeanInputStream in;
    private final ConcurrentHashMap<Integer, YamuxStream> streams = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> acceptQueue;
    private final ReentrantLock sessionLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentHashMap<Integer, PendingPing> pings = new ConcurrentHashMap<>();
    private final AtomicInteger nextPingId = new AtomicInteger();
    private final Thread readLoop;

    // Guarded by sessionLock.
    private long nextLocalId;
    private int inboundCount;
    private int outboundCount;

    /** Highest stream ID the remote has opened; touched only by the read loop. */
    private long highestRemoteId;
    private volatile long nextLocalIdSnapshot;
    private volatile boolean remoteGoAway;
    private volatile YamuxException closeCause;
    private volatile long rttNanos;
    private volatile ScheduledFuture<?> keepAliveTask;
    private volatile PendingPing keepAlivePing;
    /**
     * When bytes last came from the remote (any frame, or part of one, shows it is alive: a
     * 16 MiB frame on a slow link takes longer than the keep-alive timeout).
     */
    private volatile long lastFrameNanos;

    YamuxSession(RawConnection raw, boolean initiator, YamuxConfig config,
                 ScheduledExecutorService scheduler, LongSupplier clock, MemoryScope memory) {
        this.raw = raw;
        this.memory = memory;
        this.initiator = initiator;
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.nextLocalId = initiator ? 1 : 2;
        this.nextLocalIdSnapshot = nextLocalId;
        this.acceptQueue = new LinkedBlockingQueue<>(config.acceptBacklog());
        this.in = new LeanInputStream(new ArrivalStamp(raw.in()), memory);
        this.writer = new FrameWriter(raw.out(), memory, config.maxFrameData(), config.maxControlBacklog(),
                "yamux-flush-" + (initiator ? "dialer" : "listener"), e -> shutdown(YamuxException.Reason.CONNECTION_LOST, "write failed: " + e.getMessage(), e, false));
        this.readLoop = Thread.ofVirtual().name("yamux-read-" + (initiator ? "dialer" : "listener"))
                .unstarted(this::readLoop);
    }

    void start() {
        writer.start();
        readLoop.start();
        // A first ping measures the RTT that window auto-tuning needs.
        try {
            startPing(false);
        } catch (IOException e) {
            // Session already closed.
            LOG.log(System.Logger.Level.DEBUG, () -> "first yamux ping not sent, the session is closed: " + e);
        }
        if (config.keepAliveEnabled()) {
            long every = config.keepAliveInterval().toNanos();
            keepAliveTask = scheduler.scheduleWithFixedDelay(this::keepAliveTick, every, every,
                    TimeUnit.NANOSECONDS);
            if (closed.get()) {
                keepAliveTask.cancel(false);
            }
        }
    }

    YamuxConfig config() {
        return config;
    }

    long nanoTime() {
        return clock.getAsLong();
    }

    MemoryScope memory() {
        return memory;
    }

    /** The smoothed round-trip time measured with pings, in nanoseconds; 0 before the first answer. */
    public long rttNanos() {
        return rttNanos;
    }

    /** The smoothed round-trip time, or {@link Duration#ZERO} before the first ping was answered. */
    public Duration rtt() {
        return Duration.ofNanos(rttNanos);
    }

    /** Why the session closed, or null while it is open. */
    public YamuxException closeCause() {
        return closeCause;
    }

    /** Whether this side dialed the connection (and so uses odd stream IDs). */
    public boolean isInitiator() {
        return initiator;
    }

    Thread readLoopThread() {
        return readLoop;
    }

    Thread flusherThread() {
        return writer.flusherThread();
    }

    int streamCount() {
        return streams.size();
    }

    // ---------------------------------------------------------------- MuxedConnection

    @Override
    public YamuxStream openStream() throws IOException {
        YamuxStream stream;
        sessionLock.lock();
        try {
            if (closed.get()) {
                throw closedException();
            }
            if (remoteGoAway) {
                throw new YamuxException(YamuxException.Reason.REMOTE_GO_AWAY,
                        "remote sent GoAway: no new streams");
            }
            if (outboundCount >= config.maxOutgoingStreams()) {
                throw new YamuxException(YamuxException.Reason.STREAM_LIMIT,
                        "too many outbound streams: " + outboundCount);
            }
            if (nextLocalId > MAX_STREAM_ID) {
                throw new YamuxException(YamuxException.Reason.STREAM_LIMIT, "stream IDs exhausted");
            }
            int id = (int) nextLocalId;
            nextLocalId += 2;
            nextLocalIdSnapshot = nextLocalId;
            // SYN goes out lazily with the first frame of the stream (data, FIN or a read).
            stream = new YamuxStream(this, id, true, config.initialStreamWindow(), nanoTime());
            streams.put(id, stream);
            outboundCount++;
        } finally {
            sessionLock.unlock();
        }
        return stream;
    }

    @Override
    public YamuxStream acceptStream() throws IOException {
        Object next;
        try {
            next = acceptQueue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting a stream");
        }
        if (next == CLOSED_MARKER) {
            acceptQueue.offer(CLOSED_MARKER); // for other waiting acceptors
            return null;
        }
        YamuxStream stream = (YamuxStream) next;
        stream.acknowledge();
        return stream;
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Sends GoAway (normal), resets every open stream and closes the connection. Idempotent. */
    @Override
    public void close() {
        shutdown(YamuxException.Reason.CLOSED_LOCALLY, "session closed locally", null, true);
    }

    /**
     * Sends a ping and waits for the answer.
     *
     * @return the round-trip time
     * @throws SocketTimeoutException when no answer came within {@code timeout}
     * @throws YamuxException when the session closed, or too many pings are outstanding
     */
    public Duration ping(Duration timeout) throws IOException {
        PendingPing ping = startPing(true);
        try {
            if (!ping.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                pings.remove(ping.id, ping);
                throw new SocketTimeoutException("ping not answered within " + timeout);
            }
        } catch (InterruptedException e) {
            pings.remove(ping.id, ping);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a pong");
        }
        if (ping.rtt < 0) {
            throw closedException();
        }
        return Duration.ofNanos(ping.rtt);
    }

    // ---------------------------------------------------------------- used by streams

    void sendWindowUpdate(int id, int flags, long delta) {
        control(FrameHeader.WINDOW_UPDATE, flags, id, (int) delta);
    }

    /** Sends data of {@code stream} in its turn; false, having sent nothing, when the stream failed meanwhile. */
    boolean sendData(YamuxStream stream, int flags, byte[] data, int offset, int length) throws IOException {
        try {
            return writer.sendData(stream.flow(), flags, stream.rawId(), data, offset, length);
        } catch (ResourceLimitException e) {
            throw e; // our own limit refused the write buffer: nothing was sent, the connection lives on
        } catch (IOException e) {
            StreamResetException r = new StreamResetException("connection closed", false);
            r.initCause(closeCause != null ? closeCause : e);
            throw r;
        }
    }

    /** The scheduler of this connection's writes. */
    SendScheduler sendScheduler() {
        return writer.scheduler();
    }

    void streamFinished(YamuxStream stream) {
        stream.releaseWindowMemory();
        if (streams.remove(stream.rawId(), stream)) {
            sessionLock.lock();
            try {
                if (isLocalId(Integer.toUnsignedLong(stream.rawId()))) {
                    outboundCount--;
                } else {
                    inboundCount--;
                }
            } finally {
                sessionLock.unlock();
            }
        }
    }

    private void control(int type, int flags, int id, int length) {
        control(type, flags, id, length, Thread.currentThread() != readLoop);
    }

    /** Queues a control frame; {@code inline} lets this thread write it (and maybe block doing so). */
    private void control(int type, int flags, int id, int length, boolean inline) {
        if (!writer.sendControl(type, flags, id, length, inline) && !closed.get()) {
            Thread.ofVirtual().start(() -> shutdown(YamuxException.Reason.INTERNAL_ERROR,
                    "remote is not reading: control frame backlog full", null, true));
        }
    }

    private boolean isLocalId(long id) {
        return (id & 1) == (initiator ? 1 : 0);
    }

    // ---------------------------------------------------------------- read loop

    private void readLoop() {
        byte[] header = new byte[FrameHeader.SIZE];
        try {
            while (!closed.get()) {
                int got = in.readNBytes(header, 0, FrameHeader.SIZE);
                if (got == 0) {
                    shutdown(YamuxException.Reason.CONNECTION_LOST, "remote closed the connection", null, false);
                    return;
                }
                if (got < FrameHeader.SIZE) {
                    throw new EOFException("connection ended inside a frame header");
                }
                FrameHeader h;
                try {
                    h = FrameHeader.decode(header, 0);
                } catch (DecodeException e) {
                    throw new YamuxException(YamuxException.Reason.PROTOCOL_ERROR, e.getMessage(), e);
                }
                switch (h.type()) {
                    case FrameHeader.DATA, FrameHeader.WINDOW_UPDATE -> handleStreamFrame(h);
                    case FrameHeader.PING -> handlePing(h);
                    default -> handleGoAway(h);
                }
            }
        } catch (YamuxException e) {
            shutdown(e.reason(), e.getMessage(), e.getCause(), e.reason() == YamuxException.Reason.PROTOCOL_ERROR);
        } catch (IOException e) {
            shutdown(YamuxException.Reason.CONNECTION_LOST, "read failed: " + e.getMessage(), e, false);
        } catch (RuntimeException | Error e) {
            shutdown(YamuxException.Reason.INTERNAL_ERROR, "read loop failed: " + e, e, true);
            if (e instanceof Error err) {
                throw err;
            }
        } finally {
            // the loop was the only reader: its read buffer, and that buffer's reservation, go back now
            in.discardBuffer();
        }
    }

    private static YamuxException violation(String message) {
        return new YamuxException(YamuxException.Reason.PROTOCOL_ERROR, message);
    }

    private void handleStreamFrame(FrameHeader h) throws IOException {
        long id = h.streamId();
        if (id == 0) {
            throw violation(h + " on stream 0");
        }
        if (h.type() == FrameHeader.DATA && h.length() > config.maxStreamWindow()) {
            throw violation("frame length " + h.length() + " exceeds the largest window");
        }
        YamuxStream stream;
        if (h.has(FrameHeader.SYN)) {
            stream = incoming(id);
        } else {
            stream = streams.get((int) id);
            if (stream == null && neverOpened(id)) {
                throw violation(h + " for a stream that was never opened");
            }
        }
        if (h.type() == FrameHeader.WINDOW_UPDATE) {
            if (stream == null) {
                return; // a stream we already reset or finished
            }
            if (h.has(FrameHeader.RST)) {
                stream.remoteReset();
                streamFinished(stream);
                return;
            }
            if (!stream.addCredit(h.length())) {
                throw violation("send window of stream " + id + " overflows 2^32");
            }
            if (h.has(FrameHeader.FIN) && stream.remoteFinished()) {
                streamFinished(stream);
            }
            return;
        }
        int length = (int) h.length();
        if (stream == null) {
            skip(length); // in flight when we reset or closed it
            return;
        }
        if (!stream.admit(length)) {
            throw violation("stream " + id + " sent " + length + " bytes beyond its receive window");
        }
        if (length > 0) {
            DataChunk chunk = DataChunk.read(in, length);
            if (!stream.deliver(chunk)) {
                // Data after FIN: the stream is broken, the session is not.
                stream.reset();
                return;
            }
        }
        if (h.has(FrameHeader.RST)) {
            stream.remoteReset();
            streamFinished(stream);
        } else if (h.has(FrameHeader.FIN) && stream.remoteFinished()) {
            streamFinished(stream);
        }
    }

    private boolean neverOpened(long id) {
        return isLocalId(id) ? id >= nextLocalIdSnapshot : id > highestRemoteId;
    }

    /** Registers a stream the remote opened, or resets it when over a limit; null when refused. */
    private YamuxStream incoming(long id) throws YamuxException {
        if (isLocalId(id)) {
            throw violation("remote opened stream " + id + " with our ID parity");
        }
        if (streams.containsKey((int) id)) {
            throw violation("remote opened stream " + id + " twice");
        }
        // SYNs may arrive out of ID order (streams open lazily), so only the highest is kept:
        // a frame without SYN above it is for a stream that was never opened.
        highestRemoteId = Math.max(highestRemoteId, id);
        YamuxStream stream = null;
        sessionLock.lock();
        try {
            if (!closed.get() && inboundCount < config.maxIncomingStreams()) {
                YamuxStream s = new YamuxStream(this, (int) id, false, config.initialStreamWindow(), nanoTime());
                streams.put((int) id, s);
                if (acceptQueue.offer(s)) {
                    inboundCount++;
                    stream = s;
                } else {
                    streams.remove((int) id);
                }
            }
        } finally {
            sessionLock.unlock();
        }
        if (stream == null) {
            control(FrameHeader.WINDOW_UPDATE, FrameHeader.RST, (int) id, 0);
        }
        return stream;
    }

    private void skip(long length) throws IOException {
        in.skipNBytes(length);
    }

    private void handlePing(FrameHeader h) {
        int opaque = (int) h.length();
        if (h.has(FrameHeader.SYN)) {
            // Like go-yamux, drop the pong rather than queue without bound.
            if (writer.controlBacklog() < config.maxControlBacklog() / 2) {
                control(FrameHeader.PING, FrameHeader.ACK, 0, opaque);
            }
        } else if (h.has(FrameHeader.ACK)) {
            PendingPing ping = pings.remove(opaque);
            if (ping != null) {
                long rtt = Math.max(1, nanoTime() - ping.start);
                long prev = rttNanos;
                // Smoothed like go-yamux: the mean of the previous estimate and the new sample.
                rttNanos = prev == 0 ? rtt : Math.max(1, prev / 2 + rtt / 2 + (prev & rtt & 1));
                ping.rtt = rtt;
                ping.done.countDown();
                cancel(ping.deadline);
            }
        }
    }

    private void handleGoAway(FrameHeader h) throws YamuxException {
        remoteGoAway = true;
        long code = h.length();
        if (code != FrameHeader.GO_AWAY_NORMAL) {
            throw new YamuxException(YamuxException.Reason.REMOTE_GO_AWAY,
                    "remote sent GoAway with error code " + code);
        }
    }

    // ---------------------------------------------------------------- pings and keep-alive

    private static final class PendingPing {
        final int id;
        final long start;
        final CountDownLatch done = new CountDownLatch(1);
        /** Round-trip nanoseconds once answered; -1 when the session closed first. */
        volatile long rtt;
        /** The keep-alive deadline of this ping, if it is one; cancelled when answered. */
        volatile ScheduledFuture<?> deadline;

        PendingPing(int id, long start) {
            this.id = id;
            this.start = start;
        }
    }

    /** Registers and sends a ping; {@code inline} as for control frames. */
    private PendingPing startPing(boolean inline) throws IOException {
        if (closed.get()) {
            throw closedException();
        }
        if (pings.size() >= MAX_PENDING_PINGS) {
            throw new YamuxException(YamuxException.Reason.INTERNAL_ERROR, "too many pings outstanding");
        }
        int id = nextPingId.incrementAndGet();
        PendingPing ping = new PendingPing(id, nanoTime());
        pings.put(id, ping);
        control(FrameHeader.PING, FrameHeader.SYN, 0, id, inline);
        return ping;
    }

    /** Runs on the shared scheduler, so it must not block: the flusher thread sends the ping. */
    private void keepAliveTick() {
        if (closed.get()) {
            return;
        }
        PendingPing previous = keepAlivePing;
        if (previous != null && previous.done.getCount() > 0) {
            return; // still waiting for the last one; its deadline is running
        }
        PendingPing ping;
        try {
            ping = startPing(false);
        } catch (IOException e) {
            return;
        }
        keepAlivePing = ping;
        armKeepAliveDeadline(ping);
    }

    private void armKeepAliveDeadline(PendingPing ping) {
        ping.deadline = scheduler.schedule(() -> keepAliveDeadline(ping),
                config.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
        if (closed.get() || ping.done.getCount() == 0) {
            cancel(ping.deadline);
        }
    }

    /**
     * The keep-alive ping's deadline passed. Keep-alive detects dead connections, so the session
     * closes only if nothing at all came from the remote within the timeout. A late pong while
     * other frames arrive means a backlog (on a busy machine the pong queues behind data, or our
     * own read loop is behind), not a dead peer; closing then would drop a healthy connection.
     * Runs on the scheduler, so no blocking (not even {@code available()}, which a secure channel's
     * stream may answer only once its blocked reader returns): a virtual thread decides.
     *
     * <p>Nor does the session close while our own read loop is runnable rather than parked: then bytes
     * are waiting for it (the pong among them, perhaps) but it has not had a carrier thread yet.
     * With a thousand busy connections on two loaded cores a read loop waited over the timeout,
     * and the session sent GoAway (internal error) to a peer that had answered in time.
     */
    private void keepAliveDeadline(PendingPing ping) {
        if (ping.done.getCount() == 0 || closed.get()) {
            return;
        }
        // The verdict waits for a carrier like the read loop and the poller that wakes it: a
        // scheduler backlog then delays the verdict as much as it delays reading the pong.
        Thread.ofVirtual().name("yamux-keepalive-check").start(() -> keepAliveVerdict(ping));
    }

    private void keepAliveVerdict(PendingPing ping) {
        if (ping.done.getCount() == 0 || closed.get()) {
            return;
        }
        if (nanoTime() - lastFrameNanos < config.keepAliveTimeout().toNanos() || readLoopBehind()) {
            armKeepAliveDeadline(ping);
            return;
        }
        shutdown(YamuxException.Reason.KEEPALIVE_TIMEOUT, "keep-alive ping not answered within "
                + config.keepAliveTimeout(), null, true);
    }

    /**
     * Whether the read loop is runnable: handling a frame, or woken by arriving bytes and waiting
     * for a carrier. A read loop parked on an empty connection is {@code WAITING}.
     */
    private boolean readLoopBehind() {
        return readLoop.getState() == Thread.State.RUNNABLE;
    }

    /** Notes in {@code lastFrameNanos} when bytes arrive; only the read loop reads through it. */
    private final class ArrivalStamp extends FilterInputStream {
        ArrivalStamp(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                lastFrameNanos = nanoTime();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                lastFrameNanos = nanoTime();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            if (skipped > 0) {
                lastFrameNanos = nanoTime();
            }
            return skipped;
        }
    }

    // ---------------------------------------------------------------- shutdown

    private YamuxException closedException() {
        YamuxException cause = closeCause;
        return new YamuxException(cause == null ? YamuxException.Reason.CLOSED_LOCALLY : cause.reason(),
                cause == null ? "session closed" : cause.getMessage(), cause);
    }

    private void shutdown(YamuxException.Reason reason, String message, Throwable cause, boolean sendGoAway) {
        List<YamuxStream> open;
        sessionLock.lock();
        try {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            closeCause = reason == YamuxException.Reason.CONNECTION_LOST
                    ? new ConnectionLost(message, cause) : new YamuxException(reason, message, cause);
            open = new ArrayList<>(streams.values());
            streams.clear();
            inboundCount = 0;
            outboundCount = 0;
        } finally {
            sessionLock.unlock();
        }
        cancel(keepAliveTask);
        if (sendGoAway) {
            long code = switch (reason) {
                case PROTOCOL_ERROR -> FrameHeader.GO_AWAY_PROTOCOL_ERROR;
                case INTERNAL_ERROR, KEEPALIVE_TIMEOUT -> FrameHeader.GO_AWAY_INTERNAL_ERROR;
                default -> FrameHeader.GO_AWAY_NORMAL;
            };
            writer.finish(FrameHeader.GO_AWAY, (int) code, GO_AWAY_WAIT_MILLIS);
        } else {
            writer.close();
        }
        if (!open.isEmpty()) {
            // one for all: a stream keeps it only for its message and cause, and throws copies
            StreamResetException e = new SessionClosed("connection closed: " + message);
            e.initCause(closeCause);
            for (YamuxStream s : open) {
                s.fail(e);
                s.releaseWindowMemory();
            }
        }
        for (PendingPing p : pings.values()) {
            p.rtt = -1;
            p.done.countDown();
            cancel(p.deadline);
        }
        pings.clear();
        acceptQueue.clear();
        acceptQueue.offer(CLOSED_MARKER);
        try {
            raw.close();
        } catch (IOException e) {
            // Closing anyway; nothing more to do with a failed close.
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the connection under a closed yamux session: " + e);
        }
    }

    /**
     * Why a session whose connection ended closed. The read loop that notices has nothing to say
     * about it (its stack would be the same for every connection, and a failed read carries its
     * own as the cause), and every connection ends this way, so no stack trace is taken.
     */
    private static final class ConnectionLost extends YamuxException {
        ConnectionLost(String message, Throwable cause) {
            super(Reason.CONNECTION_LOST, message, cause);
        }

        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The failure the open streams of a closing session keep: a stream throws a fresh copy with its
     * caller's stack trace and this one's cause, so this one needs no stack trace of its own.
     */
    private static final class SessionClosed extends StreamResetException {
        SessionClosed(String message) {
            super(message, false);
        }

        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "YamuxSession[" + (initiator ? "dialer" : "listener") + ", streams=" + streams.size()
                + (closed.get() ? ", closed" : "") + "]";
    }
}
