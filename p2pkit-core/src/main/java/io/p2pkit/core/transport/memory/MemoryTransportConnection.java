package io.p2pkit.core.transport.memory;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.ByteStreamConnection;
import java.io.InputStream;
import java.io.OutputStream;

/** A {@link MemoryConnection} end made by a {@link MemoryTransport}, with the addresses of both ends. */
final class MemoryTransportConnection implements ByteStreamConnection {
    private final MemoryConnection connection;
    private final Multiaddr local;
    private final Multiaddr remote;

    MemoryTransportConnection(MemoryConnection connection, long local, long remote) {
        this.connection = connection;
        this.local = MemoryTransport.address(local);
        this.remote = MemoryTransport.address(remote);
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
    public InputStream in() {
        return connection.in();
    }

    @Override
    public OutputStream out() {
        return connection.out();
    }

    @Override
    public void closeWrite() {
        connection.closeWrite();
    }

    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "memory connection " + local + " -> " + remote;
    }
}
