/**
 * The WebSocket transport ({@code /ws}, {@code /wss}): RFC 6455 on blocking sockets. The API is
 * {@code WebSocketTransport} with its {@code WebSocketConfig}, {@code WssTls} for certificates and
 * {@code WebSocketException}; the framing and the HTTP handshake are package-private.
 */
module io.p2pkit.websocket {
    requires transitive io.p2pkit.core;
    requires org.bouncycastle.provider; // PEM keys for wss (WssTls)
    requires org.bouncycastle.pkix;

    exports io.p2pkit.websocket;
}
