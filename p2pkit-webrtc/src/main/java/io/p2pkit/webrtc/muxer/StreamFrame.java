package io.p2pkit.webrtc.muxer;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * libp2p's WebRTC stream framing (specs webrtc/README.md, "Multiplexing"): each data channel
 * message carries {@code varint length ‖ Message { optional Flag flag = 1; optional bytes message = 2; }},
 * at most {@link #MAX_ENCODED} bytes with the prefix.
 *
 * @param flag    {@link #FIN}, {@link #STOP_SENDING}, {@link #RESET}, {@link #FIN_ACK}, or -1 for none
 *                (an unknown flag value is kept as is and ignored by the stream)
 * @param message the data, possibly empty
 */
record StreamFrame(int flag, byte[] message) {
    static final int FIN = 0;
    static final int STOP_SENDING = 1;
    static final int RESET = 2;
    static final int FIN_ACK = 3;
    static final int NONE = -1;
    /** The spec's limit on an encoded message, length prefix included. */
    static final int MAX_ENCODED = 16 * 1024;
    /** The most data one frame may carry: MAX_ENCODED less the prefix, the tag and the bytes' length. */
    static final int MAX_PAYLOAD = MAX_ENCODED - 2 - 1 - 2;
    /**
     * The largest message this side sends: half the spec's limit. rust-libp2p 0.57
     * (libp2p-webrtc 0.10.0-alpha on webrtc-rs 0.17) reads each message into an 8 KiB buffer (its
     * stream works on a clone of the data channel, and the clone drops the 16 KiB read capacity it
     * set) and resets the channel on a larger message. Receiving still takes up to MAX_ENCODED.
     */
    static final int MAX_SENT = 8 * 1024;
    /** The most data one frame this side sends carries: MAX_SENT less the prefix, the tag and the bytes' length. */
    static final int MAX_SENT_PAYLOAD = MAX_SENT - 2 - 1 - 2;

    static StreamFrame data(byte[] b, int off, int len) {
        return new StreamFrame(NONE, Arrays.copyOfRange(b, off, off + len));
    }

    static StreamFrame flag(int flag) {
        return new StreamFrame(flag, new byte[0]);
    }

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter(message.length + 8);
        if (flag != NONE) {
            w.varint(1, flag);
        }
        if (message.length > 0) {
            w.bytes(2, message);
        }
        byte[] body = w.toByteArray();
        byte[] out = new byte[Varint.size(body.length) + body.length];
        int n = Varint.write(body.length, out, 0);
        System.arraycopy(body, 0, out, n, body.length);
        if (out.length > MAX_ENCODED) {
            throw new IllegalArgumentException("frame of " + out.length + " bytes is over " + MAX_ENCODED);
        }
        return out;
    }

    /**
     * Decodes every frame in one data channel message, which must hold whole frames.
     *
     * @throws DecodeException for a truncated or oversized frame or malformed protobuf
     */
    static List<StreamFrame> decodeAll(byte[] m) {
        Reader r = new Reader();
        List<StreamFrame> frames = r.feed(m);
        if (r.pending() > 0) {
            throw new DecodeException("webrtc.message", "truncated frame: " + r.pending() + " bytes left over");
        }
        return frames;
    }

    /**
     * The frames of one stream, from its data channel messages in order. A frame may span
     * messages: go-libp2p writes the length prefix and the protobuf as two messages, browsers and
     * p2pkit one. What waits for the rest of a frame is at most one frame, {@link #MAX_ENCODED}.
     */
    static final class Reader {
        private byte[] pending = new byte[0];

        /** How many bytes of an unfinished frame are held. */
        int pending() {
            return pending.length;
        }

        /**
         * The frames completed by {@code m}.
         *
         * @throws DecodeException for an oversized message or frame, or malformed protobuf
         */
        List<StreamFrame> feed(byte[] m) {
            if (m.length > MAX_ENCODED) {
                throw new DecodeException("webrtc.message", "data channel message of " + m.length
                        + " bytes is over " + MAX_ENCODED);
            }
            byte[] b = m;
            if (pending.length > 0) {
                b = new byte[pending.length + m.length];
                System.arraycopy(pending, 0, b, 0, pending.length);
                System.arraycopy(m, 0, b, pending.length, m.length);
            }
            List<StreamFrame> frames = new ArrayList<>(1);
            int pos = 0;
            while (pos < b.length) {
                long len = 0;
                int prefix = 0;
                boolean done = false;
                while (!done && pos + prefix < b.length) {
                    if (prefix == 3) {
                        throw new DecodeException("webrtc.message.length", "length prefix over 3 bytes");
                    }
                    int x = b[pos + prefix] & 0xFF;
                    len |= (long) (x & 0x7F) << (7 * prefix);
                    prefix++;
                    done = (x & 0x80) == 0;
                }
                if (done && prefix + len > MAX_ENCODED) {
                    throw new DecodeException("webrtc.message", "frame of " + (prefix + len) + " bytes is over "
                            + MAX_ENCODED);
                }
                if (!done || len > b.length - pos - prefix) {
                    break; // the rest comes in the next message
                }
                frames.add(decodeBody(b, pos + prefix, (int) len));
                pos += prefix + (int) len;
            }
            pending = pos == b.length ? new byte[0] : java.util.Arrays.copyOfRange(b, pos, b.length);
            return frames;
        }
    }

    private static StreamFrame decodeBody(byte[] m, int off, int len) {
        ProtobufReader r = new ProtobufReader(m, off, len, "webrtc.Message");
        int flag = NONE;
        byte[] message = new byte[0];
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    long f = r.varint();
                    flag = f < 0 || f > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) f;
                }
                case 2 -> message = r.bytes();
                default -> r.skip();
            }
        }
        return new StreamFrame(flag, message);
    }
}
