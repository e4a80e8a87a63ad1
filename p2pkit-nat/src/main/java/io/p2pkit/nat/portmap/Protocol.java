package io.p2pkit.nat.portmap;

/** The transport protocol of a port mapping. */
public enum Protocol {
    /** TCP (the host's TCP and WebSocket listeners). */
    TCP,
    /** UDP (the host's QUIC listener). */
    UDP
}
