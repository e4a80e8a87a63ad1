package io.p2pkit.core.network;

import io.p2pkit.core.Direction;

/**
 * Told about connections and streams as they open and close. Called on the thread that opened or closed the
 * connection: return quickly and hand long work to another thread.
 */
public interface ConnectionListener {
    /** A connection is up: secured, multiplexed and registered. */
    default void connected(Connection connection) {
    }

    /** A connection closed, by either side or an error. */
    default void disconnected(Connection connection) {
    }

    /** A stream on {@code connection} agreed on {@code protocol} (for outbound streams: proposed it). */
    default void streamOpened(Connection connection, String protocol, Direction direction) {
    }

    /** A stream reported by {@link #streamOpened} was closed or reset. */
    default void streamClosed(Connection connection, String protocol, Direction direction) {
    }
}
