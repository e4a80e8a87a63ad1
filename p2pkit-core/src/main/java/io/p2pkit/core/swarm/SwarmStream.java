package io.p2pkit.core.swarm;

import io.p2pkit.core.Direction;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.StreamSpan;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream of a swarm connection from its opening to its release: the muxed stream, its resource
 * span, its place in the connection's stream count, and the events listeners get. The host
 * negotiates its protocol ({@link #protocolAgreed}) and releases it once when done
 * ({@link #release}); the swarm does the accounting.
 */
public final class SwarmStream {
    private static final System.Logger LOG = LazyLogger.of(SwarmStream.class);

    private final Swarm swarm;
    private final SwarmConnection connection;
    private final MuxedStream muxed;
    private final StreamSpan span;
    private final Direction direction;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile String protocol;

    SwarmStream(Swarm swarm, SwarmConnection connection, MuxedStream muxed, StreamSpan span, Direction direction) {
        this.swarm = swarm;
        this.connection = connection;
        this.muxed = muxed;
        this.span = span;
        this.direction = direction;
    }

    /** The muxer's stream, before and after negotiation. */
    public MuxedStream muxed() {
        return muxed;
    }

    /** Where memory held for this stream is charged: its peer's, protocol's and service's scopes. */
    public io.p2pkit.core.resource.MemoryScope memory() {
        return span;
    }

    /** The connection it runs on. */
    public Connection connection() {
        return connection;
    }

    /** Who opened it. */
    public Direction direction() {
        return direction;
    }

    /**
     * The stream's protocol is known (agreed, or for a pipelined outbound stream proposed): it is
     * charged to the protocol's scope, and listeners are told it opened.
     *
     * @throws ResourceLimitException when the protocol's scope is full; the caller resets the stream
     */
    public void protocolAgreed(String protocol) throws ResourceLimitException {
        span.setProtocol(protocol);
        this.protocol = protocol;
        swarm.streamOpened(connection, protocol, direction);
    }

    /**
     * Also charges the stream to a service's scope (its protocol must be agreed first).
     *
     * @throws ResourceLimitException when the service's scope is full
     */
    public void setService(String service) throws ResourceLimitException {
        span.setService(service);
    }

    /** Resets the stream in both directions and releases it. */
    public void reset() {
        try {
            muxed.reset();
        } catch (IOException e) {
            // the stream is gone either way
            LOG.log(System.Logger.Level.DEBUG, () -> "resetting stream " + muxed.id() + ": " + e);
        } finally {
            release();
        }
    }

    /**
     * Gives back the stream's resources and its count on the connection, and tells listeners it
     * closed if they were told it opened. Idempotent; the muxed stream is closed or reset by the caller.
     */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        span.close();
        connection.streamReleased();
        String p = protocol;
        if (p != null) {
            swarm.streamClosed(connection, p, direction);
        }
    }

    @Override
    public String toString() {
        return "SwarmStream[" + muxed.id() + " " + protocol + " " + direction.name().toLowerCase() + " "
                + connection.remotePeer() + "]";
    }
}
