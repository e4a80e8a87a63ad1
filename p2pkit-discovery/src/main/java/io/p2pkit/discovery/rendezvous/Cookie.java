package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A discover cookie as rust-libp2p lays it out (its clients parse the cookies they receive): 8
 * bytes of id, big-endian, then the namespace in UTF-8, empty for "all namespaces". Our server
 * puts in the id the sequence number of the last registration handed out, masked with a secret
 * of the store, so that a cookie of another point reads as one from the future and is refused.
 */
record Cookie(long id, String namespace) {
    /** The wire form. */
    byte[] encode() {
        byte[] ns = namespace == null ? new byte[0] : namespace.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + ns.length).putLong(id).put(ns).array();
    }

    /**
     * Reads a cookie; a null namespace when it has none.
     *
     * @throws DecodeException if it is shorter than 8 bytes or the namespace is not UTF-8
     */
    static Cookie decode(byte[] bytes) {
        if (bytes.length < 8) {
            throw new DecodeException("cookie", "a cookie has at least 8 bytes, this one " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long id = b.getLong();
        if (!b.hasRemaining()) {
            return new Cookie(id, null);
        }
        try {
            String ns = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(b).toString();
            return new Cookie(id, ns);
        } catch (CharacterCodingException e) {
            throw new DecodeException("cookie", "the namespace is not valid UTF-8", e);
        }
    }
}
