package io.p2pkit.core.security;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.util.List;

/**
 * A security protocol that turns a raw connection into a {@link SecureConnection}: it runs its
 * handshake over the byte pipe, authenticates the remote's peer ID, and returns a byte pipe that
 * encrypts. Noise, TLS and plaintext are the built-in ones; a host takes any through its
 * {@link Factory}.
 */
public interface SecureTransport {
    /** The protocol ID negotiated for it with multistream-select. */
    String protocolId();

    /**
     * Runs the handshake as the dialer.
     *
     * @param expectedRemote the peer we meant to reach, or null to accept any; a mismatch is a
     *                       {@link HandshakeException}
     */
    SecureConnection secureOutbound(RawConnection connection, PeerId expectedRemote) throws IOException;

    /** Runs the handshake as the listener. */
    SecureConnection secureInbound(RawConnection connection) throws IOException;

    /**
     * Runs the handshake as the dialer, charging the secured connection's frame buffers to
     * {@code memory} before they are allocated. Transports without buffers of their own ignore it
     * (the default).
     */
    default SecureConnection secureOutbound(RawConnection connection, PeerId expectedRemote, MemoryScope memory)
            throws IOException {
        return secureOutbound(connection, expectedRemote);
    }

    /** Runs the handshake as the listener, charging frame buffers to {@code memory} (see above). */
    default SecureConnection secureInbound(RawConnection connection, MemoryScope memory) throws IOException {
        return secureInbound(connection);
    }

    /**
     * Makes a security protocol for a host. {@code HostBuilder.security} takes one per protocol, in
     * preference order, for example {@code NoiseTransport::new}.
     */
    @FunctionalInterface
    interface Factory {
        /**
         * A new security protocol for the host whose identity is {@code identity}.
         *
         * @param muxers the host's muxer protocol IDs in preference order, for protocols that agree
         *               on the muxer inside their handshake (Noise extensions, TLS ALPN); others ignore them
         */
        SecureTransport create(PrivateKey identity, List<String> muxers);
    }
}
