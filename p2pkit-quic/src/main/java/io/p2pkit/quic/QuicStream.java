package io.p2pkit.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A native QUIC stream as a blocking {@link MuxedStream}. The event loop appends received bytes to
 * a bounded buffer; once it holds {@code readBuffer} bytes the channel stops reading, so quiche
 * stops returning flow-control credit and the sender waits. Writes wait until the stream has
 * credit (channel writability) and send at most {@value #CHUNK} bytes at a time.
 */
final class QuicStream extends ChannelInboundHandlerAdapter implements MuxedStream {
    /** The largest write handed to the channel at once. */
    static final int CHUNK = 64 * 1024;
    /** The application error code sent with RESET_STREAM and STOP_SENDING (libp2p uses 0). */
    private static final int RESET_CODE = 0;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private final QuicStreamChannel channel;
    private final QuicConnection connection;
    private final int readBuffer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private int headOffset;
    private long buffered;
    private boolean paused;
    private boolean remoteFinished;
    private boolean readStopped;
    private boolean writeClosed;
    private IOException failure;
    private IOException writeFailure;
    private volatile ChannelFuture lastWrite;

    QuicStream(QuicStreamChannel channel, QuicConnection connection, int readBuffer) {
        this.channel = channel;
        this.connection = connection;
        this.readBuffer = readBuffer;
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
        byte[] bytes;
        ByteBuf buf = (ByteBuf) msg;
        try {
            bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
        } finally {
            buf.release();
        }
        if (bytes.length == 0) {
            return;
        }
        connection.touch();
        lock.lock();
        try {
            if (readStopped || failure != null) {
                return; // nobody will read it
            }
            chunks.add(bytes);
            buffered += bytes.length;
            if (buffered >= readBuffer && !paused) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
                if (remoteFinished) {
                    return -1;
                }
                if (failure != null) {
                    throw failure;
                }
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
            if (paused && buffered <= readBuffer / 2) {
                paused = false;
                channel.config().setAutoRead(true); // reads again, and so returns credit to the sender
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
            ByteBuf buf = channel.alloc().directBuffer(n);
            buf.writeBytes(b, off, n);
            ChannelFuture f = channel.writeAndFlush(buf);
            lastWrite = f;
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    failWrite(done.cause());
                } else {
                    signal();
                }
            });
            connection.touch();
            off += n;
            len -= n;
        }
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
            pending = writeFailure == null ? lastWrite : null;
        } finally {
            lock.unlock();
        }
        // Netty hands a FIN to quiche at once even while earlier data still waits in its queue for
        // flow-control credit, which would cut the stream short: the data must be in quiche first.
        if (pending != null) {
            NettyFutures.await(pending, SHUTDOWN_WAIT, "flushing stream " + id());
        }
        // Not waited for: after the remote's STOP_SENDING the FIN stays queued in Netty for good.
        if (channel.isActive()) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            writeClosed = true;
            readStopped = true;
            chunks.clear();
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
        } catch (IOException ignored) {
            // the stream is going away anyway
        }
        boolean stopSending;
        lock.lock();
        try {
            stopSending = !remoteFinished && failure == null && !readStopped;
            readStopped = true;
            chunks.clear();
            buffered = 0;
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

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
