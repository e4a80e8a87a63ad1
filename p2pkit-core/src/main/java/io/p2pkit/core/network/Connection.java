package io.p2pkit.core.network;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.ConnectionSpan;

import java.io.Closeable;
import java.time.Instant;
import java.util.Optional;

/**
 * A secured, multiplexed connection to one peer. Streams are opened on it with
 * {@code host.newStream(connection, protocols…)}, which negotiates the protocol.
 */
public interface Connection extends Closeable {
    /** A number unique within this node, for logs and events. */
    long id();

    /** The authenticated remote peer. */
    PeerId remotePeer();

    /** The remote's identity key. */
    PublicKey remotePublicKey();

    /** This end's address. */
    Multiaddr localAddress();

    /** The remote end's address, as seen from here. */
    Multiaddr remoteAddress();

    /** Who opened the connection. */
    Direction direction();

    /** The security protocol ID, for example {@code /noise}. */
    String security();

    /** The muxer protocol ID, for example {@code /yamux/1.0.0}. */
    String muxer();

    /** Whether the muxer was agreed inside the security handshake. */
    boolean earlyMuxerNegotiation();

    /** When the connection was established. */
    Instant opened();

    /** How many streams are open on it now. */
    int streamCount();

    /** The connection's resource reservation. */
    ConnectionSpan resources();

    /**
     * The limits of a limited connection (relayed through a relay that caps its duration and
     * data); empty for a direct or unlimited one. Streams run on a limited connection only for
     * protocols that opt in ({@code LimitedConnections.ALLOW}).
     */
    default Optional<ConnectionLimit> limit() {
        return Optional.empty();
    }

    /** Whether the connection is limited: see {@link #limit()}. */
    default boolean isLimited() {
        return limit().isPresent();
    }

    /** Whether the connection has closed. */
    boolean isClosed();

    /** Closes the connection and every stream on it. Idempotent. */
    @Override
    void close();
}
