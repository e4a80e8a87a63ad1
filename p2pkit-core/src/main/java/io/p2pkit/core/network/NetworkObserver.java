package io.p2pkit.core.network;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

/**
 * Told about dial outcomes and handshake times, for metrics. Called on network threads: return
 * quickly. Connection and stream events come through {@link ConnectionListener}.
 */
public interface NetworkObserver {
    /** A connection finished its security and muxer handshakes in {@code handshakeNanos}. */
    default void handshakeCompleted(Connection connection, long handshakeNanos) {
    }

    /** Dialing {@code address} of {@code peer} failed after {@code nanos}. */
    default void dialFailed(PeerId peer, Multiaddr address, Throwable cause, long nanos) {
    }

    /**
     * A connection to {@code address} of {@code peer} that left from a listening port failed its
     * security upgrade with {@code cause}, perhaps because it met the peer's dial to us in a TCP
     * simultaneous open, and the address is dialed once more from an ephemeral port.
     */
    default void redialedFromEphemeralPort(PeerId peer, Multiaddr address, Throwable cause) {
    }

    /** A dial of {@code peer} over all its addresses ended. */
    default void peerDialed(PeerId peer, boolean success) {
    }

    /**
     * A dial of {@code peer} ended after trying {@code addressesDialed} addresses in
     * {@code nanos} (go's {@code DialCompleted}: dials per peer and dial latency).
     */
    default void peerDialCompleted(PeerId peer, boolean success, int addressesDialed, long nanos) {
    }

    /**
     * A dial of {@code peer} got its first connection from an address that the ranking held back
     * for {@code nanos} after the dial began (go's {@code DialRankingDelay}: 0 for an address
     * dialed at once). Called once per successful peer dial.
     */
    default void dialRankingDelay(PeerId peer, long nanos) {
    }
}
