package io.p2pkit.core.host;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multistream.LazySelection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.swarm.SwarmStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A stream speaking one protocol with one peer. Reads and writes block; call them from virtual
 * threads. Closing it (or resetting it) releases its resources.
 */
public final class Stream implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(Stream.class);

    /** The swarm's side of the stream: the muxed stream and its accounting, released once when done. */
    private final SwarmStream swarmStream;
    private final MuxedStream muxed;
    private final InputStream in;
    private final OutputStream out;
    private final String protocol;
    /** The pipelined negotiation of a stream we opened with one protocol, or null. */
    private final LazySelection lazy;

    Stream(SwarmStream swarmStream, InputStream in, OutputStream out, String protocol, LazySelection lazy) {
        this.swarmStream = swarmStream;
        this.muxed = swarmStream.muxed();
        this.in = in;
        this.out = out;
        this.protocol = protocol;
        this.lazy = lazy;
    }

    /** Data from the remote; ends when the remote closes its side. */
    public InputStream in() {
        return in;
    }

    /** Data to the remote. Flush to send what was written. */
    public OutputStream out() {
        return out;
    }

    /**
     * The negotiated protocol. For a stream opened with a single protocol the negotiation is
     * pipelined with the first write, so this is the protocol proposed until the remote answers.
     */
    public String protocol() {
        return protocol;
    }

    /** Who opened the stream. */
    public Direction direction() {
        return swarmStream.direction();
    }

    /** The connection it runs on. */
    public Connection connection() {
        return swarmStream.connection();
    }

    /**
     * Where memory a protocol holds for this stream (queued messages, buffered blocks) is charged:
     * the resource manager's scopes of the stream, its peer, its protocol and the system.
     */
    public io.p2pkit.core.resource.MemoryScope memory() {
        return swarmStream.memory();
    }

    /**
     * Also charges this stream to {@code service}'s resource scope (a service such as the relay
     * spans several protocols and holds streams for long), as go-libp2p's {@code SetService}.
     *
     * @throws io.p2pkit.core.resource.ResourceLimitException when the service's scope is full
     */
    public void setService(String service) throws io.p2pkit.core.resource.ResourceLimitException {
        swarmStream.setService(service);
    }

    /**
     * Sets this stream's share of its connection when several streams send at once (see
     * {@link StreamPriority}); may be called at any time, by the opener right after
     * {@code newStream} or by a handler on an inbound stream. yamux and mplex honour it; QUIC
     * ignores it.
     */
    public void setPriority(StreamPriority priority) {
        muxed.setPriority(priority);
    }

    /** This stream's priority, {@link StreamPriority#NORMAL} unless set. */
    public StreamPriority priority() {
        return muxed.priority();
    }

    /** The remote peer. */
    public PeerId remotePeer() {
        return swarmStream.connection().remotePeer();
    }

    /**
     * Waits until the remote has accepted the protocol: at once for a stream whose negotiation
     * was not pipelined, one round trip (sending the proposal if nothing was written yet) for one
     * that was. A protocol that must tell a refused protocol from a reset after acceptance (the
     * request-response helper) calls it before writing.
     *
     * @throws io.p2pkit.core.multistream.NegotiationException when the remote refused the protocol
     */
    public void awaitProtocol() throws IOException {
        if (lazy != null) {
            lazy.protocol();
        }
    }

    /**
     * Flushes and half-closes: the remote reads end of stream; reading goes on. On a stream whose
     * negotiation was pipelined, the end goes out once the remote has accepted the protocol (see
     * {@link LazySelection}); a refusal is thrown here as a
     * {@link io.p2pkit.core.multistream.NegotiationException}.
     */
    public void closeWrite() throws IOException {
        out.flush();
        if (lazy != null) {
            lazy.protocol();
        }
        muxed.closeWrite();
    }

    /** Aborts the stream in both directions. */
    public void reset() {
        swarmStream.reset();
    }

    /** Flushes, closes the write side and stops reading. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            try {
                out.flush();
                if (lazy != null) {
                    try {
                        lazy.protocol(); // as closeWrite: the end follows the remote's acceptance
                    } catch (IOException refusedOrBroken) {
                        // reads have reported or will report it; closing just ends the stream
                        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + this + " whose negotiation failed: "
                                + refusedOrBroken);
                        muxed.reset();
                    }
                }
            } finally {
                muxed.close();
            }
        } finally {
            swarmStream.release();
        }
    }

    @Override
    public String toString() {
        return "Stream[" + muxed.id() + " " + protocol + " " + direction().name().toLowerCase() + " " + remotePeer() + "]";
    }
}
