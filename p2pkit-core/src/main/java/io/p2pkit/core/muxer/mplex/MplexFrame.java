package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One mplex frame: a varint header {@code streamId << 3 | flag}, a varint data length, the data.
 *
 * @param streamId the stream number, unique only together with which side opened the stream
 * @param flag what the frame does; one of the {@code NEW_STREAM} … {@code RESET_INITIATOR} constants
 * @param data the payload (the stream name for {@link #NEW_STREAM}), copied in and out
 */
public record MplexFrame(long streamId, int flag, byte[] data) {
    /** Opens a stream; the data is its name. */
    public static final int NEW_STREAM = 0;
    /** Data sent by the side that accepted the stream. */
    public static final int MESSAGE_RECEIVER = 1;
    /** Data sent by the side that opened the stream. */
    public static final int MESSAGE_INITIATOR = 2;
    /** Half-close by the side that accepted the stream. */
    public static final int CLOSE_RECEIVER = 3;
    /** Half-close by the side that opened the stream. */
    public static final int CLOSE_INITIATOR = 4;
    /** Reset by the side that accepted the stream. */
    public static final int RESET_RECEIVER = 5;
    /** Reset by the side that opened the stream. */
    public static final int RESET_INITIATOR = 6;
    /** The largest payload of a frame, per the spec: 1 MiB. */
    public static final int MAX_DATA_BYTES = 1 << 20;
    /** The largest stream ID: the header varint must stay within 63 bits. */
    public static final long MAX_STREAM_ID = (1L << 60) - 1;

    /** Checks the fields and copies the data. */
    public MplexFrame {
        if (streamId < 0 || streamId > MAX_STREAM_ID) {
            throw new IllegalArgumentException("stream ID out of range: " + streamId);
        }
        if (flag < NEW_STREAM || flag > RESET_INITIATOR) {
            throw new IllegalArgumentException("unknown flag " + flag);
        }
        if (data.length > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("frame data of " + data.length + " bytes exceeds " + MAX_DATA_BYTES);
        }
        data = data.clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The payload itself, without a copy, for the session that owns the frame. */
    byte[] payload() {
        return data;
    }

    /** The frame's bytes on the wire. */
    public byte[] encode() {
        byte[] header = header(streamId, flag, data.length);
        byte[] out = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, out, header.length, data.length);
        return out;
    }

    /** The header and length varints of a frame carrying {@code length} bytes. */
    static byte[] header(long streamId, int flag, int length) {
        long h = streamId << 3 | flag;
        byte[] out = new byte[Varint.size(h) + Varint.size(length)];
        int pos = Varint.write(h, out, 0);
        Varint.write(length, out, pos);
        return out;
    }

    /**
     * Reads one frame, taking no more bytes than it needs.
     *
     * @param maxData the largest payload accepted, at most {@link #MAX_DATA_BYTES}
     * @return the frame, or null if the stream ended cleanly before a frame began
     * @throws DecodeException if a varint is malformed, the flag unknown or the payload too large
     * @throws EOFException if the stream ends inside a frame
     */
    public static MplexFrame read(InputStream in, int maxData) throws IOException {
        long header = Varint.read(in);
        if (header < 0) {
            return null;
        }
        int flag = (int) (header & 7);
        if (flag > RESET_INITIATOR) {
            throw new DecodeException("mplex flag", "unknown flag " + flag);
        }
        long length = Varint.read(in);
        if (length < 0) {
            throw new EOFException("stream ended inside an mplex frame header");
        }
        if (length > maxData) {
            throw new DecodeException("mplex length", "frame of " + length + " bytes exceeds the limit of " + maxData);
        }
        byte[] data = in.readNBytes((int) length);
        if (data.length < length) {
            throw new EOFException("stream ended inside an mplex frame");
        }
        return new MplexFrame(header >>> 3, flag, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MplexFrame f && f.streamId == streamId && f.flag == flag && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(streamId) * 31 + flag) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String shown = data.length <= 32 ? HexFormat.of().formatHex(data)
                : HexFormat.of().formatHex(data, 0, 32) + "…";
        return "MplexFrame[stream=" + streamId + ", flag=" + flag + ", " + data.length + " bytes " + shown + "]";
    }
}
