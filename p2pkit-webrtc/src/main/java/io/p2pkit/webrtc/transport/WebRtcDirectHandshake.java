package io.p2pkit.webrtc.transport;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.noise.NoiseConnection;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.webrtc.datachannel.DataChannels;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.muxer.WebRtcMuxedConnection;
import io.p2pkit.webrtc.sctp.SctpConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What turns a DTLS association into a connection, on both sides: SCTP and the data channels,
 * then Noise XX on the negotiated channel 0 with the prologue binding both certificates. The
 * listener is the Noise initiator (as the spec and go-libp2p have it); the dialer responds. Noise
 * only authenticates: its cipher states are dropped, DTLS already encrypts every channel.
 */
final class WebRtcDirectHandshake {
    /** The channel id both sides agree on for Noise, without DCEP. */
    static final int NOISE_CHANNEL = 0;
    /**
     * How long the listener waits, once SCTP is up, before its first Noise message. rust-libp2p's
     * webrtc-rs opens its negotiated channel 0 only after its association is up and its accept
     * loop has started; a message on channel 0 arriving in between is taken as a new channel
     * without DCEP, which ends that loop, and the dialer's channel 0 never opens ("data channel
     * opening took longer than 10 seconds"). Measured with 80 connections per run:
     * 6-10 failed without the wait on a loaded machine, none of 320 with 5 ms.
     */
    static final Duration LISTENER_FIRST_MESSAGE_DELAY = Duration.ofMillis(5);

    private WebRtcDirectHandshake() {
    }

    /**
     * Runs SCTP and Noise over {@code association} before {@code deadline}, their buffers charged
     * to the association's memory scope (the connection's span); on failure the association is closed.
     *
     * @param expectedRemote the peer the dialer means to reach, or null (the listener takes any)
     */
    static WebRtcDirectConnection run(DtlsAssociation association, NoiseTransport noise, SctpConfig sctp,
                                      PeerId expectedRemote, Instant deadline, ScheduledExecutorService timer,
                                      Runnable onClose) throws IOException {
        MemoryScope memory = association.memory();
        DataChannels channels = DataChannels.start(association.transport(), association.isDialer(), sctp,
                memory, Set.of(NOISE_CHANNEL));
        // a remote that stalls inside the handshake: the abort makes the blocked reads fail
        ScheduledFuture<?> timeout = timer.schedule(() -> channels.abort("WebRTC-direct handshake timed out"),
                Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        try {
            channels.awaitEstablished(Duration.between(Instant.now(), deadline));
            if (!association.isDialer()) {
                pause(LISTENER_FIRST_MESSAGE_DELAY);
            }
            MuxedStream noiseStream = new WebRtcMuxedConnection(channels, memory).negotiatedStream(NOISE_CHANNEL);
            NoiseConnection authenticated = noise.authenticate(new StreamAsRaw(noiseStream),
                    !association.isDialer(), association.noisePrologue(), expectedRemote, memory);
            if (!timeout.cancel(false)) {
                throw new HandshakeException("WebRTC-direct handshake timed out");
            }
            return new WebRtcDirectConnection(association, channels, memory, noise.localPeer(),
                    authenticated.remotePublicKey(), address(association.localAddress()),
                    address(association.remoteAddress()), onClose);
        } catch (IOException | RuntimeException e) {
            timeout.cancel(false);
            channels.abort("WebRTC-direct handshake failed");
            closeQuietly(association);
            throw e;
        }
    }

    private static void pause(Duration delay) throws InterruptedIOException {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the WebRTC-direct handshake");
        }
    }

    /** {@code /ip4|ip6/…/udp/…/webrtc-direct}, as go writes a connection's addresses (no certhash). */
    static Multiaddr address(java.net.InetSocketAddress socket) {
        return Multiaddr.of(socket, "udp").encapsulate("/webrtc-direct");
    }

    static void closeQuietly(DtlsAssociation association) {
        try {
            association.close();
        } catch (RuntimeException e) {
            System.getLogger(WebRtcDirectHandshake.class.getName())
                    .log(System.Logger.Level.DEBUG, "closing a DTLS association: " + e);
        }
    }

    /** Channel 0 as the byte pipe Noise's handshake reads and writes. */
    private record StreamAsRaw(MuxedStream stream) implements RawConnection {
        @Override
        public InputStream in() {
            return stream.in();
        }

        @Override
        public OutputStream out() {
            return stream.out();
        }

        @Override
        public void closeWrite() throws IOException {
            stream.closeWrite();
        }

        /** Noise closes its connection only on failure: reset, as go does then. */
        @Override
        public void close() throws IOException {
            stream.reset();
        }
    }
}
