package io.p2pkit.quic;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** Hands out the inbound connections of one UDP socket, already secured and muxed. */
final class QuicListener implements Listener {
    private static final System.Logger LOG = LazyLogger.of(QuicListener.class);

    private static final Object END = new Object();

    private final QuicEndpoint endpoint;
    private final Multiaddr address;
    private final ArrayBlockingQueue<Object> pending;
    private final AtomicBoolean closed = new AtomicBoolean();

    QuicListener(QuicEndpoint endpoint, int maxPending) {
        this.endpoint = endpoint;
        this.address = QuicAddresses.multiaddr(endpoint.localAddress());
        this.pending = new ArrayBlockingQueue<>(maxPending + 1);
    }

    /** Queues a handshaken connection; false when the queue is full or the listener closed. */
    boolean offer(QuicConnection c) {
        return !closed.get() && pending.remainingCapacity() > 1 && pending.offer(c);
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    @Override
    public ReadyConnection accept() throws IOException {
        try {
            Object next = pending.take();
            if (next == END) {
                pending.offer(END);
                throw new IOException("QUIC listener on " + address + " is closed");
            }
            return (QuicConnection) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting on " + address);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Object c;
        while ((c = pending.poll()) != null) {
            if (c instanceof QuicConnection q) {
                try {
                    q.close();
                } catch (IOException e) {
                    // closing anyway
                    LOG.log(System.Logger.Level.DEBUG, () -> "closing a QUIC connection nobody accepted: " + e);
                }
            }
        }
        pending.offer(END);
        endpoint.listenerClosed();
    }

    @Override
    public String toString() {
        return "QuicListener[" + address + "]";
    }
}
