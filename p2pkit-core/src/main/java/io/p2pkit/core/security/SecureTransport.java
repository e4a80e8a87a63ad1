package io.p2pkit.core.security;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;

/** A security protocol that turns a raw connection into a {@link SecureConnection}. */
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
}
