package io.p2pkit.core.multistream;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.transport.RawConnection;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The two directions of whatever is being negotiated over (a connection or a muxed stream),
 * with the action that aborts it when a negotiation times out.
 *
 * @param in the bytes from the remote
 * @param out the bytes to the remote
 * @param abort closes the underlying connection or resets the stream, so blocked reads fail
 */
public record Duplex(InputStream in, OutputStream out, Closeable abort) {
    /** All three are required. */
    public Duplex {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(abort, "abort");
    }

    /** A connection; aborting closes it. */
    public static Duplex of(RawConnection connection) {
        return new Duplex(connection.in(), connection.out(), connection);
    }

    /** A muxed stream; aborting resets it. */
    public static Duplex of(MuxedStream stream) {
        return new Duplex(stream.in(), stream.out(), stream::reset);
    }
}
