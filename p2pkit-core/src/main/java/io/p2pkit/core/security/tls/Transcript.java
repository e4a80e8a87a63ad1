package io.p2pkit.core.security.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The handshake messages so far (RFC 8446 §4.4.1), kept whole so that the hash can be chosen
 * after the first messages (the suite is known only from the ServerHello) and the first
 * ClientHello replaced by its message_hash after a HelloRetryRequest. A handshake's messages
 * are a few KiB, so hashing them again at each step costs microseconds.
 */
final class Transcript {
    private byte[] bytes = new byte[2048];
    private int size;
    private MessageDigest digest;

    void add(byte[] message) {
        if (size + message.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + message.length));
        }
        System.arraycopy(message, 0, bytes, size, message.length);
        size += message.length;
    }

    /** Fixes the hash: the negotiated suite's. */
    void use(RecordProtection.Suite suite) throws GeneralSecurityException {
        digest = MessageDigest.getInstance(KeySchedule.hashAlgorithm(suite));
    }

    /** The hash of every message added so far. */
    byte[] hash() {
        digest.update(bytes, 0, size);
        return digest.digest();
    }

    /**
     * After a HelloRetryRequest (before it is added): replaces the first ClientHello with the
     * synthetic message_hash message holding its hash.
     */
    void replaceWithMessageHash() {
        byte[] hash = hash();
        size = 0;
        add(new WireWriter().u8(HandshakeMessages.MESSAGE_HASH).vector(3, hash).toByteArray());
    }
}
