package io.p2pkit.webrtc.transport;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.webrtc.datachannel.DataChannels;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.muxer.WebRtcMuxedConnection;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WebRTC connection: a WebRTC-direct one after Noise, or a browser-to-browser one ({@code /webrtc})
 * after signalling. DTLS secures it, the data channels are its streams, so the network takes it
 * without its upgrader.
 */
final class WebRtcDirectConnection implements ReadyConnection {
    /**
     * How long a WebRTC-direct listener's first stream waits for the dialer to open one of its own.
     * The listener sends Noise's last message, so it is ready before the dialer, and rust-libp2p
     * (libp2p-webrtc 0.10.0-alpha) takes channels only once its handshake has returned: a channel opened in
     * between is never seen there, and its stream hangs. A dialer that opens a stream is past that
     * point; one that opens none costs the listener's first stream this wait.
     */
    static final Duration DIALER_READY_WAIT = Duration.ofMillis(500);

    private final DtlsAssociation association;
    private final DataChannels channels;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remoteKey;
    private final Multiaddr localAddress;
    private final Multiaddr remoteAddress;
    private final Runnable onClose;
    private final String protocol;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile MemoryScope memory;
    private volatile WebRtcMuxedConnection streams;
    /** System.nanoTime until which the first stream waits for the remote's first channel; 0: none. */
    private volatile long holdOpensUntil;

    WebRtcDirectConnection(DtlsAssociation association, DataChannels channels, MemoryScope memory, PeerId localPeer, PublicKey remoteKey, Multiaddr localAddress,
                           Multiaddr remoteAddress, Runnable onClose) {
        this(association, channels, memory, localPeer, remoteKey, localAddress, remoteAddress, onClose,
                WebRtcDirectTransport.PROTOCOL);
        if (!association.isDialer()) {
            holdOpensUntil = System.nanoTime() + DIALER_READY_WAIT.toNanos();
        }
    }

    /** A connection reporting {@code protocol} as its security and muxer protocol. */
    WebRtcDirectConnection(DtlsAssociation association, DataChannels channels, MemoryScope memory, PeerId localPeer, PublicKey remoteKey, Multiaddr localAddress,
                           Multiaddr remoteAddress, Runnable onClose, String protocol) {
        this.association = association;
        this.channels = channels;
        this.memory = memory;
        this.streams = new WebRtcMuxedConnection(channels, memory);
        this.localPeer = localPeer;
        this.remoteKey = remoteKey;
        this.remotePeer = remoteKey.toPeerId();
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.onClose = onClose;
        this.protocol = protocol;
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    /** DTLS encrypts; Noise over channel 0 (WebRTC-direct) or the signalled SDP ({@code /webrtc}) authenticated the peers. */
    @Override
    public String securityProtocol() {
        return protocol;
    }

    /** The data channels are the streams; no muxer is negotiated. */
    @Override
    public String muxerProtocol() {
        return protocol;
    }

    @Override
    public boolean earlyMuxerNegotiation() {
        return true;
    }

    /**
     * Streams opened or accepted from now on charge their read buffers to {@code memory}. The
     * network hands over the span the association has charged from its start (the one the listener
     * opened, or the one the dial was given), and then nothing changes; only a connection made
     * outside a network (charged to nothing) moves its streams to another scope.
     */
    @Override
    public void chargeTo(MemoryScope memory) {
        Objects.requireNonNull(memory, "memory");
        if (memory != this.memory) {
            this.memory = memory;
            streams = new WebRtcMuxedConnection(channels, memory);
        }
    }

    /** The span the listener opened when it admitted the dialer (inbound); the network takes it. */
    @Override
    public Optional<ConnectionSpan> span() {
        return association.span();
    }

    @Override
    public MuxedStream openStream() throws IOException {
        long until = holdOpensUntil;
        if (until != 0) {
            channels.awaitRemoteOpen(Duration.ofNanos(until - System.nanoTime()));
            holdOpensUntil = 0;
        }
        return streams.openStream();
    }

    @Override
    public MuxedStream acceptStream() throws IOException {
        MuxedStream s = streams.acceptStream();
        if (s == null) {
            close(); // the association ended: give back the socket slot now
        }
        return s;
    }

    @Override
    public boolean isClosed() {
        return closed.get() || channels.isClosed();
    }

    /** Shuts SCTP down (queued data first, at most its shutdown timeout), then closes DTLS. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channels.close(); // ends channel 0 too
        } finally {
            try {
                association.close();
            } catch (RuntimeException e) {
                // the DTLS close_notify could not be sent: the association is gone anyway
                System.getLogger(WebRtcDirectConnection.class.getName())
                        .log(System.Logger.Level.DEBUG, "closing DTLS: " + e);
            }
            onClose.run();
        }
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "WebRtcDirectConnection[" + localAddress + " <-> " + remoteAddress + ", " + remotePeer + "]";
    }
}
