package io.p2pkit.core.network;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.dial.DialPolicy;
import io.p2pkit.core.resource.ResourceManager;

import java.util.List;
import java.util.Optional;

/**
 * A host's network (its swarm) as applications see it: the live connections, the addresses
 * listened on, connection events, and the policies and accounting that bound them. Get it with
 * {@code host.network()}; dial and listen through the host.
 */
public interface Network {
    /** This node's peer ID. */
    PeerId localPeer();

    /** The resource manager every connection and stream is charged to. */
    ResourceManager resources();

    /** The dialing policy: ranking, back-off, black holes, circuit breakers, dial caps. */
    DialPolicy dialPolicy();

    /** The connection gater consulted at each step of dialing and accepting. */
    ConnectionGater connectionGater();

    /** Registers an observer of dials and handshakes (for metrics). */
    void addObserver(NetworkObserver observer);

    /** Registers a listener for connection and stream events. */
    void addConnectionListener(ConnectionListener listener);

    /** Removes a listener added with {@link #addConnectionListener}. */
    void removeConnectionListener(ConnectionListener listener);

    /** The addresses listened on, as bound (an unspecified address such as 0.0.0.0 stays as is). */
    List<Multiaddr> listenAddresses();

    /** Every live connection. */
    List<Connection> connections();

    /** Live connections to {@code peer}, oldest first. */
    List<Connection> connections(PeerId peer);

    /** A live connection to {@code peer}, if any (the one with the fewest streams). */
    Optional<Connection> connection(PeerId peer);

    /**
     * Whether one of this network's transports can dial {@code address} (its shape, not whether
     * the dial would succeed). AutoNAT's servers ask before offering to dial an address back.
     */
    boolean canDial(Multiaddr address);

    /**
     * Whether a transport of this network can hole punch to {@code address} by sending packets
     * ({@link io.p2pkit.core.transport.HolePuncher}: QUIC; TCP cannot).
     */
    boolean canPunch(Multiaddr address);

    /**
     * Sends one hole-punching packet of random bytes to {@code address} from the listening socket
     * our dials to it leave from (DCUtR over QUIC, the side that does not dial).
     *
     * @throws java.io.IOException when no transport can ({@link #canPunch} is false) or sending fails
     */
    void punch(Multiaddr address) throws java.io.IOException;

    /** Whether the network has been closed (with its host). */
    boolean isClosed();

    /** The threads this network runs now: accept loops, dials, connections' stream loops, stream handlers (for leak tests). */
    int threadCount();
}
