package io.p2pkit.pubsub;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.pubsub.engine.PeerLink;
import io.p2pkit.pubsub.engine.SendLanes;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one long-lived outbound pubsub stream to a peer and its bounded send queue ({@link SendLanes}:
 * a priority lane for control RPCs, a dropping lane for messages). When a lane is full, new items
 * are dropped and counted, never blocking the router. A writer virtual thread drains the control
 * lane first and batches queued messages into one RPC.
 */
final class PeerSender implements PeerLink {
    private static final System.Logger LOG = LazyLogger.of(PeerSender.class);
    /** Opens the stream; runs on the writer thread. */
    interface Opener {
        Stream open() throws IOException;
    }

    /** Told when the stream opened or ended; called on the sender's threads. */
    interface Events {
        void opened(PeerSender sender, String protocol);

        void ended(PeerSender sender, Exception cause);
    }

    private final PeerId peer;
    private final SendLanes lanes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private boolean writing;
    private final java.util.concurrent.CountDownLatch remoteEnded = new java.util.concurrent.CountDownLatch(1);
    private final AtomicLong sentRpcs = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private Stream stream;

    PeerSender(PeerId peer, SendLanes lanes) {
        this.peer = peer;
        this.lanes = lanes;
    }

    @Override
    public PeerId peer() {
        return peer;
    }

    /** Starts the writer thread, which opens the stream and then sends what is queued. */
    void start(Opener opener, Events events) {
        Thread.ofVirtual().name("pubsub-send " + peer).start(() -> run(opener, events));
    }

    @Override
    public boolean offerControl(Rpc rpc) {
        lock.lock();
        try {
            if (!lanes.offerControl(rpc)) {
                return false;
            }
            ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offerMessage(PubsubMessage message) {
        lock.lock();
        try {
            if (!lanes.offerMessage(message)) {
                return false;
            }
            ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long droppedMessages() {
        lock.lock();
        try {
            return lanes.droppedMessages();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long droppedControl() {
        lock.lock();
        try {
            return lanes.droppedControl();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long sentBytes() {
        return sentBytes.get();
    }

    long sentRpcs() {
        return sentRpcs.get();
    }

    /**
     * Waits until everything queued so far has been written and flushed, or the sender closed.
     *
     * @return false if the deadline passed first
     */
    @Override
    public boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!lanes.isClosed() && (writing || !lanes.isEmpty() || stream == null)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the stream politely: waits for what is queued to be written, half-closes, and waits
     * (until the deadline) for the remote to close its side, so that closing the connection right
     * after cannot cut off data the remote has not read yet. Then closes.
     */
    @Override
    public void finish(long deadlineNanos) throws InterruptedException {
        awaitDrained(deadlineNanos);
        Stream s = stop();
        if (s != null) {
            try {
                s.closeWrite();
                remoteEnded.await(Math.max(0, deadlineNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                // closing anyway: the remote may have gone already
                LOG.log(System.Logger.Level.DEBUG, () -> "ending the pubsub stream to " + peer + ": " + e);
            }
        }
        close();
    }

    /** Marks the sender closed, drops what is queued, wakes every waiter; returns the stream, if any. */
    private Stream stop() {
        lock.lock();
        try {
            lanes.close();
            ready.signalAll();
            drained.signalAll();
            return stream;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer and closes the stream. */
    @Override
    public void close() {
        Stream s = stop();
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway: nothing more goes to this peer
                LOG.log(System.Logger.Level.DEBUG, () -> "closing the pubsub stream to " + peer + ": " + e);
            }
        }
    }

    private void run(Opener opener, Events events) {
        Stream s;
        try {
            s = opener.open();
        } catch (IOException | RuntimeException e) {
            close();
            events.ended(this, e);
            return;
        }
        lock.lock();
        try {
            if (lanes.isClosed()) {
                s.reset();
                return;
            }
            stream = s;
        } finally {
            lock.unlock();
        }
        watchRemoteClose(s, events);
        events.opened(this, s.protocol());
        OutputStream out = s.out();
        try {
            while (true) {
                byte[] frame = nextFrame();
                if (frame == null) {
                    break;
                }
                LengthPrefixed.write(out, frame);
                sentRpcs.incrementAndGet();
                sentBytes.addAndGet(frame.length);
                if (isIdle()) {
                    out.flush();
                    lock.lock();
                    try {
                        writing = false;
                        if (lanes.isEmpty()) {
                            drained.signalAll();
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
            events.ended(this, null);
        } catch (IOException | RuntimeException e) {
            close();
            events.ended(this, e);
        } catch (InterruptedException e) {
            close();
            events.ended(this, e);
        }
    }

    /** The remote never writes on our stream: a read returning means it closed or refused it. */
    private void watchRemoteClose(Stream s, Events events) {
        Thread.ofVirtual().name("pubsub-watch " + peer).start(() -> {
            Exception cause = null;
            try {
                InputStream in = s.in();
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                    // ignore anything sent on our outbound stream
                }
            } catch (IOException | RuntimeException e) {
                cause = e;
            }
            remoteEnded.countDown();
            boolean wasOpen;
            lock.lock();
            try {
                wasOpen = !lanes.isClosed();
            } finally {
                lock.unlock();
            }
            if (wasOpen) {
                close();
                events.ended(this, cause == null ? new IOException("remote closed the pubsub stream") : cause);
            }
        });
    }

    private boolean isIdle() {
        lock.lock();
        try {
            return lanes.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The next frame to write, control first; null once closed. */
    private byte[] nextFrame() throws InterruptedException {
        Rpc rpc;
        lock.lock();
        try {
            while (!lanes.isClosed() && lanes.isEmpty()) {
                ready.await();
            }
            if (lanes.isClosed()) {
                return null;
            }
            writing = true;
            rpc = lanes.poll();
        } finally {
            lock.unlock();
        }
        // Encoded outside the lock, so that the router queueing more is not held up; an RPC sent
        // to many peers (and each message in a batch) is encoded once and shared.
        return RpcCodec.encodedShared(rpc);
    }

    @Override
    public String toString() {
        return "PeerSender[" + peer + "]";
    }
}
