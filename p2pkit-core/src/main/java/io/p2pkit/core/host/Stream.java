package io.p2pkit.core.host;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multistream.LazySelection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.resource.StreamSpan;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A stream speaking one protocol with one peer. Reads and writes block; call them from virtual
 * threads. Closing it (or resetting it) releases its resources.
 */
public final class Stream implements Closeable {
    private final MuxedStream muxed;
    private final InputStream in;
    private final OutputStream out;
    private final Supplier<String> protocol;
    private final Direction direction;
    private final Connection connection;
    private final StreamSpan span;
    private final AtomicBoolean released = new AtomicBoolean();
    private final Runnable onRelease;
    /** The pipelined negotiation of a stream we opened with one protocol, or null. */
    private final LazySelection lazy;

    Stream(MuxedStream muxed, InputStream in, OutputStream out, Supplier<String> protocol, Direction direction,
           Connection connection, StreamSpan span, LazySelection lazy, Runnable onRelease) {
        this.lazy = lazy;
        this.muxed = muxed;
        this.in = in;
        this.out = out;
        this.protocol = protocol;
        this.direction = direction;
        this.connection = connection;
        this.span = span;
        this.onRelease = onRelease;
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
        return protocol.get();
    }

    /** Who opened the stream. */
    public Direction direction() {
        return direction;
    }

    /** The connection it runs on. */
    public Connection connection() {
        return connection;
    }

    /** The remote peer. */
    public PeerId remotePeer() {
        return connection.remotePeer();
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
        try {
            muxed.reset();
        } catch (IOException ignored) {
            // the stream is gone either way
        } finally {
            release();
        }
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
                        muxed.reset();
                    }
                }
            } finally {
                muxed.close();
            }
        } finally {
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            span.close();
            connection.streamClosed();
            onRelease.run();
        }
    }

    @Override
    public String toString() {
        return "Stream[" + muxed.id() + " " + protocol() + " " + direction.name().toLowerCase() + " " + remotePeer() + "]";
    }
}
