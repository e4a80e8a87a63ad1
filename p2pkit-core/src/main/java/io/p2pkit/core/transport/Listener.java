package io.p2pkit.core.transport;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** A listening socket of a transport. */
public interface Listener extends Closeable {
    /** The address it listens on, with the real port when port 0 was asked for. */
    Multiaddr address();

    /**
     * The addresses other peers reach this listener at now; by default its one {@link #address()}.
     * A listener through relays (circuit relay v2) has as many as its relay has, and none while it
     * holds no reservation: the host announces these.
     */
    default List<Multiaddr> addresses() {
        return List.of(address());
    }

    /**
     * Waits for the next inbound connection: a byte stream to upgrade, or a connection the
     * transport already secured and multiplexed.
     *
     * @throws IOException once the listener is closed
     */
    TransportConnection accept() throws IOException;

    /** Stops listening; a thread blocked in {@link #accept()} gets an IOException. Idempotent. */
    @Override
    void close() throws IOException;
}
