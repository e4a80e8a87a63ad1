package io.p2pkit.core.swarm;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.StreamSpan;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A connection of a {@link Swarm}: its ready (secured, multiplexed) connection, its resource span and its streams. */
final class SwarmConnection implements Connection {
    private static final System.Logger LOG = LazyLogger.of(SwarmConnection.class);

    private final Swarm swarm;
    private final long id;
    private final ReadyConnection ready;
    private final Direction direction;
    private final ConnectionSpan span;
    private final Optional<ConnectionLimit> limit;
    private final Instant opened = Instant.now();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger streams = new AtomicInteger();

    SwarmConnection(Swarm swarm, long id, ReadyConnection ready, Direction direction, ConnectionSpan span,
                    Optional<ConnectionLimit> limit) {
        this.swarm = swarm;
        this.limit = limit;
        this.id = id;
        this.ready = ready;
        this.direction = direction;
        this.span = span;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public PeerId remotePeer() {
        return ready.remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return ready.remotePublicKey();
    }

    @Override
    public Multiaddr localAddress() {
        return ready.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return ready.remoteAddress();
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public String security() {
        return ready.securityProtocol();
    }

    @Override
    public String muxer() {
        return ready.muxerProtocol();
    }

    @Override
    public boolean earlyMuxerNegotiation() {
        return ready.earlyMuxerNegotiation();
    }

    @Override
    public Instant opened() {
        return opened;
    }

    @Override
    public int streamCount() {
        return streams.get();
    }

    @Override
    public ConnectionSpan resources() {
        return span;
    }

    @Override
    public Optional<ConnectionLimit> limit() {
        return limit;
    }

    @Override
    public boolean isClosed() {
        return closed.get() || ready.isClosed();
    }

    /** Opens an outbound stream, charged to the resource manager; its protocol is not negotiated yet. */
    SwarmStream openStream() throws IOException {
        StreamSpan s;
        try {
            s = span.openStream(Direction.OUTBOUND);
        } catch (IllegalStateException e) {
            throw new IOException("connection " + id + " is closed"); // closed between lookup and use
        }
        try {
            MuxedStream m = ready.openStream();
            streams.incrementAndGet();
            return new SwarmStream(swarm, this, m, s, Direction.OUTBOUND);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The next stream the remote opened, or null once the connection is closed. */
    MuxedStream acceptStream() throws IOException {
        return ready.acceptStream();
    }

    /** Counts an inbound stream accepted by the swarm. */
    void streamAccepted() {
        streams.incrementAndGet();
    }

    /** A stream of this connection was released. */
    void streamReleased() {
        streams.decrementAndGet();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ready.close();
        } catch (IOException e) {
            // closing anyway: the span and the registry are released below
            LOG.log(System.Logger.Level.DEBUG, () -> "closing " + this + ": " + e);
        } finally {
            span.close();
            swarm.connectionClosed(this);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + direction.name().toLowerCase() + " " + remotePeer() + " "
                + remoteAddress() + " " + security() + " " + muxer() + (limit.isPresent() ? " limited" : "") + "]";
    }
}
