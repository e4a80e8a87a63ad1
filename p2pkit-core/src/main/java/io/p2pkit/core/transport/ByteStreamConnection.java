package io.p2pkit.core.transport;

import io.p2pkit.core.resource.MemoryScope;

import java.io.IOException;

/**
 * A transport connection that carries bytes only (TCP, WebSocket, memory): the network secures and
 * multiplexes it with its upgrader. A transport of this kind implements the byte pipe
 * ({@link #in()}, {@link #out()}, {@link #closeWrite()}, {@link #close()}) and the two addresses;
 * nothing else.
 *
 * <p>If its streams hold buffers of their own, they implement
 * {@link io.p2pkit.core.resource.MemoryCharged}: the upgrader then charges them to the
 * connection's resource span once it exists.
 */
public non-sealed interface ByteStreamConnection extends TransportConnection, RawConnection {
    /** Hands this byte stream to {@code upgrader}. */
    @Override
    default ReadyConnection upgrade(Upgrade upgrader, MemoryScope memory) throws IOException {
        return upgrader.apply(this, memory);
    }
}
