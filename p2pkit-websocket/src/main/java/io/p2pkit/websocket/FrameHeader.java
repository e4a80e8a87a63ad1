package io.p2pkit.websocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The header of one WebSocket frame (RFC 6455 section 5.2): FIN bit, opcode, mask and payload
 * length. The payload itself is never held here; readers stream it. Extension bits (RSV1–3) are
 * rejected because this implementation negotiates no extension.
 *
 * @param fin           whether this frame ends its message
 * @param opcode        the frame type
 * @param masked        whether a masking key follows (client to server frames must be masked)
 * @param maskKey       the masking key, big-endian, when {@code masked}
 * @param payloadLength the length of the payload in bytes
 */
record FrameHeader(boolean fin, Opcode opcode, boolean masked, int maskKey, long payloadLength) {
    /** The longest encoded header: 2 bytes, 8 of extended length, 4 of masking key. */
    public static final int MAX_BYTES = 14;
    /** Control frames carry at most this many payload bytes. */
    public static final int MAX_CONTROL_PAYLOAD = 125;

    /** Checks the invariants of a header this side builds. */
    public FrameHeader {
        if (opcode == null) {
            throw new IllegalArgumentException("opcode is required");
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length");
        }
        if (opcode.isControl() && (payloadLength > MAX_CONTROL_PAYLOAD || !fin)) {
            throw new IllegalArgumentException("control frames are final and carry at most 125 bytes");
        }
        if (!masked && maskKey != 0) {
            throw new IllegalArgumentException("mask key without the mask bit");
        }
    }

    /**
     * Reads one header.
     *
     * @param maxPayload the largest payload length accepted
     * @return the header, or null at a clean end of stream before its first byte
     * @throws WebSocketException for a reserved bit or opcode, a fragmented or oversized control
     *                            frame, a 64-bit length with its top bit set, or a payload over
     *                            {@code maxPayload} (status 1009)
     * @throws EOFException       when the stream ends inside the header
     */
    public static FrameHeader read(InputStream in, long maxPayload) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte(in);
        if ((b0 & 0x70) != 0) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
        }
        boolean fin = (b0 & 0x80) != 0;
        Opcode opcode = Opcode.of(b0 & 0x0F);
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (opcode.isControl()) {
            if (!fin) {
                throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "fragmented control frame");
            }
            if (length > MAX_CONTROL_PAYLOAD) {
                throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "control frame longer than 125 bytes");
            }
        }
        if (length == 126) {
            length = ((long) readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
            if (length < 0) {
                throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "64-bit payload length with the top bit set");
            }
        }
        if (length > maxPayload) {
            throw new WebSocketException(CloseStatus.TOO_BIG, "frame of " + length + " bytes exceeds the limit of " + maxPayload);
        }
        int key = 0;
        if (masked) {
            for (int i = 0; i < 4; i++) {
                key = (key << 8) | readByte(in);
            }
        }
        return new FrameHeader(fin, opcode, masked, key, length);
    }

    /**
     * Writes the encoded header so that it ends at {@code end} in {@code dst}, using the shortest
     * length form, and returns where it starts. Lets a writer put the header right before a
     * payload already in the buffer and send both with one write.
     */
    public int encodeBefore(byte[] dst, int end) {
        int n = encodedLength();
        int p = end - n;
        dst[p] = (byte) ((fin ? 0x80 : 0) | opcode.code());
        int maskBit = masked ? 0x80 : 0;
        int i = p + 1;
        if (payloadLength < 126) {
            dst[i++] = (byte) (maskBit | payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            dst[i++] = (byte) (maskBit | 126);
            dst[i++] = (byte) (payloadLength >>> 8);
            dst[i++] = (byte) payloadLength;
        } else {
            dst[i++] = (byte) (maskBit | 127);
            for (int s = 56; s >= 0; s -= 8) {
                dst[i++] = (byte) (payloadLength >>> s);
            }
        }
        if (masked) {
            dst[i++] = (byte) (maskKey >>> 24);
            dst[i++] = (byte) (maskKey >>> 16);
            dst[i++] = (byte) (maskKey >>> 8);
            dst[i] = (byte) maskKey;
        }
        return p;
    }

    /** The encoded header as a new array. */
    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        encodeBefore(out, out.length);
        return out;
    }

    /** The size of the encoded header. */
    public int encodedLength() {
        int n = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? n + 4 : n;
    }

    /**
     * XORs {@code len} bytes of {@code buf} with the masking key, the first byte being at
     * {@code position} bytes into the payload. Masking and unmasking are the same operation.
     */
    public static void mask(int maskKey, long position, byte[] buf, int off, int len) {
        for (int i = 0; i < len; i++) {
            int shift = 24 - (int) (((position + i) & 3) << 3);
            buf[off + i] ^= (byte) (maskKey >>> shift);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection ended inside a WebSocket frame header");
        }
        return b;
    }
}
