package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.mux.UdpMux;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One established DTLS 1.2 association of WebRTC-direct: the datagram transport SCTP runs on,
 * the two certificate fingerprints Noise binds in its prologue, and the memory scope its
 * datagrams were charged to, which SCTP and the streams above charge too.
 */
public final class DtlsAssociation implements AutoCloseable {
    /** The Noise prologue prefix of libp2p WebRTC. */
    static final byte[] PROLOGUE_PREFIX = "libp2p-webrtc-noise:".getBytes(StandardCharsets.UTF_8);

    private final DTLSTransport transport;
    private final boolean dialer;
    private final Multihash localFingerprint;
    private final Multihash remoteFingerprint;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final UdpMux ownedMux; // the dialer's own socket, closed with the association; else null
    private final MemoryScope memory;
    private final ConnectionSpan span; // the span opened when the dialer was admitted, closed with the association; else null

    DtlsAssociation(DTLSTransport transport, boolean dialer, Multihash localFingerprint, Multihash remoteFingerprint,
                    InetSocketAddress remoteAddress, InetSocketAddress localAddress, UdpMux ownedMux,
                    MemoryScope memory, ConnectionSpan span) {
        this.transport = transport;
        this.dialer = dialer;
        this.localFingerprint = localFingerprint;
        this.remoteFingerprint = remoteFingerprint;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.ownedMux = ownedMux;
        this.memory = memory;
        this.span = span;
    }

    /**
     * The application data of the association, one DTLS record per datagram: hand it to SCTP.
     * {@code receive} returns -1 when nothing came within the wait and throws once closed.
     */
    public DatagramTransport transport() {
        return transport;
    }

    /**
     * Where this association's buffers are charged: the span the listener opened when it
     * admitted the dialer, or the scope the dial was given (the span the network opened for it).
     */
    public MemoryScope memory() {
        return memory;
    }

    /**
     * The span the listener opened when it admitted the dialer, before any handshake: the
     * connection's span from then on (the network takes it). Closing the association closes it.
     * Empty on the dialing side, whose span belongs to whoever dialed.
     */
    public Optional<ConnectionSpan> span() {
        return Optional.ofNullable(span);
    }

    /** Whether this side dialed (DTLS client, ICE controlling, Noise responder). */
    public boolean isDialer() {
        return dialer;
    }

    /** The SHA-256 multihash of our certificate. */
    public Multihash localFingerprint() {
        return localFingerprint;
    }

    /** The SHA-256 multihash of the remote certificate (the dialer checked it against the certhash). */
    public Multihash remoteFingerprint() {
        return remoteFingerprint;
    }

    /** The remote UDP address. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The local UDP address (the listener's socket, or the dialer's own). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * The Noise prologue of the spec: {@code "libp2p-webrtc-noise:"}, then the dialer's fingerprint,
     * then the listener's, each as multihash bytes.
     */
    public byte[] noisePrologue() {
        Multihash a = dialer ? localFingerprint : remoteFingerprint;
        Multihash b = dialer ? remoteFingerprint : localFingerprint;
        return noisePrologue(a, b);
    }

    static byte[] noisePrologue(Multihash dialerFingerprint, Multihash listenerFingerprint) {
        byte[] a = dialerFingerprint.bytes();
        byte[] b = listenerFingerprint.bytes();
        byte[] out = new byte[PROLOGUE_PREFIX.length + a.length + b.length];
        System.arraycopy(PROLOGUE_PREFIX, 0, out, 0, PROLOGUE_PREFIX.length);
        System.arraycopy(a, 0, out, PROLOGUE_PREFIX.length, a.length);
        System.arraycopy(b, 0, out, PROLOGUE_PREFIX.length + a.length, b.length);
        return out;
    }

    /**
     * Sends close_notify, releases the peer's slot in the mux, closes the dialer's socket and the
     * span the listener opened.
     */
    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (ownedMux != null) {
                ownedMux.close();
            }
            if (span != null) {
                span.close();
            }
        }
    }
}
