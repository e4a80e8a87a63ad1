package io.p2pkit.core.transport.memory;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ByteStreamConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A {@code /memory/<n>} listener: a bounded backlog of connections waiting for {@link #accept()}. */
final class MemoryListener implements Listener {
    private final MemoryNetwork network;
    private final long number;
    private final MemoryTransport transport;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<MemoryTransportConnection> backlog = new ArrayDeque<>();
    private boolean closed;

    MemoryListener(MemoryNetwork network, long number, MemoryTransport transport) {
        this.network = network;
        this.number = number;
        this.transport = transport;
    }

    long number() {
        return number;
    }

    @Override
    public Multiaddr address() {
        return MemoryTransport.address(number);
    }

    /** Queues an inbound connection; false when closed or the backlog is full. */
    boolean offer(MemoryTransportConnection connection) {
        lock.lock();
        try {
            if (closed || backlog.size() >= MemoryNetwork.BACKLOG) {
                return false;
            }
            backlog.addLast(connection);
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ByteStreamConnection accept() throws IOException {
        lock.lock();
        try {
            while (backlog.isEmpty()) {
                if (closed) {
                    throw new IOException("listener " + address() + " is closed");
                }
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while accepting on " + address());
                }
            }
            return backlog.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // Dialers whose connection was never accepted see it closed, as with a TCP reset.
            for (MemoryTransportConnection waiting : backlog) {
                waiting.close();
            }
            backlog.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        network.unregister(this);
        transport.listenerClosed(this);
    }

    @Override
    public String toString() {
        return "memory listener " + address();
    }
}
