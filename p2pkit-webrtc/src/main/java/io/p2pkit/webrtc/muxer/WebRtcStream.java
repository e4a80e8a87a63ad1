package io.p2pkit.webrtc.muxer;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.webrtc.datachannel.DataChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A libp2p stream over one data channel, with the spec's framing: FIN half-closes and is answered
 * with FIN_ACK (once our own FIN is out), STOP_SENDING stops the remote's writes, RESET aborts. A virtual thread reads the
 * channel so that flags are seen while the application only writes; the data it reads waits in a
 * buffer of at most {@link #BUFFER} bytes (charged to the connection's memory scope), beyond
 * which it stops reading and the SCTP receive window holds the remote back.
 */
final class WebRtcStream implements MuxedStream {
    /** Received data buffered per stream before the reader thread waits for the application. */
    static final int BUFFER = 256 * 1024;
    /** How long a closed stream waits for the remote's FIN_ACK before it closes the channel anyway. */
    static final Duration FIN_ACK_TIMEOUT = Duration.ofSeconds(10);

    private final DataChannel channel;
    private final MemoryScope memory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    // guarded by lock
    private int headOffset;
    private int buffered;
    private boolean remoteFin;
    private boolean finAcked;
    /** The remote's FIN came while we were still writing: its FIN_ACK goes out after our own FIN. */
    private boolean finAckOwed;
    private boolean readClosed;
    private boolean writeClosed;
    private boolean writeStopped;
    private boolean channelClosed;
    /** Set before this side closes the channel, so the reader's failing receive is expected. */
    private volatile boolean closingChannel;
    private StreamResetException reset;

    /** Shared by the connection's streams: whether the remote ever sent a FIN_ACK. */
    private final java.util.concurrent.atomic.AtomicBoolean remoteAcksFin;

    private WebRtcStream(DataChannel channel, MemoryScope memory, java.util.concurrent.atomic.AtomicBoolean remoteAcksFin) {
        this.channel = channel;
        this.memory = memory;
        this.remoteAcksFin = remoteAcksFin;
    }

    static WebRtcStream start(DataChannel channel, MemoryScope memory, java.util.concurrent.atomic.AtomicBoolean remoteAcksFin) {
        WebRtcStream s = new WebRtcStream(channel, memory, remoteAcksFin);
        Thread.ofVirtual().name("webrtc-stream-" + channel.id()).start(s::readLoop);
        return s;
    }

    @Override
    public long id() {
        return channel.id();
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
        lock.lock();
        try {
            if (writeClosed || reset != null) {
                return;
            }
            writeClosed = true;
        } finally {
            lock.unlock();
        }
        boolean ackFin;
        lock.lock();
        try {
            ackFin = finAckOwed;
            finAckOwed = false;
        } finally {
            lock.unlock();
        }
        try {
            sendFrame(StreamFrame.flag(StreamFrame.FIN));
            if (ackFin) {
                sendFrame(StreamFrame.flag(StreamFrame.FIN_ACK));
            }
        } catch (IOException e) {
            // go-libp2p closes the channel as soon as it has written its FIN and stopped reading
            // (identify's responder does): nobody is left to tell, which is not an error
            if (!channel.isClosedByRemote()) {
                throw e;
            }
        }
    }

    @Override
    public void reset() throws IOException {
        if (!markReset(new StreamResetException("stream " + id() + " was reset locally", false))) {
            return;
        }
        try {
            sendFrame(StreamFrame.flag(StreamFrame.RESET));
        } catch (IOException e) {
            // the channel is already gone: nothing to tell
        }
        closeChannel();
    }

    @Override
    public void close() throws IOException {
        boolean stop;
        lock.lock();
        try {
            stop = !readClosed && !remoteFin && reset == null;
            readClosed = true;
            discardLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (stop) {
            try {
                sendFrame(StreamFrame.flag(StreamFrame.STOP_SENDING));
            } catch (IOException e) {
                // the channel is gone; so is the need to tell
            }
        }
        if (reset == null) {
            try {
                closeWrite();
            } catch (IOException e) {
                // as above
            }
        }
        closeChannelIfDone();
        // the spec lets a side give up on FIN_ACK after a while: the channel is not kept forever
        Thread.ofVirtual().name("webrtc-stream-linger-" + id()).start(this::closeAfterFinAckTimeout);
    }

    private void closeAfterFinAckTimeout() {
        long left = FIN_ACK_TIMEOUT.toNanos();
        lock.lock();
        try {
            while (!finAcked && !channelClosed && reset == null && left > 0) {
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        closeChannel(); // idempotent: a no-op when FIN_ACK closed it already
    }

    @Override
    public String toString() {
        return "WebRtcStream[" + id() + "]";
    }

    // ---------------------------------------------------------------- the reader thread

    private void readLoop() {
        StreamFrame.Reader frames = new StreamFrame.Reader();
        try {
            while (true) {
                byte[] m = channel.receive();
                if (m == null) {
                    remoteClosedChannel();
                    return;
                }
                for (StreamFrame f : frames.feed(m)) {
                    if (!onFrame(f)) {
                        return;
                    }
                }
            }
        } catch (DecodeException e) {
            failLocally("malformed frame: " + e.getMessage(), null);
        } catch (ResourceLimitException e) {
            failLocally("memory limit", e);
        } catch (IOException e) {
            if (closingChannel) {
                lock.lock();
                try {
                    channelClosed = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            } else {
                markReset(new StreamResetException("stream " + id() + " reset: " + e.getMessage(), false));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            markReset(new StreamResetException("stream " + id() + " reader interrupted", false));
        }
    }

    /** Handles one frame; false when the stream is over and the reader should stop. */
    private boolean onFrame(StreamFrame f) throws IOException, InterruptedException {
        if (f.message().length > 0) {
            deliver(f.message());
        }
        boolean ackFin = false;
        lock.lock();
        try {
            switch (f.flag()) {
                case StreamFrame.FIN -> {
                    // rust-libp2p 0.57 knows no FIN_ACK and fails a stream that reads one; it
                    // stops reading at our FIN, so the FIN_ACK waits for that when we still write
                    // (closeWrite sends it). A remote that has sent FIN_ACKs itself knows the flag
                    // and is acknowledged at once: js-libp2p waits for it (10 s) before its close
                    // returns, and fails the close without it
                    if (!remoteFin) {
                        boolean now = writeClosed || remoteAcksFin.get();
                        ackFin = now && reset == null;
                        finAckOwed = !now && reset == null;
                    }
                    remoteFin = true;
                }
                case StreamFrame.STOP_SENDING -> writeStopped = true;
                case StreamFrame.RESET -> {
                    // handled below, outside the lock
                }
                case StreamFrame.FIN_ACK -> {
                    finAcked = true;
                    remoteAcksFin.set(true);
                }
                default -> {
                    // no flag, or one this version does not know
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (f.flag() == StreamFrame.RESET) {
            markReset(new StreamResetException("stream " + id() + " was reset by the remote", true));
            closeChannel();
            return false;
        }
        if (ackFin) {
            try {
                sendFrame(StreamFrame.flag(StreamFrame.FIN_ACK));
            } catch (IOException e) {
                // the remote closed the channel already
            }
        }
        closeChannelIfDone();
        return true;
    }

    private void deliver(byte[] data) throws ResourceLimitException, InterruptedException {
        lock.lock();
        try {
            while (buffered > 0 && buffered + data.length > BUFFER && !readClosed && reset == null) {
                changed.await();
            }
            if (readClosed || reset != null || remoteFin) {
                return; // unread data of a closed reader is dropped, as is data after FIN
            }
            memory.reserveMemory(data.length, MemoryPriority.HIGH);
            chunks.add(data);
            buffered += data.length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void remoteClosedChannel() {
        lock.lock();
        try {
            // the reset first, under the same lock: a reader must never see the channel closed
            // without it and take an unfinished stream for a clean end (-1)
            if (!remoteFin) {
                markReset(new StreamResetException("stream " + id() + ": the remote closed its data channel before FIN", true));
            }
            channelClosed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        closeChannel();
    }

    private void failLocally(String why, Throwable cause) {
        StreamResetException e = new StreamResetException("stream " + id() + " reset: " + why, false);
        if (cause != null) {
            e.initCause(cause);
        }
        if (markReset(e)) {
            try {
                sendFrame(StreamFrame.flag(StreamFrame.RESET));
            } catch (IOException ex) {
                // the channel is gone
            }
            closeChannel();
        }
    }

    // ---------------------------------------------------------------- state

    private boolean markReset(StreamResetException e) {
        lock.lock();
        try {
            if (reset != null) {
                return false;
            }
            reset = e;
            discardLocked();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void discardLocked() {
        chunks.clear();
        headOffset = 0;
        if (buffered > 0) {
            memory.releaseMemory(buffered);
        }
        buffered = 0;
    }

    /** Closes the data channel once both directions are finished: our FIN acknowledged and the remote done sending. */
    private void closeChannelIfDone() {
        boolean done;
        lock.lock();
        try {
            done = finAcked && (remoteFin || readClosed);
        } finally {
            lock.unlock();
        }
        if (done) {
            closeChannel();
        }
    }

    private void closeChannel() {
        closingChannel = true;
        try {
            channel.close();
        } catch (IOException e) {
            // the association is ending: nothing to reset
        }
    }

    /**
     * Sends the frame's length prefix and its protobuf as two data channel messages, as go-libp2p
     * does: go reads through a 4 KiB {@code bufio.Reader} that fails ("short buffer") on a
     * message longer than that unless the message starts a new frame body.
     *
     * @throws StreamResetException when the connection's memory scope refused the send buffer for
     *                              either message: the stream is reset, its cause is the limit
     */
    private void sendFrame(StreamFrame f) throws IOException {
        byte[] encoded = f.encode();
        int prefix = 1;
        while ((encoded[prefix - 1] & 0x80) != 0) {
            prefix++;
        }
        ResourceLimitException refused = null;
        writeLock.lock();
        try {
            channel.send(Arrays.copyOfRange(encoded, 0, prefix));
            if (encoded.length > prefix) {
                channel.send(Arrays.copyOfRange(encoded, prefix, encoded.length));
            }
        } catch (ResourceLimitException e) {
            refused = e;
        } finally {
            writeLock.unlock();
        }
        if (refused != null) {
            // the remote may hold a prefix whose frame never comes: nothing more can be framed here
            failLocally("memory limit", refused);
            lock.lock();
            try {
                throw reset;
            } finally {
                lock.unlock();
            }
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (buffered == 0) {
                if (reset != null) {
                    throw reset;
                }
                if (readClosed) {
                    throw new IOException("stream " + id() + " is closed for reading");
                }
                if (remoteFin || channelClosed) {
                    return -1;
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
            memory.releaseMemory(n);
            changed.signalAll();
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
            lock.lock();
            try {
                if (reset != null) {
                    throw reset;
                }
                if (writeClosed) {
                    throw new IOException("stream " + id() + " is closed for writing");
                }
                if (writeStopped) {
                    throw new StreamResetException("stream " + id() + ": the remote stopped reading", true);
                }
            } finally {
                lock.unlock();
            }
            int n = Math.min(len, StreamFrame.MAX_SENT_PAYLOAD);
            sendFrame(StreamFrame.data(b, off, n));
            off += n;
            len -= n;
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = WebRtcStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return WebRtcStream.this.read(b, off, len);
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
            WebRtcStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            WebRtcStream.this.write(b, off, len);
        }

        /** Half-closes the stream. */
        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
