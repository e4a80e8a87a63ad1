package io.p2pkit.webrtc.mux;

import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The DTLS datagrams one remote address sends to a {@link UdpMux}, as BouncyCastle's
 * {@link DatagramTransport}: a bounded queue filled by the mux's reader (a full queue drops, as
 * the network would) and sends straight to the shared socket. A queued datagram is charged to
 * the peer's {@link MemoryScope} until it is read; a refused reservation drops it (DTLS and SCTP
 * retransmit).
 */
public final class UdpPeer implements DatagramTransport {
    /** Largest datagram DTLS may send: the 1280-byte IPv6 minimum MTU less IP and UDP headers. */
    public static final int SEND_LIMIT = 1280 - 48;

    private static final byte[] CLOSED = new byte[0];

    private final UdpMux mux;
    private final InetSocketAddress remote;
    private final BlockingQueue<byte[]> queue;
    /** What a TURN Send indication adds around a datagram (header, XOR-PEER-ADDRESS, DATA's header, FINGERPRINT). */
    static final int RELAY_OVERHEAD = 20 + 12 + 4 + 8;

    private final MemoryScope memory;
    private final UdpRelay via; // null: straight from the socket
    private volatile boolean closed;

    UdpPeer(UdpMux mux, InetSocketAddress remote, int capacity, MemoryScope memory, UdpRelay via) {
        this.mux = mux;
        this.remote = remote;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.memory = memory;
        this.via = via;
    }

    /** The remote address. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** The mux this peer belongs to. */
    public UdpMux mux() {
        return mux;
    }

    void offer(byte[] datagram) {
        if (closed || !mux.reserve(datagram.length)) {
            return;
        }
        try {
            // ALWAYS: these datagrams carry the acknowledgements that free the connection's memory
            memory.reserveMemory(datagram.length, MemoryPriority.ALWAYS);
        } catch (ResourceLimitException e) {
            mux.release(datagram.length);
            return; // dropped, as a full queue drops
        }
        if (!queue.offer(datagram)) {
            released(datagram.length);
        } else if (closed && queue.remove(datagram)) {
            released(datagram.length); // close() drained the queue before this one went in
        }
    }

    private void released(int n) {
        mux.release(n);
        memory.releaseMemory(n);
    }

    @Override
    public int getReceiveLimit() {
        return UdpMux.MAX_DATAGRAM;
    }

    /** {@link #SEND_LIMIT}, less what a relay wraps around each datagram when this peer is reached through one. */
    @Override
    public int getSendLimit() {
        return via == null ? SEND_LIMIT : SEND_LIMIT - RELAY_OVERHEAD;
    }

    /** Waits up to {@code waitMillis} for a datagram; -1 when none came, an exception once closed. */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        byte[] d;
        try {
            d = queue.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a datagram");
        }
        if (d == null) {
            return -1;
        }
        if (d == CLOSED) {
            queue.offer(CLOSED); // for the next receiver too
            throw new ClosedChannelException();
        }
        released(d.length);
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (via != null) {
            via.send(buf, off, len, remote);
        } else {
            mux.send(buf, off, len, remote);
        }
    }

    /** Whether this peer was closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Unregisters from the mux and wakes a waiting receiver. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        mux.unregister(this);
        byte[] d;
        while ((d = queue.poll()) != null) {
            if (d != CLOSED) {
                released(d.length);
            }
        }
        queue.offer(CLOSED);
    }
}
