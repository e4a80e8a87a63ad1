package io.p2pkit.nat.relay;

import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.transport.ByteStreamConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One end of a relayed connection before its upgrade: the hop stream (dialer) or stop stream
 * (listener) used as a raw byte pipe, which the host then secures and multiplexes end to end, as
 * over TCP. Its remote address is {@code <relay address>/p2p/<relay>/p2p-circuit}, as in go-libp2p.
 */
final class RelayedConnection implements ByteStreamConnection {
    private final Stream stream;
    private final Multiaddr remote;
    private final Optional<ConnectionLimit> limit;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    RelayedConnection(Stream stream, Optional<ConnectionLimit> limit) {
        this.stream = stream;
        Multiaddr relayAddress = stream.connection().remoteAddress().withoutPeerId();
        this.remote = relayAddress.encapsulate("/p2p/" + stream.remotePeer()).encapsulate("/p2p-circuit");
        this.limit = limit;
    }

    @Override
    public InputStream in() {
        return stream.in();
    }

    @Override
    public OutputStream out() {
        return stream.out();
    }

    @Override
    public void closeWrite() throws IOException {
        stream.closeWrite();
    }

    @Override
    public Multiaddr localAddress() {
        return stream.connection().localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public Optional<ConnectionLimit> limit() {
        return limit;
    }

    /** Completes when the connection is closed (the stop handler waits on it to keep the stream). */
    CompletableFuture<Void> closed() {
        return closed;
    }

    /** Resets the stream: the relay then resets the other side, as go-libp2p's {@code Conn.Close}. */
    @Override
    public void close() {
        stream.reset();
        closed.complete(null);
    }

    @Override
    public String toString() {
        return "RelayedConnection[" + remote + (limit.isPresent() ? " limited" : "") + "]";
    }
}
