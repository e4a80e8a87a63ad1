package io.p2pkit.core.transport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceManager;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Dials and listens on the multiaddrs it understands (TCP, WebSocket, QUIC, memory). What it
 * hands over is a {@link TransportConnection}: a {@link ByteStreamConnection} the network upgrades,
 * or a {@link ReadyConnection} it secured and multiplexed itself. The network closes its
 * transports when it closes.
 */
public interface Transport extends Closeable {
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
     * authenticates the remote itself (one returning a {@link ReadyConnection}) checks the peer ID
     * inside its handshake; the others ignore it, since the upgrader checks it later.
     *
     * @param expectedRemote the peer we mean to reach, or null for any
     */
    default TransportConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        return dial(address, timeout);
    }

    /**
     * Opens a connection as {@link #dial(Multiaddr, PeerId, Duration)} does, charging what the
     * transport holds for it while it dials to {@code memory}: the span the network opened for the
     * connection before the dial. A transport that runs a handshake of its own (WebRTC's DTLS and
     * SCTP) buffers data before it hands the connection over; the others hold nothing yet, and
     * the default ignores {@code memory}.
     */
    default TransportConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout, MemoryScope memory)
            throws IOException {
        return dial(address, expectedRemote, timeout);
    }

    /**
     * Whether this transport's connections can be carried inside a private network
     * ({@link io.p2pkit.core.pnet}): true for a transport handing over byte streams, which the
     * upgrader encrypts with the network's key; a transport that secures its own connections (one
     * returning {@link ReadyConnection}s, such as QUIC) must answer false, and a host in a private
     * network then refuses to be built with it.
     */
    default boolean supportsPrivateNetwork() {
        return true;
    }

    /** Starts listening on {@code address} (port 0 picks a free port). */
    Listener listen(Multiaddr address) throws IOException;

    /**
     * Starts listening on {@code address} for a host whose connections are charged to
     * {@code resources}. A transport that runs handshakes before it hands connections over (WebRTC)
     * opens each one's span there when it admits it ({@link TransportConnection#span()}), so that
     * half-open handshakes are counted and refused by the limits; the default ignores
     * {@code resources}, since the network opens the span of each connection it accepts.
     */
    default Listener listen(Multiaddr address, ResourceManager resources) throws IOException {
        return listen(address);
    }

    /**
     * Releases what the transport holds beyond its listeners and connections (which the network
     * closes first), such as QUIC's sockets and event loop. The default holds nothing. Idempotent.
     */
    @Override
    default void close() throws IOException {
    }

    /**
     * Makes a transport for a host, given the host's identity (a transport that secures its own
     * connections, such as QUIC, makes its certificate from it). {@code HostBuilder.transport}
     * takes one per transport, for example {@code QuicTransport::new} or {@code key -> new TcpTransport()}.
     */
    @FunctionalInterface
    interface Factory {
        /** A new transport for the host whose identity is {@code identity}. */
        Transport create(PrivateKey identity);
    }
}
