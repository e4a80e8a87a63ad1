package io.p2pkit.websocket;

import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.resource.MemoryScope;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The receiving half of a WebSocket connection as a byte stream: the payloads of binary messages,
 * concatenated, read straight from the socket and unmasked in place (no frame is ever buffered
 * whole, so a frame's size costs no memory). Control frames in between are handled here and
 * reported to a {@link ControlHandler}; a close frame, or the connection ending between frames,
 * ends the stream. Any violation of RFC 6455
 * is reported to the handler (so that the connection can send the close status) and thrown.
 *
 * <p>Not thread-safe: one reader at a time, as for any socket input.
 */
final class FrameReader extends InputStream implements MemoryCharged {
    /** What the reader asks of the connection when control frames arrive. */
    public interface ControlHandler {
        /** A ping arrived: answer with a pong carrying {@code payload}. */
        void ping(byte[] payload) throws IOException;

        /** A close frame arrived ({@link CloseStatus#NO_STATUS} when it had no status). */
        void closeReceived(int status, String reason) throws IOException;

        /** The peer broke the protocol: send a close with {@code e.status()} and give up. */
        void failed(WebSocketException e);
    }

    private final InputStream in;
    private final boolean expectMasked;
    private final long maxFramePayload;
    private final long maxMessageBytes;
    private final ControlHandler handler;
    private final byte[] one = new byte[1];

    private FrameHeader frame;
    private long remaining;
    private long position;
    private boolean inMessage;
    private long messageBytes;
    private boolean eof;

    /** Charges the socket input's read-ahead buffer, if it has one, to {@code memory}. */
    @Override
    public void chargeTo(MemoryScope memory) {
        MemoryCharged.charge(in, memory);
    }

    /**
     * @param in              the socket's input (read ahead with a buffer held only while it has bytes)
     * @param expectMasked    true on the server side (client frames must be masked), false on the
     *                        client side (server frames must not be)
     * @param maxFramePayload the largest frame payload accepted
     * @param maxMessageBytes the largest message (all fragments) accepted
     * @param handler         receives control frames and failures
     */
    public FrameReader(InputStream in, boolean expectMasked, long maxFramePayload, long maxMessageBytes,
                       ControlHandler handler) {
        this.in = in;
        this.expectMasked = expectMasked;
        this.maxFramePayload = maxFramePayload;
        this.maxMessageBytes = maxMessageBytes;
        this.handler = handler;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        try {
            while (remaining == 0) {
                if (eof || !nextDataFrame()) {
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection ended inside a WebSocket frame");
            }
            if (frame.masked()) {
                FrameHeader.mask(frame.maskKey(), position, b, off, n);
            }
            position += n;
            remaining -= n;
            return n;
        } catch (WebSocketException e) {
            eof = true;
            handler.failed(e);
            throw e;
        }
    }

    @Override
    public int available() throws IOException {
        return eof ? 0 : (int) Math.min(remaining, in.available());
    }

    /** Whether a close frame (or a failure) ended this stream. */
    public boolean ended() {
        return eof;
    }

    /**
     * Reads headers until a data frame with payload to deliver, handling control frames and
     * empty data frames on the way. Returns false at the end of the stream.
     */
    private boolean nextDataFrame() throws IOException {
        FrameHeader h = FrameHeader.read(in, maxFramePayload);
        if (h == null) {
            // The TCP connection ended between frames without a close frame (status 1006, an
            // abnormal closure). Some peers do this after their muxer said goodbye: treat it as
            // the end of the stream rather than an error.
            eof = true;
            return false;
        }
        if (h.masked() != expectMasked) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR,
                    expectMasked ? "unmasked frame from a client" : "masked frame from a server");
        }
        if (h.opcode().isControl()) {
            byte[] payload = in.readNBytes((int) h.payloadLength());
            if (payload.length != h.payloadLength()) {
                throw new EOFException("connection ended inside a WebSocket control frame");
            }
            if (h.masked()) {
                FrameHeader.mask(h.maskKey(), 0, payload, 0, payload.length);
            }
            switch (h.opcode()) {
                case PING -> handler.ping(payload);
                case PONG -> { } // heartbeat answers need no action
                case CLOSE -> {
                    closeFrame(payload);
                    return false;
                }
                default -> throw new IllegalStateException("not a control opcode: " + h.opcode());
            }
            return true;
        }
        switch (h.opcode()) {
            case TEXT -> throw new WebSocketException(CloseStatus.UNSUPPORTED_DATA, "text message (libp2p uses binary messages)");
            case BINARY -> {
                if (inMessage) {
                    throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "new message before the last one's final fragment");
                }
                messageBytes = 0;
            }
            case CONTINUATION -> {
                if (!inMessage) {
                    throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "continuation frame outside a message");
                }
            }
            default -> throw new IllegalStateException("not a data opcode: " + h.opcode());
        }
        messageBytes += h.payloadLength();
        if (messageBytes > maxMessageBytes) {
            throw new WebSocketException(CloseStatus.TOO_BIG, "message exceeds the limit of " + maxMessageBytes + " bytes");
        }
        inMessage = !h.fin();
        frame = h;
        remaining = h.payloadLength();
        position = 0;
        return true;
    }

    private void closeFrame(byte[] payload) throws IOException {
        eof = true;
        int status = CloseStatus.NO_STATUS;
        String reason = "";
        if (payload.length == 1) {
            throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        if (payload.length >= 2) {
            status = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!CloseStatus.isValidOnWire(status)) {
                throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "close status " + status + " is not allowed on the wire");
            }
            try {
                reason = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(payload, 2, payload.length - 2)).toString();
            } catch (CharacterCodingException e) {
                throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "close reason is not UTF-8");
            }
        }
        handler.closeReceived(status, reason);
    }
}
