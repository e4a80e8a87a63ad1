package io.p2pkit.core.security;

import io.p2pkit.core.identity.PeerId;
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
}
