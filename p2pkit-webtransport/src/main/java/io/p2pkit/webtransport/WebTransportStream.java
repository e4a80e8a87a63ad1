package io.p2pkit.webtransport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.quic.internal.HeldChunk;
import io.p2pkit.quic.internal.SendCapacity;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One WebTransport bidirectional stream (its signal and session ID already read or written) as a
 * blocking libp2p stream. Received bytes wait in a buffer of at most {@link #READ_BUFFER} bytes;
 * when it is full the channel stops reading, so QUIC flow control holds the sender back. A write
 * waits (at most {@link #WRITE_WAIT}) until quiche took the previous chunk. The newest chunk is
 * held back briefly so that the FIN leaves with it: quiche loses a FIN written without data after
 * the data was sent (cloudflare/quiche#2525, docs/QUIC.md), as the QUIC transport's streams know.
 */
final class WebTransportStream extends ChannelInboundHandlerAdapter implements MuxedStream, RawConnection {
    static final int READ_BUFFER = 256 * 1024;
    static final int CHUNK = 64 * 1024;
    static final Duration WRITE_WAIT = Duration.ofSeconds(30);
    /** H3_REQUEST_CANCELLED: the code a reset carries. */
    static final int RESET_CODE = 0x10c;
    /** A stream whose FIN is written goes first (urgency 0 is the highest). */
    private static final QuicStreamPriority FIN_PRIORITY = new QuicStreamPriority(0, false);
    /** Send capacity that makes quiche emit a bare FIN in the same turn: one full packet. */
    static final long FIN_ROOM = 1200;
    /** How often a bare FIN asks again for send capacity, and when it goes regardless. */
    static final long FIN_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final Duration FIN_WAIT = Duration.ofSeconds(5);

    private final QuicStreamChannel channel;
    /** Charged with the received bytes; a placeholder until {@link #chargeTo} when made before the connection had its span. */
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
    private boolean writeClosed;
    private IOException failure;
    private volatile ChannelFuture lastWrite;
    /** The newest written chunk, not yet handed to Netty (guarded by {@link #lock}). */
    private final HeldChunk held = new HeldChunk(CHUNK, this::send);

    /**
     * @param memory charged with the received bytes until the application reads them; a refused
     *               reservation resets this stream only. Null when the connection has no span yet:
     *               then nothing more is read until {@link #chargeTo} (the bytes wait in QUIC's window)
     */
    WebTransportStream(QuicStreamChannel channel, MemoryScope memory) {
        this.channel = channel;
        this.memory = memory == null ? MemoryScope.UNLIMITED : memory;
        if (memory == null) {
            channel.config().setAutoRead(false);
        }
    }

    /**
     * The connection got its span (event loop): the bytes already here (those that came with the
     * stream's header) are charged to it, and reading starts. A refused reservation resets the stream.
     */
    void chargeTo(MemoryScope m) {
        boolean refused = false;
        lock.lock();
        try {
            if (failure == null && buffered > 0) {
                try {
                    m.reserveMemory(buffered, MemoryPriority.HIGH);
                } catch (ResourceLimitException e) {
                    releaseAllLocked(); // from the placeholder, which charged nothing
                    StreamResetException reset = new StreamResetException("WebTransport stream " + id() + " reset: "
                            + e.getMessage(), false);
                    reset.initCause(e);
                    failure = reset;
                    writeClosed = true;
                    dropHeld();
                    refused = true;
                    changed.signalAll();
                }
            }
            memory = m;
            if (!paused && !refused) {
                channel.config().setAutoRead(true);
            }
        } finally {
            lock.unlock();
            if (refused && channel.isActive()) {
                channel.shutdown(RESET_CODE).addListener(f -> channel.close());
            }
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
        ByteBuf buf = (ByteBuf) msg;
        byte[] bytes;
        try {
            bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
        } finally {
            buf.release();
        }
        received(bytes);
    }

    /** Bytes of the stream (also the ones that came with its header). */
    void received(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        boolean refused = false;
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            try {
                memory.reserveMemory(bytes.length, MemoryPriority.HIGH);
            } catch (ResourceLimitException e) {
                releaseAllLocked();
                StreamResetException reset = new StreamResetException("WebTransport stream " + id() + " reset: "
                        + e.getMessage(), false);
                reset.initCause(e);
                failure = reset;
                writeClosed = true;
                dropHeld();
                refused = true;
                changed.signalAll();
                return;
            }
            chunks.add(bytes);
            buffered += bytes.length;
            if (channel.isInputShutdown()) {
                // Netty marks the FIN before it hands over the last bytes: the reader learns both
                // at once, so an echo's reply is still held when it closes and leaves with the FIN
                remoteFinished = true;
            }
            if (buffered >= READ_BUFFER && !paused) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
            if (refused && channel.isActive()) {
                channel.shutdown(RESET_CODE).addListener(f -> channel.close());
            }
        }
    }

    /** Drops the unread bytes and gives their reservation back. Lock held. */
    private void releaseAllLocked() {
        chunks.clear();
        headOffset = 0;
        memory.releaseMemory(buffered);
        buffered = 0;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            finished();
        }
        ctx.fireUserEventTriggered(evt);
    }

    void finished() {
        lock.lock();
        try {
            remoteFinished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(new StreamResetException("WebTransport stream " + id() + " reset: " + cause.getMessage(), true));
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
                failure = new StreamResetException("WebTransport stream " + id() + " closed before its end", true);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                if (remoteFinished) {
                    return -1;
                }
                flushHeld(); // about to wait: the remote may be waiting for it before it answers
                changed.await();
            }
            byte[] head = chunks.peek();
            int n = Math.min(len, head.length - headOffset);
            System.arraycopy(head, headOffset, b, off, n);
            headOffset += n;
            if (headOffset == head.length) {
                chunks.poll();
                headOffset = 0;
            }
            buffered -= n;
            memory.releaseMemory(n);
            if (paused && buffered < READ_BUFFER / 2) {
                paused = false;
                channel.config().setAutoRead(true);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading WebTransport stream " + id());
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            awaitPreviousWrite();
            boolean newHold;
            lock.lock();
            try {
                if (writeClosed || failure != null) {
                    throw new IOException("WebTransport stream " + id() + " is closed for writing");
                }
                newHold = held.add(channel.alloc(), b, off, n);
            } finally {
                lock.unlock();
            }
            if (newHold) {
                channel.eventLoop().schedule(this::flushHeld, HeldChunk.HOLD_NANOS, TimeUnit.NANOSECONDS);
            }
            off += n;
            len -= n;
        }
    }

    /** Hands {@code data} to Netty, with the FIN when {@code fin}; through the event loop, lock held, so in order. */
    private void send(ByteBuf data, boolean fin) {
        ChannelPromise promise = channel.newPromise();
        lastWrite = promise;
        promise.addListener(done -> signal());
        Object message = fin ? new DefaultQuicStreamFrame(data, true) : data;
        channel.eventLoop().execute(() -> channel.writeAndFlush(message, promise));
    }

    /** Sends the held chunk, if any, without the FIN: its timer ran out or a read waits. */
    private void flushHeld() {
        lock.lock();
        try {
            held.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the held chunk (the stream is reset or failed). Lock held. */
    private void dropHeld() {
        held.drop();
    }

    /**
     * Waits until the previous chunk is in quiche: quiche takes data only within the stream's and
     * the connection's flow-control credit, so at most one chunk waits beyond it (the backpressure).
     */
    private void awaitPreviousWrite() throws IOException {
        long deadline = System.nanoTime() + WRITE_WAIT.toNanos();
        lock.lock();
        try {
            while (true) {
                if (writeClosed) {
                    throw new IOException("WebTransport stream " + id() + " is closed for writing");
                }
                if (!channel.isActive()) {
                    throw new StreamResetException("WebTransport stream " + id() + " is closed", false);
                }
                ChannelFuture previous = lastWrite;
                if (previous == null || previous.isDone()) {
                    if (previous != null && !previous.isSuccess()) {
                        throw new IOException("WebTransport stream " + id() + ": write failed: " + previous.cause());
                    }
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("WebTransport stream " + id() + ": no send credit for " + WRITE_WAIT);
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing WebTransport stream " + id());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the FIN: with the held last chunk when there is one, else once the data written before
     * it is in quiche (Netty hands a bare FIN to quiche at once, even while earlier data still
     * waits in its queue for credit, which would cut the stream short) and quiche has room to send
     * it in the same turn (see {@link #sendFin}).
     */
    @Override
    public void closeWrite() throws IOException {
        ChannelFuture pending;
        lock.lock();
        try {
            if (writeClosed) {
                return;
            }
            writeClosed = true;
            if (held.finish()) {
                return; // the FIN rode on the last data: quiche's bug cannot hit
            }
            pending = lastWrite;
            long deadline = System.nanoTime() + WRITE_WAIT.toNanos();
            while (pending != null && !pending.isDone() && channel.isActive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("WebTransport stream " + id() + ": data not sent within " + WRITE_WAIT);
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing WebTransport stream " + id());
        } finally {
            lock.unlock();
        }
        long forceAt = System.nanoTime() + FIN_WAIT.toNanos();
        channel.eventLoop().execute(() -> sendFin(forceAt));
    }

    /**
     * Writes a bare FIN on the event loop only when quiche will put it on the wire in the same turn
     * (a packet's room, the highest priority), else asks again shortly; after {@code forceAt} it
     * goes regardless. quiche's bug (cloudflare/quiche#2525): a bare FIN written after the data was
     * sent makes the send side complete once that data is ACKed; an ACK processed while the FIN
     * still waits for congestion-window room gets the stream collected and the FIN never leaves.
     */
    private void sendFin(long forceAt) {
        if (!channel.isActive() || channel.isOutputShutdown()) {
            return;
        }
        long room = SendCapacity.of(channel);
        if (room >= 0 && room < FIN_ROOM && System.nanoTime() - forceAt < 0) {
            channel.eventLoop().schedule(() -> sendFin(forceAt), FIN_RECHECK_NANOS, TimeUnit.NANOSECONDS);
            return;
        }
        channel.updatePriority(FIN_PRIORITY);
        channel.shutdownOutput();
    }

    @Override
    public void reset() {
        fail(new StreamResetException("WebTransport stream " + id() + " reset locally", false));
        lock.lock();
        try {
            writeClosed = true;
            dropHeld();
            releaseAllLocked();
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
            reset();
            return;
        }
        lock.lock();
        try {
            releaseAllLocked();
            if (failure == null && !remoteFinished) {
                failure = new IOException("WebTransport stream " + id() + " closed");
            }
        } finally {
            lock.unlock();
        }
        if (channel.isActive() && !channel.isInputShutdown()) {
            channel.shutdownInput(RESET_CODE);
        }
    }

    @Override
    public String toString() {
        return "WebTransportStream[" + id() + "]";
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return WebTransportStream.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return WebTransportStream.this.read(b, off, len);
        }

        @Override
        public void close() {
            WebTransportStream.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            WebTransportStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            WebTransportStream.this.write(b, off, len);
        }

        /** Leaves the held chunk for the FIN: callers flush right before closeWrite(); its timer sends it anyway. */
        @Override
        public void flush() {
            // see above
        }

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
