package io.p2pkit.pubsub;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Message signatures as the pubsub spec defines them: the author signs
 * {@code "libp2p-pubsub:" || encoded message without signature and key}; {@code key} carries the
 * public key only when the peer ID does not inline it.
 */
public final class MessageSigning {
    private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

    private MessageSigning() {
    }

    /** Signs {@code message} (whose {@code from} must be {@code key}'s peer ID). */
    public static PubsubMessage sign(PrivateKey key, PubsubMessage message) {
        PubsubMessage unsigned = message.unsigned();
        byte[] signature = key.sign(signedBytes(unsigned));
        PeerId id = key.publicKey().toPeerId();
        byte[] keyField = id.publicKeyBytes().isPresent() ? null : key.publicKey().marshal();
        return unsigned.withSignature(signature, keyField);
    }

    private static byte[] signedBytes(PubsubMessage unsigned) {
        byte[] body = RpcCodec.encodeMessage(unsigned);
        byte[] out = new byte[PREFIX.length + body.length];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(body, 0, out, PREFIX.length, body.length);
        return out;
    }

    /**
     * Checks {@code message} against {@code policy}.
     *
     * @return empty if acceptable, else why not
     */
    public static Optional<String> check(SignaturePolicy policy, PubsubMessage message) {
        if (policy == SignaturePolicy.STRICT_NO_SIGN) {
            if (message.from() != null || message.seqno() != null || message.signature() != null || message.key() != null) {
                return Optional.of("unsigned policy: message carries from, seqno, signature or key");
            }
            return Optional.empty();
        }
        if (message.from() == null || message.seqno() == null || message.signature() == null) {
            return Optional.of("signed policy: message lacks from, seqno or signature");
        }
        Optional<PeerId> author = message.author();
        if (author.isEmpty()) {
            return Optional.of("from is not a peer ID");
        }
        PublicKey key;
        try {
            if (message.key() != null) {
                key = PublicKey.unmarshal(message.key());
                if (!key.toPeerId().equals(author.get())) {
                    return Optional.of("key does not match from");
                }
            } else {
                Optional<PublicKey> inlined = PublicKey.fromPeerId(author.get());
                if (inlined.isEmpty()) {
                    return Optional.of("no key field and the peer ID does not inline its key");
                }
                key = inlined.get();
            }
        } catch (IllegalArgumentException e) {
            return Optional.of("bad public key: " + e.getMessage());
        }
        boolean ok;
        try {
            ok = key.verify(signedBytes(message.unsigned()), message.signature());
        } catch (RuntimeException e) {
            ok = false;
        }
        return ok ? Optional.empty() : Optional.of("invalid signature");
    }
}
