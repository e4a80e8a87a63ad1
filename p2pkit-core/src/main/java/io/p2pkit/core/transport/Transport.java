package io.p2pkit.core.transport;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;
import java.time.Duration;

/** Moves bytes: dials and listens on the multiaddrs it understands (TCP, memory, later WebSocket). */
public interface Transport {
    /** Whether this transport can dial {@code address} (ignoring any trailing {@code /p2p/…}). */
    boolean canDial(Multiaddr address);

    /** Whether this transport can listen on {@code address}. */
    boolean canListen(Multiaddr address);

    /**
     * Opens a connection to {@code address}.
     *
     * @param timeout how long connecting may take
     * @throws IOException when the address cannot be reached in time
     */
    TransportConnection dial(Multiaddr address, Duration timeout) throws IOException;

    /**
     * Opens a connection to {@code address} meant for {@code expectedRemote}. A transport that
     * authenticates the remote itself (QUIC, returning a {@link ReadyConnection}) checks the peer
     * ID inside its handshake; the others ignore it, since the upgrader checks it later.
     *
     * @param expectedRemote the peer we mean to reach, or null for any
     */
    default TransportConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        return dial(address, timeout);
    }

    /** Starts listening on {@code address} (port 0 picks a free port). */
    Listener listen(Multiaddr address) throws IOException;
}
