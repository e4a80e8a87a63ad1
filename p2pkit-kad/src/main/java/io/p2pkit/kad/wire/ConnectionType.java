package io.p2pkit.kad.wire;

/** What the sender of a peer entry knows about its connection to that peer. */
public enum ConnectionType {
    /** No connection, no knowledge. */
    NOT_CONNECTED,
    /** Connected right now. */
    CONNECTED,
    /** Recently connected. */
    CAN_CONNECT,
    /** Recently failed to connect. */
    CANNOT_CONNECT;

    /** The type numbered {@code code}; unknown numbers read as {@link #NOT_CONNECTED}, as proto3 enums do. */
    public static ConnectionType of(long code) {
        return code >= 0 && code < values().length ? values()[(int) code] : NOT_CONNECTED;
    }
}
