package io.p2pkit.core.transport.tcp;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.LeanInputStream;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.SocketSafeInterrupt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A TCP socket as a {@link ByteStreamConnection}: the network upgrades it. */
final class TcpConnection implements ByteStreamConnection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final boolean fromListeningPort;

    /** @param fromListeningPort whether this node dialed it from a listening port (port reuse) */
    TcpConnection(Socket socket, boolean fromListeningPort) throws IOException {
        this.socket = socket;
        this.fromListeningPort = fromListeningPort;
        // Multistream reads small messages; the buffer for them is dropped while the connection is idle.
        this.in = new LeanInputStream(socket.getInputStream());
        // A cancelled command must not close the connection under every stream (SocketSafeInterrupt).
        this.out = SocketSafeInterrupt.shield(socket.getOutputStream());
        this.local = Multiaddr.of((InetSocketAddress) socket.getLocalSocketAddress(), "tcp");
        this.remote = Multiaddr.of((InetSocketAddress) socket.getRemoteSocketAddress(), "tcp");
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeWrite() throws IOException {
        if (!socket.isClosed() && !socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    /** Whether this node dialed it from a listening port, where a simultaneous open can join two dials. */
    boolean fromListeningPort() {
        return fromListeningPort;
    }

    @Override
    public String toString() {
        return "tcp " + local + " <-> " + remote;
    }
}
