package io.p2pkit.core.muxer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One stream of a multiplexed connection. Blocking: reads wait for data, writes wait for flow
 * control credit. Reading from a reset stream, or writing to it, throws
 * {@link StreamResetException}.
 */
public interface MuxedStream extends Closeable {
    /** The muxer's identifier of the stream, for logs. */
    long id();

    /** Data from the remote; ends when the remote closes its write side. */
    InputStream in();

    /** Data to the remote. */
    OutputStream out();

    /** Half-closes: signals end of data to the remote, reading goes on. Idempotent. */
    void closeWrite() throws IOException;

    /** Aborts the stream in both directions and tells the remote. Idempotent. */
    void reset() throws IOException;

    /**
     * Sets the stream's share of the connection when several streams send at once; may be
     * changed at any time, also while a write waits for its turn. Muxers without a send
     * scheduler (QUIC's streams, for one) ignore it and report {@link StreamPriority#NORMAL}.
     */
    default void setPriority(StreamPriority priority) {
        java.util.Objects.requireNonNull(priority, "priority");
    }

    /** The stream's priority; {@link StreamPriority#NORMAL} unless set. */
    default StreamPriority priority() {
        return StreamPriority.NORMAL;
    }

    /** Closes the write side and stops reading (unread data is discarded). Idempotent. */
    @Override
    void close() throws IOException;
}
