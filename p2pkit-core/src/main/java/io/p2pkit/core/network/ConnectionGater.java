package io.p2pkit.core.network;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

/**
 * Decides, at each step of making a connection, whether it may go on (go-libp2p's connection
 * gater). Every method allows by default; returning false stops the dial or closes the
 * connection at that step. Called on network threads: return quickly, without blocking I/O.
 */
public interface ConnectionGater {
    /** Before dialing {@code peer} at all. */
    default boolean interceptPeerDial(PeerId peer) {
        return true;
    }

    /** Before dialing one address of {@code peer}. */
    default boolean interceptAddrDial(PeerId peer, Multiaddr address) {
        return true;
    }

    /** When a connection from {@code remote} arrives on {@code local}, before any handshake. */
    default boolean interceptAccept(Multiaddr local, Multiaddr remote) {
        return true;
    }

    /** Once the security handshake has authenticated {@code peer}, before muxer setup completes. */
    default boolean interceptSecured(Direction direction, PeerId peer, Multiaddr local, Multiaddr remote) {
        return true;
    }

    /** Once the connection is secured and multiplexed, before anyone can use it. */
    default boolean interceptUpgraded(Connection connection) {
        return true;
    }

    /** A gater that allows everything. */
    static ConnectionGater allowAll() {
        return new ConnectionGater() {
        };
    }
}
