package io.p2pkit.webtransport;

import io.netty.channel.Channel;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.security.noise.NoiseExtensions;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One UDP socket serving WebTransport: hands out sessions once their Noise handshake proved the
 * remote. Its address carries the hashes of the current and the next certificate, so it changes
 * when the certificates rotate.
 */
final class WebTransportListener implements Listener, WebTransportSession.Owner {
    private static final Object END = new Object();

    private final WebTransportTransport transport;
    private final ArrayBlockingQueue<Object> pending;
    private final Set<WebTransportSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SecureRandom random = new SecureRandom();
    private volatile Channel udp;
    private volatile Multiaddr bound;

    WebTransportListener(WebTransportTransport transport, int maxPending) {
        this.transport = transport;
        this.pending = new ArrayBlockingQueue<>(maxPending + 1);
    }

    void bound(Channel udp) {
        this.udp = udp;
        this.bound = WebTransportAddresses.multiaddr((InetSocketAddress) udp.localAddress());
    }

    /** The Noise side of a handshake: this host's identity and the certificate hashes as extensions. */
    @Override
    public NoiseTransport noise() {
        return new NoiseTransport(transport.identity(), NoiseExtensions.of(transport.certificates().hashes(), List.of()),
                random);
    }

    @Override
    public Duration handshakeTimeout() {
        return transport.config().handshakeTimeout();
    }

    @Override
    public Duration streamOpenTimeout() {
        return transport.config().streamOpenTimeout();
    }

    void sessionStarted(WebTransportSession s) {
        sessions.add(s);
    }

    @Override
    public boolean offer(WebTransportSession s) {
        return !closed.get() && pending.remainingCapacity() > 1 && pending.offer(s);
    }

    @Override
    public void sessionClosed(WebTransportSession s) {
        sessions.remove(s);
    }

    /** Sessions open now, authenticated or not (for leak tests). */
    int sessionCount() {
        return sessions.size();
    }

    @Override
    public Multiaddr address() {
        return bound.encapsulate(transport.certificates().certhashComponents());
    }

    @Override
    public ReadyConnection accept() throws IOException {
        try {
            Object next = pending.take();
            if (next == END) {
                pending.offer(END);
                throw new IOException("WebTransport listener on " + bound + " is closed");
            }
            return (WebTransportSession) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting on " + bound);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pending.offer(END);
        Channel ch = udp;
        if (ch != null) {
            ch.close(); // closes every QUIC connection of the socket
        }
        transport.listenerClosed(this);
    }

    @Override
    public String toString() {
        return "WebTransportListener[" + bound + "]";
    }
}
