package io.p2pkit.quic;

import io.p2pkit.core.DecodeException;

import java.util.Arrays;

/**
 * Reads the destination connection ID of a QUIC packet (RFC 9000 §17) without decrypting it, so
 * that one UDP socket can tell packets of connections it dialed from those of connections it
 * accepted. Long headers carry the ID's length; short headers carry an ID of the length this
 * endpoint chose for its own IDs.
 */
final class ConnectionIdPeek {
    /** The most bytes looked at: long header flags, version, length and a 20-byte ID. */
    static final int MAX_HEADER_BYTES = 1 + 4 + 1 + 20;
    /** QUIC v1 caps connection IDs at 20 bytes. */
    static final int MAX_ID_LENGTH = 20;

    private ConnectionIdPeek() {
    }

    /**
     * The destination connection ID of the packet that starts with {@code header}.
     *
     * @param header          the first bytes of a datagram (at most {@link #MAX_HEADER_BYTES} are read)
     * @param shortIdLength   the length of this endpoint's connection IDs, for short-header packets
     * @throws DecodeException when the bytes cannot be a QUIC packet header
     */
    static byte[] destination(byte[] header, int shortIdLength) {
        if (shortIdLength < 0 || shortIdLength > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("connection ID length " + shortIdLength);
        }
        if (header.length == 0) {
            throw new DecodeException("quic.header", "empty datagram");
        }
        if ((header[0] & 0x80) == 0) {
            if (header.length < 1 + shortIdLength) {
                throw new DecodeException("quic.header", "short header truncated: " + header.length + " bytes");
            }
            return Arrays.copyOfRange(header, 1, 1 + shortIdLength);
        }
        if (header.length < 6) {
            throw new DecodeException("quic.header", "long header truncated: " + header.length + " bytes");
        }
        int length = header[5] & 0xFF;
        if (length > MAX_ID_LENGTH) {
            throw new DecodeException("quic.dcid", "connection ID of " + length + " bytes exceeds " + MAX_ID_LENGTH);
        }
        if (header.length < 6 + length) {
            throw new DecodeException("quic.dcid", "connection ID truncated: " + (header.length - 6) + " of "
                    + length + " bytes");
        }
        return Arrays.copyOfRange(header, 6, 6 + length);
    }
}
