/**
 * The QUIC v1 transport ({@code /quic-v1}) on Netty's native QUIC: {@code QuicTransport} and its
 * {@code QuicConfig}. The only module with Netty; no Netty type is part of its API.
 */
module io.p2pkit.quic {
    requires transitive io.p2pkit.core;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.handler;
    requires io.netty.codec.classes.quic;
    requires io.netty.transport.classes.epoll;   // UDP GSO on Linux
    requires io.netty.transport.unix.common;

    exports io.p2pkit.quic;
    // the live send capacity, for WebTransport's FIN gate (quiche bug, see docs/QUIC.md), the buffer
    // pool and the UDP sockets and packet settings
    exports io.p2pkit.quic.internal to io.p2pkit.webtransport;
}
