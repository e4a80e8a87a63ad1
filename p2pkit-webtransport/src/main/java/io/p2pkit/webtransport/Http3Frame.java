package io.p2pkit.webtransport;

import io.p2pkit.core.DecodeException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP/3 frame (RFC 9114 §7): type, length, payload. Only the frames this listener reads are
 * kept whole (HEADERS and SETTINGS, capped at {@link #MAX_PAYLOAD}); others are skipped by length.
 */
record Http3Frame(long type, byte[] payload) {
    static final long DATA = 0x00;
    static final long HEADERS = 0x01;
    static final long SETTINGS = 0x04;
    static final long GOAWAY = 0x07;
    /** Frames we keep whole may be this large; larger ones close the connection (H3_EXCESSIVE_LOAD). */
    static final int MAX_PAYLOAD = 16 * 1024;
    /** At most this many settings in one SETTINGS frame. */
    static final int MAX_SETTINGS = 64;

    /** The settings in a SETTINGS payload; a duplicate identifier is an error (RFC 9114 §7.2.4). */
    static Map<Long, Long> decodeSettings(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        Map<Long, Long> settings = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            long id = Varint.readComplete(in, "setting id");
            long value = Varint.readComplete(in, "setting value");
            if (settings.put(id, value) != null) {
                throw new DecodeException("settings", "duplicate setting 0x" + Long.toHexString(id));
            }
            if (settings.size() > MAX_SETTINGS) {
                throw new DecodeException("settings", "more than " + MAX_SETTINGS + " settings");
            }
        }
        return settings;
    }

    static byte[] encodeSettings(Map<Long, Long> settings) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        settings.forEach((id, value) -> {
            Varint.write(body, id);
            Varint.write(body, value);
        });
        return encode(SETTINGS, body.toByteArray());
    }

    static byte[] encode(long type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 16);
        Varint.write(out, type);
        Varint.write(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /**
     * Reads the frames of one stream as its bytes arrive. Frames other than HEADERS and SETTINGS
     * are skipped without being buffered; the buffer never holds more than one capped frame.
     */
    static final class Reader {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private long skip;

        /**
         * Feeds bytes; returns the next whole frame kept, or null when more bytes are needed.
         * Call again with an empty array until it returns null: one feed may complete several frames.
         */
        Http3Frame feed(byte[] bytes) {
            int from = 0;
            if (skip > 0) {
                int n = (int) Math.min(skip, bytes.length);
                skip -= n;
                from = n;
            }
            pending.write(bytes, from, bytes.length - from);
            ByteBuffer in = ByteBuffer.wrap(pending.toByteArray());
            while (true) {
                int start = in.position();
                long type = Varint.read(in);
                long length = type == Varint.INCOMPLETE ? Varint.INCOMPLETE : Varint.read(in);
                if (length == Varint.INCOMPLETE) {
                    in.position(start);
                    keep(in);
                    return null;
                }
                boolean wanted = type == HEADERS || type == SETTINGS;
                if (wanted && length > MAX_PAYLOAD) {
                    throw new DecodeException("frame", "frame 0x" + Long.toHexString(type) + " of " + length
                            + " bytes is over the limit of " + MAX_PAYLOAD);
                }
                if (!wanted) {
                    long here = Math.min(length, in.remaining());
                    in.position(in.position() + (int) here);
                    skip = length - here;
                    if (skip > 0) {
                        keep(in);
                        return null;
                    }
                    continue;
                }
                if (in.remaining() < length) {
                    in.position(start);
                    keep(in);
                    return null;
                }
                byte[] payload = new byte[(int) length];
                in.get(payload);
                keep(in);
                return new Http3Frame(type, payload);
            }
        }

        private void keep(ByteBuffer rest) {
            pending.reset();
            pending.write(rest.array(), rest.position(), rest.remaining());
        }
    }
}
