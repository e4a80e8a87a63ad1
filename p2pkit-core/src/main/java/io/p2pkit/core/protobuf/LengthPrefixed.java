package io.p2pkit.core.protobuf;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Varint-length-prefixed messages on a stream, the framing identify, Kademlia, pubsub and most
 * libp2p protocols use. Reading takes a size cap so that a peer cannot make us allocate more.
 */
public final class LengthPrefixed {
    /** Bytes allocated before any of a message has arrived. */
    private static final int FIRST_PIECE = 64 * 1024;

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
        int length = (int) len;
        // The array grows with what arrives, doubling, so an announced length alone cannot make
        // us hold a large array; each byte is copied at most once more than a read into an exact
        // array, not gathered in 16 KiB pieces and joined as InputStream.readNBytes(int) does.
        byte[] msg = new byte[Math.min(length, FIRST_PIECE)];
        int got = 0;
        while (true) {
            int n = in.readNBytes(msg, got, msg.length - got);
            got += n;
            if (got < msg.length) {
                throw new EOFException("stream ended after " + got + " of " + length + " message bytes");
            }
            if (got == length) {
                return msg;
            }
            msg = Arrays.copyOf(msg, (int) Math.min(length, 2L * msg.length));
        }
    }
}
