/**
 * Transports a browser can dial: WebRTC-direct (ICE-lite, DTLS 1.2, SCTP data channels, Noise over
 * the first channel), browser-to-browser WebRTC ({@code /webrtc}: SDP over a relayed connection,
 * full ICE, with a TURN client for relay candidates) and WebTransport. docs/WEBRTC.md describes them.
 */
module io.p2pkit.webrtc {
    requires transitive io.p2pkit.core;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires transitive org.bouncycastle.tls; // DtlsAssociation hands out its DatagramTransport; SCTP runs over one
    requires org.bouncycastle.util;

    exports io.p2pkit.webrtc.datachannel;
    exports io.p2pkit.webrtc.dtls;
    exports io.p2pkit.webrtc.ice;
    exports io.p2pkit.webrtc.mux;
    exports io.p2pkit.webrtc.muxer;
    exports io.p2pkit.webrtc.sctp;
    exports io.p2pkit.webrtc.sdp;
    exports io.p2pkit.webrtc.signaling;
    exports io.p2pkit.webrtc.stun;
    exports io.p2pkit.webrtc.transport;
    exports io.p2pkit.webrtc.turn;
}
