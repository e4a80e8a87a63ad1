package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.DecodeException;

/**
 * The 12-byte yamux frame header: version (always 0), type, flags, stream ID and length, all
 * big-endian. For Data frames the length is the payload size, for WindowUpdate the credit delta
 * (or, with RST, an error code), for Ping the opaque value and for GoAway the error code.
 *
 * @param type one of {@link #DATA}, {@link #WINDOW_UPDATE}, {@link #PING}, {@link #GO_AWAY}
 * @param flags a combination of {@link #SYN}, {@link #ACK}, {@link #FIN}, {@link #RST}
 * @param streamId the stream ID as an unsigned 32-bit value (0 for session frames)
 * @param length the length field as an unsigned 32-bit value
 */
public record FrameHeader(int type, int flags, long streamId, long length) {
    /** Size of an encoded header in bytes. */
    public static final int SIZE = 12;
    /** The only protocol version. */
    public static final int VERSION = 0;

    /** Frame type: stream data follows the header. */
    public static final int DATA = 0;
    /** Frame type: grants send credit to the remote, or carries stream flags alone. */
    public static final int WINDOW_UPDATE = 1;
    /** Frame type: keep-alive and RTT measurement. */
    public static final int PING = 2;
    /** Frame type: the sender will accept no new streams. */
    public static final int GO_AWAY = 3;

    /** Flag: opens a stream, or marks a ping request. */
    public static final int SYN = 0x1;
    /** Flag: acknowledges a stream, or marks a ping response. */
    public static final int ACK = 0x2;
    /** Flag: half-closes the sender's side of a stream. */
    public static final int FIN = 0x4;
    /** Flag: resets a stream. */
    public static final int RST = 0x8;

    /** GoAway code: normal termination. */
    public static final long GO_AWAY_NORMAL = 0;
    /** GoAway code: the remote broke the protocol. */
    public static final long GO_AWAY_PROTOCOL_ERROR = 1;
    /** GoAway code: the sender hit an internal error. */
    public static final long GO_AWAY_INTERNAL_ERROR = 2;

    private static final long U32 = 0xFFFF_FFFFL;

    /** Validates the fields. */
    public FrameHeader {
        if (type < DATA || type > GO_AWAY) {
            throw new IllegalArgumentException("unknown frame type " + type);
        }
        if (flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("flags out of range: " + flags);
        }
        if (streamId < 0 || streamId > U32) {
            throw new IllegalArgumentException("stream ID out of range: " + streamId);
        }
        if (length < 0 || length > U32) {
            throw new IllegalArgumentException("length out of range: " + length);
        }
    }

    /** Whether every bit of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** Encodes this header into 12 new bytes. */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        write(out, 0, type, flags, (int) streamId, (int) length);
        return out;
    }

    /**
     * Decodes a header from the 12 bytes at {@code offset}. Unknown flag bits are kept, not
     * rejected, as go-yamux does.
     *
     * @throws DecodeException when fewer than 12 bytes are there, the version is not 0 or the type
     *     is unknown
     */
    public static FrameHeader decode(byte[] in, int offset) {
        if (in == null || offset < 0 || in.length - offset < SIZE) {
            throw new DecodeException("yamux.header", "need " + SIZE + " bytes");
        }
        int version = in[offset] & 0xFF;
        if (version != VERSION) {
            throw new DecodeException("yamux.version", "unsupported version " + version);
        }
        int type = in[offset + 1] & 0xFF;
        if (type > GO_AWAY) {
            throw new DecodeException("yamux.type", "unknown frame type " + type);
        }
        int flags = ((in[offset + 2] & 0xFF) << 8) | (in[offset + 3] & 0xFF);
        long id = readU32(in, offset + 4);
        long length = readU32(in, offset + 8);
        return new FrameHeader(type, flags, id, length);
    }

    /** Writes a header without allocating; the hot path of the muxer uses this. */
    static void write(byte[] out, int offset, int type, int flags, int streamId, int length) {
        out[offset] = VERSION;
        out[offset + 1] = (byte) type;
        out[offset + 2] = (byte) (flags >>> 8);
        out[offset + 3] = (byte) flags;
        out[offset + 4] = (byte) (streamId >>> 24);
        out[offset + 5] = (byte) (streamId >>> 16);
        out[offset + 6] = (byte) (streamId >>> 8);
        out[offset + 7] = (byte) streamId;
        out[offset + 8] = (byte) (length >>> 24);
        out[offset + 9] = (byte) (length >>> 16);
        out[offset + 10] = (byte) (length >>> 8);
        out[offset + 11] = (byte) length;
    }

    private static long readU32(byte[] in, int offset) {
        return ((in[offset] & 0xFFL) << 24) | ((in[offset + 1] & 0xFFL) << 16)
                | ((in[offset + 2] & 0xFFL) << 8) | (in[offset + 3] & 0xFFL);
    }

    @Override
    public String toString() {
        String name = switch (type) {
            case DATA -> "Data";
            case WINDOW_UPDATE -> "WindowUpdate";
            case PING -> "Ping";
            default -> "GoAway";
        };
        StringBuilder f = new StringBuilder();
        if (has(SYN)) f.append("|SYN");
        if (has(ACK)) f.append("|ACK");
        if (has(FIN)) f.append("|FIN");
        if (has(RST)) f.append("|RST");
        return name + "[stream=" + streamId + ", length=" + length
                + (f.isEmpty() ? "" : ", flags=" + f.substring(1)) + "]";
    }
}
