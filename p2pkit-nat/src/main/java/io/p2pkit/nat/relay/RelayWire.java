package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The framing both relay protocols share: varint-length-prefixed protobuf messages of at most
 * {@link #MAX_MESSAGE_BYTES}, read without buffering past the message, since the bytes after the
 * last one are the relayed connection's.
 */
final class RelayWire {
    /** The largest message read, as go-libp2p's {@code maxMessageSize}. */
    static final int MAX_MESSAGE_BYTES = 4096;

    private static final System.Logger LOG = LazyLogger.of(RelayWire.class);

    private RelayWire() {
    }

    static HopMessage readHop(InputStream in) throws IOException {
        return HopMessage.decode(readFrame(in));
    }

    static StopMessage readStop(InputStream in) throws IOException {
        return StopMessage.decode(readFrame(in));
    }

    static void write(OutputStream out, HopMessage m) throws IOException {
        LengthPrefixed.write(out, m.encode());
        out.flush();
    }

    static void write(OutputStream out, StopMessage m) throws IOException {
        LengthPrefixed.write(out, m.encode());
        out.flush();
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        byte[] frame = LengthPrefixed.read(in, MAX_MESSAGE_BYTES);
        if (frame == null) {
            throw new EOFException("the stream ended before a message");
        }
        return frame;
    }

    static void checkSize(byte[] bytes, String message) {
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new DecodeException(message, bytes.length + " bytes is over the limit of " + MAX_MESSAGE_BYTES);
        }
    }

    static <E extends Enum<E>> E enumValue(E[] values, long v, String field) {
        if (v < 0 || v >= values.length) {
            throw new DecodeException(field, "unknown value " + v);
        }
        return values[(int) v];
    }

    /** An enum field is an int32: 10-byte negative varints are fine, anything wider is not. */
    static int statusCode(long v) {
        if (v != (int) v) {
            throw new DecodeException("status", "value " + v + " does not fit an int32");
        }
        return (int) v;
    }

    /** A multiaddr from a repeated field, or empty (logged) when it does not parse. */
    static Optional<Multiaddr> lenientAddress(byte[] bytes) {
        try {
            return Optional.of(Multiaddr.decode(bytes));
        } catch (DecodeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "ignoring an address that does not parse: " + e.getMessage());
            return Optional.empty();
        }
    }
}
