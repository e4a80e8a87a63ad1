package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A libp2p public key: one of the four {@link KeyType}s, with its wire form (the {@code PublicKey}
 * protobuf of the peer-id spec). Immutable; equal when the marshalled forms are equal.
 */
public abstract sealed class PublicKey
        permits Ed25519PublicKey, Secp256k1PublicKey, EcdsaPublicKey, RsaPublicKey {
    /**
     * The largest marshalled public key accepted: an 8192-bit RSA key takes about 1.1 KB, the
     * largest the spec's implementations allow, so 2 KiB leaves room and no more.
     */
    public static final int MAX_MARSHALLED_SIZE = 2048;

    private final KeyType type;
    private final byte[] raw;
    private final byte[] marshalled;
    // Derived on first use; racing threads compute the same value.
    private volatile PeerId peerId;

    PublicKey(KeyType type, byte[] raw) {
        this.type = type;
        this.raw = raw;
        this.marshalled = KeyMessage.encode(type, raw);
    }

    /**
     * Decodes a {@code PublicKey} protobuf, as carried in identify, Noise, TLS, envelopes and
     * identity peer IDs.
     *
     * @throws DecodeException for unknown types, malformed key data, invalid points, keys of
     *                         unsupported size, unknown protobuf fields and inputs over {@link #MAX_MARSHALLED_SIZE}
     */
    public static PublicKey unmarshal(byte[] bytes) {
        KeyMessage m = KeyMessage.decode(bytes, "PublicKey", MAX_MARSHALLED_SIZE);
        return fromRaw(m.type(), m.data());
    }

    /**
     * Makes a public key from its type-specific bytes: 32 bytes for Ed25519, a compressed (33) or
     * uncompressed (65 bytes) point for secp256k1, DER SubjectPublicKeyInfo for ECDSA and RSA.
     *
     * @throws DecodeException if the bytes are not a valid key of that type
     */
    public static PublicKey fromRaw(KeyType type, byte[] raw) {
        if (raw == null) {
            throw new DecodeException("PublicKey", "no key data");
        }
        if (raw.length > MAX_MARSHALLED_SIZE) {
            throw new DecodeException("PublicKey", "key data of " + raw.length + " bytes is over the limit");
        }
        byte[] copy = raw.clone();
        return switch (type) {
            case ED25519 -> Ed25519PublicKey.fromRaw(copy);
            case SECP256K1 -> Secp256k1PublicKey.fromRaw(copy);
            case ECDSA -> EcdsaPublicKey.fromRaw(copy);
            case RSA -> RsaPublicKey.fromRaw(copy);
        };
    }

    /** The key type. */
    public final KeyType type() {
        return type;
    }

    /** The type-specific key bytes (the protobuf's {@code Data} field); a copy. */
    public final byte[] raw() {
        return raw.clone();
    }

    /** The {@code PublicKey} protobuf: the bytes peer IDs are derived from; a copy. */
    public final byte[] marshal() {
        return marshalled.clone();
    }

    /**
     * The key inlined in an identity peer ID (Ed25519 and secp256k1 keys), if {@code peerId} has one.
     *
     * @throws DecodeException if the peer ID inlines bytes that are not a valid public key
     */
    public static Optional<PublicKey> fromPeerId(PeerId peerId) {
        return peerId.publicKeyBytes().map(PublicKey::unmarshal);
    }

    /** The peer ID of this key: its marshalled form, inlined when at most 42 bytes, else hashed with SHA-256. */
    public final PeerId toPeerId() {
        PeerId id = peerId;
        if (id == null) {
            id = PeerId.fromPublicKeyBytes(marshalled);
            peerId = id;
        }
        return id;
    }

    /**
     * Checks {@code signature} over {@code data} by the rules of this key type. A malformed
     * signature is not an error: it simply does not verify.
     */
    public abstract boolean verify(byte[] data, byte[] signature);

    /** Equal when both keys marshal to the same bytes. */
    @Override
    public final boolean equals(Object o) {
        return o instanceof PublicKey other && Arrays.equals(marshalled, other.marshalled);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(marshalled);
    }

    /** The type and the key bytes in hex (long keys are shortened). */
    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(raw);
        if (hex.length() > 80) {
            hex = hex.substring(0, 32) + "…" + hex.substring(hex.length() - 32);
        }
        return type + "PublicKey[" + hex + "]";
    }
}
