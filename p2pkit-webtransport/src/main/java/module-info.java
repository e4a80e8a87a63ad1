/**
 * The WebTransport transport ({@code /quic-v1/webtransport/certhash/…}), listener and dialer: HTTP/3 over
 * Netty's native QUIC, extended CONNECT, WebTransport streams as libp2p streams, Noise on the first
 * stream, and self-signed certificates rotated inside the 14-day window browsers accept.
 */
module io.p2pkit.webtransport {
    requires transitive io.p2pkit.core;
    requires transitive io.p2pkit.quic;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.handler;
    requires io.netty.codec.classes.quic;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports io.p2pkit.webtransport;
}
