package io.p2pkit.core.muxer;

import java.io.Closeable;
import java.io.IOException;

/** A connection that carries many independent streams. */
public interface MuxedConnection extends Closeable {
    /** Opens a new outbound stream; does not wait for the remote to acknowledge it. */
    MuxedStream openStream() throws IOException;

    /**
     * Waits for the next inbound stream.
     *
     * @return the stream, or null once the connection is closed
     */
    MuxedStream acceptStream() throws IOException;

    /** Whether the connection has been closed, by either side or by an error. */
    boolean isClosed();

    /** Closes the connection and resets every stream still open. Idempotent. */
    @Override
    void close() throws IOException;
}
