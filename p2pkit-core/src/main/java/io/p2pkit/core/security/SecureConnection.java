package io.p2pkit.core.security;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.transport.RawConnection;

import java.util.Optional;

/** A connection after the security handshake: authenticated, encrypted, with the remote's identity. */
public interface SecureConnection extends RawConnection {
    /** This side's peer ID. */
    PeerId localPeer();

    /** The authenticated peer ID of the remote. */
    PeerId remotePeer();

    /** The remote's identity key, as proven in the handshake. */
    PublicKey remotePublicKey();

    /** The security protocol ID, for example {@code /noise} or {@code /tls/1.0.0}. */
    String securityProtocol();

    /** The muxer agreed during the handshake (Noise extensions or TLS ALPN), if both sides offered one. */
    Optional<String> earlyMuxer();
}
