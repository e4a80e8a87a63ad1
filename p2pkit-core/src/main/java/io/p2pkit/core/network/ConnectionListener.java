package io.p2pkit.core.network;

/**
 * Told about connections as they open and close. Called on the thread that opened or closed the
 * connection: return quickly and hand long work to another thread.
 */
public interface ConnectionListener {
    /** A connection is up: secured, multiplexed and registered. */
    default void connected(Connection connection) {
    }

    /** A connection closed, by either side or an error. */
    default void disconnected(Connection connection) {
    }
}
