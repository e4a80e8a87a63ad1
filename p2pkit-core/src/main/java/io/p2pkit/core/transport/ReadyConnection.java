package io.p2pkit.core.transport;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.resource.MemoryScope;

/**
 * A connection secured and multiplexed, ready for streams: what the upgrader makes of a
 * {@link ByteStreamConnection}, and what a transport that secures and multiplexes by itself (QUIC,
 * with TLS 1.3 and streams built in) hands the network directly. The remote peer is authenticated.
 */
public non-sealed interface ReadyConnection extends TransportConnection, MuxedConnection {
    /** This side's peer ID. */
    PeerId localPeer();

    /** The authenticated peer ID of the remote. */
    PeerId remotePeer();

    /** The remote's identity key, as proven in the handshake. */
    PublicKey remotePublicKey();

    /** The security protocol, for example {@code /noise}, {@code /tls/1.0.0} or {@code /quic-v1}. */
    String securityProtocol();

    /** The muxer protocol, for example {@code /yamux/1.0.0} or {@code /quic-v1}. */
    String muxerProtocol();

    /** Whether the muxer was agreed inside the security handshake (or is built in), without a round trip of its own. */
    boolean earlyMuxerNegotiation();

    /**
     * Charges the buffers this connection holds for the application from now on to {@code memory}
     * (its resource span, which exists only once the connection does). The default charges nothing:
     * an upgraded connection's layers were given the span by the upgrader.
     */
    default void chargeTo(MemoryScope memory) {
    }

    /** Already ready: charges {@code memory} from now on and returns itself. */
    @Override
    default ReadyConnection upgrade(Upgrade upgrader, MemoryScope memory) {
        chargeTo(memory);
        return this;
    }
}
