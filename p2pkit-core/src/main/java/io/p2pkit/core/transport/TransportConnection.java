package io.p2pkit.core.transport;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * A connection as a transport hands it to the network, with the addresses of both ends. It is one
 * of two kinds, and says which by its type:
 *
 * <ul>
 *   <li>a {@link ByteStreamConnection} (TCP, WebSocket, memory): bytes only; the network secures and
 *       multiplexes it with its upgrader (multistream-select, Noise or TLS, yamux or mplex);</li>
 *   <li>a {@link ReadyConnection} (QUIC): secured and multiplexed by the transport itself; the
 *       network takes it as it is.</li>
 * </ul>
 *
 * The network does not ask which kind it got: it calls {@link #upgrade}, which each kind answers
 * for itself.
 */
public sealed interface TransportConnection extends Closeable permits ByteStreamConnection, ReadyConnection {
    /** The address of this end, for example {@code /ip4/127.0.0.1/tcp/4001}. */
    Multiaddr localAddress();

    /** The address of the remote end, as seen from here. */
    Multiaddr remoteAddress();

    /**
     * This connection secured and multiplexed, its buffers charged to {@code memory} (the
     * connection's resource span) from now on: a byte stream goes through {@code upgrader}, a ready
     * connection is returned as it is.
     */
    ReadyConnection upgrade(Upgrade upgrader, MemoryScope memory) throws IOException;

    /**
     * The limits a relay applies to this connection, if it is relayed and limited; the network
     * marks the connection limited ({@link io.p2pkit.core.network.Connection#limit()}). Empty by default.
     */
    default Optional<ConnectionLimit> limit() {
        return Optional.empty();
    }

    /**
     * The span the transport opened for this inbound connection when it admitted it, before its
     * handshake ({@link Transport#listen(Multiaddr, io.p2pkit.core.resource.ResourceManager)}); the
     * network takes it as the connection's span instead of opening one, and closing the connection
     * closes it. Empty by default: the network opens the span when it accepts the connection.
     */
    default Optional<ConnectionSpan> span() {
        return Optional.empty();
    }

    /** Closes the connection. Idempotent. */
    @Override
    void close() throws IOException;

    /** How the network secures and multiplexes a byte stream (the host's upgrader, with its direction and peer). */
    @FunctionalInterface
    interface Upgrade {
        /** Runs the security handshake and the muxer negotiation over {@code connection}. */
        ReadyConnection apply(ByteStreamConnection connection, MemoryScope memory) throws IOException;
    }
}
