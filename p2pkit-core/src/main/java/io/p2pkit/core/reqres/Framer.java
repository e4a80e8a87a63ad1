package io.p2pkit.core.reqres;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads and writes one message in a {@link RequestResponseConfig.Framing}, the size checked before allocating. */
final class Framer {
    private Framer() {
    }

    static void write(OutputStream out, RequestResponseConfig.Framing framing, byte[] message) throws IOException {
        if (framing == RequestResponseConfig.Framing.LENGTH_PREFIXED) {
            LengthPrefixed.write(out, message);
        } else {
            out.write(message);
        }
    }

    /** One message, or null when the stream ended cleanly before it began (length-prefixed only). */
    static byte[] read(InputStream in, RequestResponseConfig.Framing framing, int limit, String protocol, PeerId peer,
                       String what) throws IOException {
        if (framing == RequestResponseConfig.Framing.UNTIL_END_OF_STREAM) {
            byte[] all = in.readNBytes(limit + 1);
            if (all.length > limit) {
                throw new RequestResponseException.TooLarge(protocol, peer, what, all.length, limit);
            }
            return all;
        }
        long length;
        try {
            length = Varint.read(in);
        } catch (DecodeException | java.io.EOFException e) {
            throw new RequestResponseException.Malformed(protocol, peer, "malformed length of the " + what + ": "
                    + e.getMessage(), e);
        }
        if (length < 0) {
            return null;
        }
        if (length > limit) {
            throw new RequestResponseException.TooLarge(protocol, peer, what, length, limit);
        }
        byte[] message = in.readNBytes((int) length);
        if (message.length != length) {
            throw new RequestResponseException.Malformed(protocol, peer, "the stream ended after " + message.length
                    + " of the " + length + " bytes of the " + what, null);
        }
        return message;
    }
}
