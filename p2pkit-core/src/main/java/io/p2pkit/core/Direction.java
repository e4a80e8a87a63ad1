package io.p2pkit.core;

/** Which side opened a connection or stream. */
public enum Direction {
    /** The remote opened it. */
    INBOUND,
    /** This side opened it. */
    OUTBOUND
}
