package io.p2pkit.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.quic.internal.HeldChunk;
import io.p2pkit.quic.internal.SendCapacity;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A native QUIC stream as a blocking {@link MuxedStream}. The event loop appends received bytes to
 * a bounded buffer; once it holds {@code readBuffer} bytes the stream stops reading, so quiche
 * stops returning flow-control credit and the sender waits. Writes wait until the stream has
 * credit (channel writability) and send at most {@value #CHUNK} bytes at a time.
 *
 * <p>The stream reads by itself, not by Netty's auto-read: quiche has new data for a stream after
 * every packet (about 1.4 KB), and auto-read would take each packet's data as a buffer of its own.
 * Here the first packet's data of an event-loop turn is read as it arrives; the rest waits in
 * quiche until the turn's packets are handled, and is then read in {@value #READ_CHUNK}-byte
 * buffers ({@link #drain}).
 */
final class QuicStream extends ChannelInboundHandlerAdapter implements MuxedStream {
    private static final System.Logger LOG = LazyLogger.of(QuicStream.class);

    /** The largest write handed to the channel at once. */
    static final int CHUNK = 64 * 1024;
    /** Buffer size of a read: within the pooled allocator's per-thread cache (32 KiB by default). */
    static final int READ_CHUNK = 32 * 1024;
    /** The application error code sent with RESET_STREAM and STOP_SENDING (libp2p uses 0). */
    private static final int RESET_CODE = 0;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);
    /** Send capacity that guarantees quiche emits a waiting FIN at once: one full packet. */
    static final long FIN_ROOM = 1200;
    /** A stream whose FIN is written goes first among streams with data waiting (urgency 0 is the highest). */
    private static final QuicStreamPriority FIN_PRIORITY = new QuicStreamPriority(0, false);

    private final QuicStreamChannel channel;
    private final QuicConnection connection;
    private final int readBuffer;
    /** Charged with the received bytes waiting in {@link #chunks}; set before the first byte is read. */
    private volatile MemoryScope memory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private int headOffset;
    private long buffered;
    private boolean paused;
    private boolean remoteFinished;
    /** Received data was dropped (a local memory limit): reads fail with {@link #failure}, never end cleanly. */
    private boolean dropped;
    private boolean readStopped;
    private boolean writeClosed;
    private IOException failure;
    private IOException writeFailure;
    private volatile ChannelFuture lastWrite;
    /** The newest written chunk, not yet handed to Netty (guarded by {@link #lock}). */
    private final HeldChunk held = new HeldChunk(CHUNK, this::send);
    /** Whether {@link #endOfTurn} waits in the event loop's task queue (event loop only). */
    private boolean wakeQueued;
    private final Runnable endOfTurn = this::endOfTurn;
    /** Received bytes are charged somewhere: reading may start (event loop only). */
    private boolean charged;
    /** Inside {@link #drain}: each received buffer asks for the next (event loop only). */
    private boolean draining;

    /**
     * @param memory where received bytes are charged; null when the connection has no span yet:
     *               then nothing is read until {@link #chargeTo} (the bytes wait in QUIC's window)
     */
    QuicStream(QuicStreamChannel channel, QuicConnection connection, int readBuffer, MemoryScope memory) {
        this.channel = channel;
        this.connection = connection;
        this.readBuffer = readBuffer;
        this.memory = memory == null ? MemoryScope.UNLIMITED : memory;    // nothing is charged before chargeTo
        this.charged = memory != null;
        channel.config().setAutoRead(false);
        channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(READ_CHUNK));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (charged) {
            drain(); // also leaves a read pending, so that the first packet's data is read as it arrives
        }
    }

    /** The connection got its span: bytes are charged to it from now on, and reading starts (event loop). */
    void chargeTo(MemoryScope m) {
        lock.lock();
        try {
            memory = m;
        } finally {
            lock.unlock();
        }
        charged = true;
        drain();
    }

    /**
     * Reads everything quiche holds for this stream, unless the buffer is full (event loop). Netty
     * reads one buffer per read request when auto-read is off; {@link #channelRead} asks for the
     * next while draining. The last request stays pending when quiche runs dry, so the next
     * packet's data is read as it arrives.
     */
    private void drain() {
        if (!charged || !channel.isActive() || isPaused()) {
            return;
        }
        draining = true;
        try {
            channel.read();
        } finally {
            draining = false;
        }
    }

    private boolean isPaused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long id() {
        return channel.streamId();
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    // ------------------------------------------------------------------ event loop side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (take(msg) && draining) {
            channel.read(); // the next buffer, if quiche has more
        }
    }

    /** Takes received bytes into the buffer; whether reading should go on (event loop). */
    private boolean take(Object msg) {
        byte[] bytes;
        ByteBuf buf = (ByteBuf) msg;
        try {
            bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
        } finally {
            buf.release();
        }
        if (bytes.length == 0) {
            return true;
        }
        connection.touch();
        ResourceLimitException refused = null;
        lock.lock();
        try {
            if (readStopped || failure != null) {
                return true; // nobody will read it: drop it, and what quiche still holds
            }
            try {
                // as mplex's queue: a refusal costs this stream alone, not the connection
                memory.reserveMemory(bytes.length, MemoryPriority.HIGH);
            } catch (ResourceLimitException e) {
                refused = e;
                releaseChunksLocked();
                StreamResetException reset = new StreamResetException("stream " + id() + " reset: " + e.getMessage(), false);
                reset.initCause(e);
                failure = reset;
                dropped = true;
                writeClosed = true;
                dropHeld();
                changed.signalAll();
                return false;
            }
            chunks.add(bytes);
            buffered += bytes.length;
            if (channel.isInputShutdown()) {
                // Netty marks the FIN before it hands over the last bytes: the reader learns both at
                // once, so a reply written now is still held when it closes and leaves with the FIN
                remoteFinished = true;
            }
            if (buffered >= readBuffer) {
                paused = true;
            }
            if (!wakeQueued) {
                // Drained and woken once the event loop has handled every packet of this turn, not
                // per packet: each wake-up of a parked reader costs a thread hand-off, and each
                // buffer its allocation and hand-over.
                wakeQueued = true;
                channel.eventLoop().execute(endOfTurn);
            }
            return !paused;
        } finally {
            lock.unlock();
            if (refused != null && channel.isActive()) {
                channel.shutdown(RESET_CODE).addListener(f -> channel.close());
            }
        }
    }

    /** After a turn's received packets: reads what they brought, then wakes the reader (event loop). */
    private void endOfTurn() {
        wakeQueued = false;
        drain();
        signal();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            lock.lock();
            try {
                remoteFinished = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause instanceof QuicStreamResetException
                ? new StreamResetException("stream " + id() + " reset by the remote", true)
                : new IOException("stream " + id() + " failed: " + cause, cause));
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        signal();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            dropHeld();
            if (!remoteFinished && failure == null) {
                failure = new StreamResetException("stream " + id() + " closed before its end ("
                        + (connection.isClosed() ? "connection closed" : "reset") + ")", true);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        connection.streamGone(this);
    }

    /** Drops the unread bytes and releases their reservation. Lock held. */
    private void releaseChunksLocked() {
        chunks.clear();
        headOffset = 0;
        memory.releaseMemory(buffered);
        buffered = 0;
    }

    private void fail(IOException e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A write failed, for example after the remote's STOP_SENDING: reading goes on. */
    private void failWrite(Throwable cause) {
        lock.lock();
        try {
            if (writeFailure == null) {
                writeFailure = cause instanceof IOException io ? io
                        : new IOException("write on stream " + id() + " failed: " + cause, cause);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ application side

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (readStopped) {
                    throw new IOException("stream " + id() + " is closed");
                }
                if (dropped) {
                    throw failure; // data was lost: never an end of stream, even after the remote's FIN
                }
                if (remoteFinished) {
                    return -1;
                }
                if (failure != null) {
                    throw failure;
                }
                flushHeld(); // about to wait: the remote may be waiting for it before it answers
                changed.await();
            }
            int n = 0;
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
            memory.releaseMemory(n);
            if (paused && buffered <= readBuffer / 2) {
                paused = false;
                channel.eventLoop().execute(this::drain); // reads again, and so returns credit to the sender
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading stream " + id());
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            awaitWritable();
            int n = Math.min(len, CHUNK);
            boolean newHold;
            lock.lock();
            try {
                if (writeClosed || failure != null) {
                    throw new IOException("stream " + id() + " is closed for writing");
                }
                newHold = held.add(channel.alloc(), b, off, n);
            } finally {
                lock.unlock();
            }
            if (newHold) {
                channel.eventLoop().schedule(this::flushHeld, HeldChunk.HOLD_NANOS, TimeUnit.NANOSECONDS);
            }
            connection.touch();
            off += n;
            len -= n;
        }
    }

    /**
     * Hands {@code data} to Netty, with the FIN when {@code fin}. Always through the event loop's
     * task queue and with the lock held, so writes keep their order whichever thread sends them.
     */
    private void send(ByteBuf data, boolean fin) {
        ChannelPromise promise = channel.newPromise();
        lastWrite = promise;
        promise.addListener(done -> {
            if (!done.isSuccess()) {
                failWrite(done.cause());
            } else {
                signal();
            }
        });
        Object message = fin ? new DefaultQuicStreamFrame(data, true) : data;
        channel.eventLoop().execute(() -> channel.writeAndFlush(message, promise));
    }

    /** Sends the held chunk, if any, without the FIN: the writer paused or a read waits. */
    private void flushHeld() {
        lock.lock();
        try {
            held.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the held chunk (the stream is reset or failed). Call with the lock held. */
    private void dropHeld() {
        held.drop();
    }

    private void awaitWritable() throws IOException {
        lock.lock();
        try {
            while (true) {
                if (writeClosed) {
                    throw new IOException("stream " + id() + " is closed for writing");
                }
                if (failure != null) {
                    throw failure;
                }
                if (writeFailure != null) {
                    throw writeFailure;
                }
                if (!channel.isActive()) {
                    throw new StreamResetException("stream " + id() + " is closed", false);
                }
                ChannelFuture previous = lastWrite;
                if (previous == null || previous.isDone()) {
                    return;
                }
                // At most one chunk waits in Netty beyond what quiche took: quiche takes data only
                // within the stream's and connection's flow-control credit, so this is the
                // backpressure. (Netty's writability flag alone was seen to stay false for good.)
                changed.await(); // woken by the previous write's completion, failure or close
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing stream " + id());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void closeWrite() throws IOException {
        ChannelFuture pending;
        lock.lock();
        try {
            if (writeClosed || failure != null) {
                return;
            }
            writeClosed = true;
            if (writeFailure != null) {
                held.drop();
            } else if (held.finish()) {
                return; // the FIN rode on the last data: quiche's bug with bare FINs (below) cannot hit
            }
            pending = writeFailure == null ? lastWrite : null;
        } finally {
            lock.unlock();
        }
        // Netty hands a bare FIN to quiche at once even while earlier data still waits in its queue
        // for flow-control credit, which would cut the stream short: the data must be in quiche first.
        if (pending != null) {
            NettyFutures.await(pending, SHUTDOWN_WAIT, "flushing stream " + id());
        }
        // Not waited for: after the remote's STOP_SENDING the FIN stays queued in Netty for good.
        if (channel.isActive()) {
            connection.finish(this);
        }
    }

    /**
     * Hands the FIN to quiche, on the event loop, but only when quiche will put it on the wire in
     * the same turn (unless {@code force}); returns whether it did. The reason is a quiche bug
     * (cloudflare/quiche#2525): a FIN without data, written after the stream's data was sent,
     * makes the stream's send side look complete as soon as that data is ACKed. If the ACK is
     * processed while the FIN still waits for congestion-window room, quiche collects the stream
     * and the FIN is never sent; the remote then reads every byte and waits for the end forever.
     * With room in the window and the highest priority the FIN nearly always leaves in the same
     * turn, before any further ACK is processed (not always: quiche sometimes sends nothing in
     * that turn although the window has room). Most FINs avoid this path: {@link #closeWrite()}
     * sends them with the held last chunk of data.
     */
    boolean sendFinIfRoom(boolean force) {
        if (!channel.isActive() || channel.isOutputShutdown()) {
            return true;
        }
        if (!force) {
            long room = SendCapacity.of(channel);
            if (room >= 0 && room < FIN_ROOM) {
                return false;
            }
        }
        channel.updatePriority(FIN_PRIORITY);
        channel.shutdownOutput();
        return true;
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            writeClosed = true;
            readStopped = true;
            dropHeld();
            releaseChunksLocked();
            if (failure == null) {
                failure = new StreamResetException("stream " + id() + " was reset", false);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (channel.isActive()) {
            channel.shutdown(RESET_CODE).addListener(f -> channel.close());
        }
    }

    @Override
    public void close() {
        try {
            closeWrite();
        } catch (IOException e) {
            // the stream is going away anyway
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the write side of a closing QUIC stream: " + e);
        }
        boolean stopSending;
        lock.lock();
        try {
            stopSending = !remoteFinished && failure == null && !readStopped;
            readStopped = true;
            releaseChunksLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (stopSending && channel.isActive()) {
            channel.shutdownInput(RESET_CODE); // STOP_SENDING: we will not read the rest
        }
        // The channel closes by itself once both FINs went through (Netty closes a stream when it
        // has sent and received FIN); closing it here could drop a FIN still queued for credit.
    }

    @Override
    public String toString() {
        return "QuicStream[" + id() + " of " + connection + "]";
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = QuicStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return QuicStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, buffered);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            QuicStream.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            QuicStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            QuicStream.this.write(b, off, len);
        }

        /**
         * Does not send the held chunk at once: callers flush right before closeWrite(), and the
         * chunk should leave with the FIN. It goes out within {@link HeldChunk#HOLD_NANOS} anyway, or as
         * soon as a read on this stream has to wait.
         */
        @Override
        public void flush() {
            // see above: the hold timer and waiting reads send it
        }

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
