package io.p2pkit.websocket;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.SocketSafeInterrupt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * An upgraded WebSocket connection as a {@link ByteStreamConnection}: reads yield the payloads of
 * the peer's binary messages, writes go out as binary frames (one per flush). Pings are answered
 * on the reading thread. The close handshake maps onto a half-close: the peer's close frame ends
 * our input, {@link #closeWrite()} sends our close frame (ending the peer's input) while reading
 * goes on until the peer's close arrives, and {@link #close()} sends it if not yet sent.
 */
final class WebSocketConnection implements ByteStreamConnection {
    private final Socket socket;
    private final FrameReader in;
    private final FrameWriter out;
    private final Multiaddr local;
    private final Multiaddr remote;
    private volatile int closeStatusReceived = -1;

    /**
     * @param socket the socket after the opening handshake (an {@code SSLSocket} for wss)
     * @param input  the socket's buffered input, positioned right after the handshake
     * @param client whether this side dialed (clients mask, servers expect masks)
     */
    WebSocketConnection(Socket socket, InputStream input, boolean client, WebSocketConfig config,
                        Multiaddr local, Multiaddr remote) throws IOException {
        this.socket = socket;
        this.local = local;
        this.remote = remote;
        // A cancelled command must not close the connection under every stream (SocketSafeInterrupt).
        this.out = new FrameWriter(SocketSafeInterrupt.shield(socket.getOutputStream()), client,
                config.writeBufferBytes());
        this.in = new FrameReader(input, !client, config.maxFramePayload(), config.maxMessageBytes(),
                new FrameReader.ControlHandler() {
                    @Override
                    public void ping(byte[] payload) throws IOException {
                        out.pong(payload);
                    }

                    @Override
                    public void closeReceived(int status, String reason) {
                        // Our close answers when this side finishes writing (closeWrite or close),
                        // which RFC 6455 section 5.5.1 allows; answering at once would cut off what
                        // this side still has to say, and the raw connection promises a half-close.
                        closeStatusReceived = status;
                    }

                    @Override
                    public void failed(WebSocketException e) {
                        out.trySendClose(e.status(), e.getMessage());
                    }
                });
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    /** Sends a ping; the peer's pong is consumed by the reading side. */
    public void ping(byte[] payload) throws IOException {
        out.ping(payload.clone());
    }

    /** The status of the peer's close frame, or -1 while none arrived. */
    public int closeStatusReceived() {
        return closeStatusReceived;
    }

    @Override
    public void closeWrite() throws IOException {
        out.sendClose(CloseStatus.NORMAL, "");
    }

    @Override
    public void close() throws IOException {
        try {
            // Best effort: a writer stuck on a full socket must not keep close() waiting.
            out.trySendClose(CloseStatus.NORMAL, "");
        } finally {
            socket.close();
        }
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "websocket " + local + " <-> " + remote;
    }
}
