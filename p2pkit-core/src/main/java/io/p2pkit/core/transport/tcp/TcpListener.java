package io.p2pkit.core.transport.tcp;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ByteStreamConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A listening TCP socket. */
final class TcpListener implements Listener {
    private final ServerSocket server;
    private final Multiaddr address;
    private final TcpTransport transport;

    TcpListener(ServerSocket server, TcpTransport transport) {
        this.server = server;
        this.address = Multiaddr.of((InetSocketAddress) server.getLocalSocketAddress(), "tcp");
        this.transport = transport;
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    /** The bound socket address, used to dial out from the same port. */
    InetSocketAddress socketAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public ByteStreamConnection accept() throws IOException {
        Socket s = server.accept();
        try {
            TcpTransport.configure(s);
            return new TcpConnection(s, false);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            transport.listenerClosed(this);
        }
    }

    @Override
    public String toString() {
        return "tcp listener " + address;
    }
}
