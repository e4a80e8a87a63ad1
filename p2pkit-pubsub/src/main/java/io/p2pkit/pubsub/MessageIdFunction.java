package io.p2pkit.pubsub;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Computes a message's ID, which the seen cache, message cache, IHAVE/IWANT and IDONTWANT use.
 * All nodes of a topic must agree on it: go-libp2p-pubsub's default is {@link #FROM_AND_SEQNO};
 * js gossipsub uses {@link #KEY_AND_SEQNO} for signed messages and {@link #SHA256_OF_DATA} for unsigned ones.
 */
@FunctionalInterface
public interface MessageIdFunction {
    /** The {@code from} bytes followed by the {@code seqno} bytes (go-libp2p-pubsub's default). */
    MessageIdFunction FROM_AND_SEQNO = m -> {
        byte[] from = m.rawFrom() == null ? new byte[0] : m.rawFrom();
        byte[] seqno = m.rawSeqno() == null ? new byte[0] : m.rawSeqno();
        byte[] id = new byte[from.length + seqno.length];
        System.arraycopy(from, 0, id, 0, from.length);
        System.arraycopy(seqno, 0, id, from.length, seqno.length);
        return MessageId.wrap(id);
    };

    /**
     * The author's public key in protobuf form followed by the {@code seqno} bytes: js-libp2p
     * gossipsub's default for signed messages. It differs from go's {@link #FROM_AND_SEQNO} for
     * every key type (the peer ID wraps the key in a multihash), so a mixed network must agree on one.
     */
    MessageIdFunction KEY_AND_SEQNO = m -> {
        byte[] key = m.key();
        if (key == null) {
            key = m.author().flatMap(io.p2pkit.core.crypto.PublicKey::fromPeerId)
                    .map(io.p2pkit.core.crypto.PublicKey::marshal).orElse(new byte[0]);
        }
        byte[] seqno = m.seqno() == null ? new byte[0] : m.seqno();
        byte[] id = new byte[key.length + seqno.length];
        System.arraycopy(key, 0, id, 0, key.length);
        System.arraycopy(seqno, 0, id, key.length, seqno.length);
        return MessageId.of(id);
    };

    /** SHA-256 of the data (js gossipsub's default for unsigned messages). */
    MessageIdFunction SHA256_OF_DATA = m -> {
        try {
            return MessageId.of(MessageDigest.getInstance("SHA-256").digest(m.data()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    };

    /** The default for a policy: from + seqno when signing, SHA-256 of data otherwise (unsigned messages have neither field). */
    static MessageIdFunction defaultFor(SignaturePolicy policy) {
        return policy == SignaturePolicy.STRICT_SIGN ? FROM_AND_SEQNO : SHA256_OF_DATA;
    }

    /** The ID of {@code message}. */
    MessageId apply(PubsubMessage message);
}
