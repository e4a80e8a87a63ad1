package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outbound GraphSync stream to one peer. GraphSync streams carry messages one way: this node
 * writes its requests and responses on a stream it opened, and reads the peer's on streams the
 * peer opened, as go-graphsync does. Writers take turns; a write that takes longer than the send
 * timeout (a peer that does not read) resets the stream, and a reset stream is replaced once.
 */
final class PeerOutbox {
    private final PeerId peer;
    private final Host host;
    private final Duration sendTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private Stream stream;

    PeerOutbox(PeerId peer, Host host, Duration sendTimeout) {
        this.peer = peer;
        this.host = host;
        this.sendTimeout = sendTimeout;
    }

    /** Sends one message, opening a stream when there is none or the last one failed. */
    void send(Message m) throws IOException {
        byte[] bytes = MessageCodec.encode(m);
        lock.lock();
        try {
            try {
                write(bytes);
            } catch (IOException first) {
                drop();
                write(bytes);
            }
        } catch (IOException e) {
            drop();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] bytes) throws IOException {
        if (stream == null) {
            stream = host.newStream(peer, GraphSync.PROTOCOL);
        }
        Stream s = stream;
        ScheduledFuture<?> deadline = host.scheduler().schedule(s::reset, sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            LengthPrefixed.write(s.out(), bytes);
            s.out().flush();
        } finally {
            deadline.cancel(false);
        }
    }

    private void drop() {
        if (stream != null) {
            stream.reset();
            stream = null;
        }
    }

    /** Closes the stream (the peer reads to its end). */
    void close() {
        lock.lock();
        try {
            if (stream != null) {
                try {
                    stream.closeWrite();
                } catch (IOException e) {
                    stream.reset();
                }
                stream = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
