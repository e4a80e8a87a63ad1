package io.p2pkit.core.transport;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;
import java.time.Duration;

/**
 * A transport whose dials may leave from a port it listens on (TCP with {@code SO_REUSEPORT}), so
 * that the remote observes an address it can dial back. Such a dial can cross the remote's dial
 * to this node in a TCP simultaneous open: one connection that both ends dialed, on which both
 * start the security handshake as its initiator, and both fail. The network then redials that
 * address once with {@link #dialFromEphemeralPort}, from which no simultaneous open can happen.
 * Hole punching wants the simultaneous open, fixes the security roles itself and never redials.
 */
public interface ListeningPortDialer {
    /** Whether {@code connection}, one this transport dialed, left from a port a listener of it holds. */
    boolean leftFromListeningPort(TransportConnection connection);

    /**
     * Dials {@code address} as {@link Transport#dial(Multiaddr, Duration)} does, but always from a
     * new ephemeral port.
     *
     * @throws IOException when the address cannot be reached in time
     */
    TransportConnection dialFromEphemeralPort(Multiaddr address, Duration timeout) throws IOException;
}
