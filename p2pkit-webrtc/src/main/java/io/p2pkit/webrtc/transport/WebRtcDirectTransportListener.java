package io.p2pkit.webrtc.transport;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ListenerClosedException;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.dtls.WebRtcDirectListener;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebRTC-direct listen address: takes the DTLS associations its {@link WebRtcDirectListener}
 * finishes, runs SCTP and Noise on each in a virtual thread of its own (the DTLS listener already
 * bounds how many handshake at once), and queues the connections for {@link #accept()}.
 */
final class WebRtcDirectTransportListener implements Listener {
    private static final System.Logger LOG = LazyLogger.of(WebRtcDirectTransportListener.class);
    private static final Object END = new Object();
    private static final Duration POLL = Duration.ofMillis(500);

    private final WebRtcDirectTransport transport;
    private final WebRtcDirectListener dtls;
    private final Multiaddr address;
    /** Gives the socket back: closes it, or leaves it to the other family listening on it. */
    private final Runnable release;
    private final ArrayBlockingQueue<Object> pending;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param address what this listener reports (its family's wildcard when it shares a
     *                dual-stack socket with the other family's listener)
     * @param release called once on close, instead of closing {@code dtls} itself
     */
    WebRtcDirectTransportListener(WebRtcDirectTransport transport, WebRtcDirectListener dtls, Multiaddr address,
                                  int backlog, Runnable release) {
        this.transport = transport;
        this.dtls = dtls;
        this.address = address;
        this.release = release;
        this.pending = new ArrayBlockingQueue<>(backlog + 1);
    }

    void start() {
        Thread.ofVirtual().name("webrtc-direct-accept-" + address).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Optional<DtlsAssociation> next;
            try {
                next = dtls.accept(POLL);
            } catch (InterruptedException e) {
                return;
            }
            next.ifPresent(a -> Thread.ofVirtual().name("webrtc-direct-handshake-" + a.remoteAddress())
                    .start(() -> handshake(a)));
        }
    }

    private void handshake(DtlsAssociation a) {
        WebRtcDirectConnection c;
        try {
            c = transport.upgradeInbound(a);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "WebRTC-direct handshake with " + a.remoteAddress() + " failed: " + e);
            return;
        }
        if (closed.get() || pending.remainingCapacity() <= 1 || !pending.offer(c)) {
            closeQuietly(c);
        }
    }

    /** {@code /ip4|ip6/…/udp/…/webrtc-direct/certhash/…}: what dialers need, certhash included. */
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
                throw new ListenerClosedException("WebRTC-direct listener on " + address + " is closed");
            }
            return (WebRtcDirectConnection) next;
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
        release.run();
        Object c;
        while ((c = pending.poll()) != null) {
            if (c instanceof WebRtcDirectConnection w) {
                closeQuietly(w);
            }
        }
        pending.offer(END);
        transport.listenerClosed(this);
    }

    private static void closeQuietly(WebRtcDirectConnection c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a WebRTC-direct connection nobody accepted: " + e);
        }
    }

    @Override
    public String toString() {
        return "WebRtcDirectTransportListener[" + address + "]";
    }
}
