package io.p2pkit.core.protobuf;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Varint-length-prefixed messages on a stream, the framing identify, Kademlia, pubsub and most
 * libp2p protocols use. Reading takes a size cap so that a peer cannot make us allocate more.
 */
public final class LengthPrefixed {
    private LengthPrefixed() {
    }

    /** Writes the length of {@code message}, then the message, in one write call. */
    public static void write(OutputStream out, byte[] message) throws IOException {
        byte[] frame = new byte[Varint.size(message.length) + message.length];
        int n = Varint.write(message.length, frame, 0);
        System.arraycopy(message, 0, frame, n, message.length);
        out.write(frame);
    }

    /**
     * Reads one message of at most {@code maxBytes}.
     *
     * @return the message, or null if the stream ended cleanly before a new message began
     * @throws DecodeException if the announced length is over {@code maxBytes}
     * @throws EOFException if the stream ends inside the message
     */
    public static byte[] read(InputStream in, int maxBytes) throws IOException {
        long len = Varint.read(in);
        if (len < 0) {
            return null;
        }
        if (len > maxBytes) {
            throw new DecodeException("message", "length " + len + " is over the limit of " + maxBytes + " bytes");
        }
        byte[] msg = in.readNBytes((int) len);
        if (msg.length != len) {
            throw new EOFException("stream ended after " + msg.length + " of " + len + " message bytes");
        }
        return msg;
    }
}
