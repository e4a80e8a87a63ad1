package io.p2pkit.kad.wire;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.List;
import java.util.Objects;

/**
 * A peer entry of a DHT message: a peer ID, its addresses and the sender's connection state.
 *
 * @param peerId     the peer
 * @param addresses  its addresses (entries that did not decode were dropped)
 * @param connection what the sender knows of its connection to the peer
 */
public record KadPeer(PeerId peerId, List<Multiaddr> addresses, ConnectionType connection) {
    /** Copies the address list. */
    public KadPeer {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(connection, "connection");
        addresses = List.copyOf(addresses);
    }

    /** An entry with {@link ConnectionType#NOT_CONNECTED}. */
    public KadPeer(PeerId peerId, List<Multiaddr> addresses) {
        this(peerId, addresses, ConnectionType.NOT_CONNECTED);
    }
}
