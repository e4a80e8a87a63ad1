package io.p2pkit.quic;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.security.SecureConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The security facts of a QUIC connection: TLS 1.3 ran inside QUIC's handshake, so there is no
 * separate secured byte pipe. The byte-pipe methods refuse; data travels on the streams.
 */
record QuicSecurity(PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey, QuicConnection connection)
        implements SecureConnection {
    /** The protocol name reported for QUIC's built-in security, as go-libp2p reports it. */
    static final String PROTOCOL = "/quic-v1";

    @Override
    public String securityProtocol() {
        return PROTOCOL;
    }

    @Override
    public Optional<String> earlyMuxer() {
        return Optional.of(PROTOCOL);
    }

    // No byte stream of its own: the connection's methods say so.
    @Override
    public InputStream in() {
        return connection.in();
    }

    @Override
    public OutputStream out() {
        return connection.out();
    }

    @Override
    public void closeWrite() throws IOException {
        connection.closeWrite();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    @Override
    public String toString() {
        return "QuicSecurity[" + remotePeer + "]";
    }
}
