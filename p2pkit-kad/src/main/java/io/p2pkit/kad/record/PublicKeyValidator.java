package io.p2pkit.kad.record;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code pk} namespace: key {@code /pk/<peer ID bytes>}, value the peer's protobuf-encoded
 * public key, valid when the key hashes (or inlines) to that peer ID. All valid values of a key
 * are the same key, so selection takes the first.
 */
public final class PublicKeyValidator implements RecordValidator {
    /** The key prefix. */
    public static final String PREFIX = "/pk/";

    /** The validator (it has no state). */
    public PublicKeyValidator() {
    }

    @Override
    public void validate(byte[] key, byte[] value) {
        PeerId expected = peerOf(key);
        PublicKey pk;
        try {
            pk = PublicKey.unmarshal(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("pk.value", "not a public key: " + e.getMessage(), e);
        }
        if (!pk.toPeerId().equals(expected)) {
            throw new InvalidRecordException("pk.value", "the public key is " + pk.toPeerId() + "'s, not " + expected + "'s");
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to select from");
        }
        return 0;
    }

    /** The key for {@code peer}'s public key record. */
    public static byte[] keyFor(PeerId peer) {
        return NamespacedKey.of(PREFIX, peer.bytes());
    }

    /** The peer a {@code /pk/} or {@code /ipns/} key names. */
    static PeerId peerOf(byte[] key) {
        byte[] rest = NamespacedKey.rest(key);
        try {
            return PeerId.decode(rest);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("key", "the key does not end in a peer ID: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PublicKeyValidator" + Arrays.toString(new String[] {PREFIX});
    }
}
