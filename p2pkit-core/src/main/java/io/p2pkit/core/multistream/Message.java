package io.p2pkit.core.multistream;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The multistream-select message framing: an unsigned varint length, then that many bytes of
 * UTF-8 text of which the last is {@code '\n'}. The length counts the newline.
 *
 * <p>Reading never consumes more than the one message (the varint is read byte by byte, the
 * body exactly), so bytes a dialer pipelines after its proposal stay in the stream for the
 * application.
 */
final class Message {
    /**
     * The largest message accepted for a protocol ID or command, newline included: 1024 bytes,
     * the limit go-multistream applies, so IDs of up to 1023 bytes interoperate.
     */
    static final int MAX_MESSAGE_BYTES = 1024;
    /** The largest {@code ls} answer accepted: 16 KiB - 1, the frame limit of rust-libp2p. */
    static final int MAX_LIST_BYTES = (1 << 14) - 1;

    private Message() {
    }

    /** Frames {@code text}: varint(length + 1), UTF-8 bytes, newline. */
    static byte[] encode(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return frame(body);
    }

    /** Frames a raw body (which must not already end in the newline). */
    static byte[] frame(byte[] body) {
        int len = body.length + 1;
        byte[] out = new byte[Varint.size(len) + len];
        int pos = Varint.write(len, out, 0);
        System.arraycopy(body, 0, out, pos, body.length);
        out[out.length - 1] = '\n';
        return out;
    }

    /** Concatenates the framing of several messages, to send them in one write. */
    static byte[] encodeAll(List<String> texts) {
        ByteBuffer buf = ByteBuffer.allocate(texts.stream().mapToInt(t -> encode(t).length).sum());
        for (String t : texts) {
            buf.put(encode(t));
        }
        return buf.array();
    }

    /** Reads one message of at most {@link #MAX_MESSAGE_BYTES} and returns its text without the newline. */
    static String read(InputStream in) throws IOException {
        return decodeText(readBody(in, MAX_MESSAGE_BYTES));
    }

    /**
     * Reads one message body of at most {@code maxBytes} (newline included) and returns it with
     * the newline removed.
     *
     * @throws EOFException if the stream ends before or inside the message
     * @throws NegotiationException if the message is malformed or too large
     */
    static byte[] readBody(InputStream in, int maxBytes) throws IOException {
        long len;
        try {
            len = Varint.read(in);
        } catch (DecodeException e) {
            throw new NegotiationException("malformed multistream message length", e);
        }
        if (len < 0) {
            throw new EOFException("stream ended while waiting for a multistream message");
        }
        if (len == 0) {
            throw malformed("empty message (no trailing newline)");
        }
        if (len > maxBytes) {
            throw malformed("message of " + len + " bytes exceeds the limit of " + maxBytes);
        }
        byte[] body = in.readNBytes((int) len);
        if (body.length < len) {
            throw new EOFException("stream ended inside a multistream message");
        }
        if (body[body.length - 1] != '\n') {
            throw malformed("message does not end with a newline");
        }
        byte[] text = new byte[body.length - 1];
        System.arraycopy(body, 0, text, 0, text.length);
        return text;
    }

    /** Strict UTF-8 decoding: malformed or unmappable input is rejected, not replaced. */
    static String decodeText(byte[] bytes) throws NegotiationException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("message is not valid UTF-8");
        }
    }

    /**
     * Encodes the body of an {@code ls} answer: each protocol as its own framed message, then
     * a final newline (the caller frames the whole once more).
     */
    static byte[] encodeList(List<String> protocols) {
        List<byte[]> parts = new ArrayList<>();
        int size = 0;
        for (String p : protocols) {
            byte[] e = encode(p);
            parts.add(e);
            size += e.length;
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (byte[] e : parts) {
            System.arraycopy(e, 0, out, pos, e.length);
            pos += e.length;
        }
        return out;
    }

    /** Parses the body of an {@code ls} answer (outer newline already removed). */
    static List<String> decodeList(byte[] body) throws IOException {
        List<String> protocols = new ArrayList<>();
        var in = new java.io.ByteArrayInputStream(body);
        while (in.available() > 0) {
            try {
                protocols.add(decodeText(readBody(in, MAX_MESSAGE_BYTES)));
            } catch (EOFException e) {
                throw malformed("ls answer ends inside a protocol entry");
            }
        }
        return protocols;
    }

    private static NegotiationException malformed(String what) {
        return new NegotiationException("malformed multistream message: " + what,
                new DecodeException("multistream", what));
    }
}
