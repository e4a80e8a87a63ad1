package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * A libp2p private key: signs, gives its {@link PublicKey}, and marshals to the {@code PrivateKey}
 * protobuf that go's {@code crypto.MarshalPrivateKey} and js's {@code privateKeyToProtobuf}
 * produce, so one key file works in every implementation. Immutable. {@link #toString()} never
 * shows secret material.
 */
public abstract sealed class PrivateKey
        permits Ed25519PrivateKey, Secp256k1PrivateKey, EcdsaPrivateKey, RsaPrivateKey {
    /**
     * The largest marshalled private key accepted: an 8192-bit RSA key in PKCS#1 takes about
     * 4.7 KB, so 8 KiB covers every key libp2p allows.
     */
    public static final int MAX_MARSHALLED_SIZE = 8192;
    /** The RSA modulus size of {@link #generate(KeyType)}. */
    public static final int DEFAULT_RSA_BITS = 2048;

    private static final class DefaultRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    private final KeyType type;
    private final byte[] raw;

    PrivateKey(KeyType type, byte[] raw) {
        this.type = type;
        this.raw = raw;
    }

    /** A new Ed25519 key, the default identity key type. */
    public static PrivateKey generateEd25519() {
        return generate(KeyType.ED25519);
    }

    /** A new key of {@code type} (RSA keys have {@value #DEFAULT_RSA_BITS} bits, ECDSA keys use P-256). */
    public static PrivateKey generate(KeyType type) {
        return generate(type, DefaultRandom.INSTANCE);
    }

    /** A new key of {@code type} drawn from {@code random}; a seeded generator gives the same key every time. */
    public static PrivateKey generate(KeyType type, SecureRandom random) {
        return switch (type) {
            case ED25519 -> Ed25519PrivateKey.generate(random);
            case SECP256K1 -> Secp256k1PrivateKey.generate(random);
            case ECDSA -> EcdsaPrivateKey.generate(EcdsaCurve.P256, random);
            case RSA -> RsaPrivateKey.generate(DEFAULT_RSA_BITS, random);
        };
    }

    /**
     * A new RSA key of {@code bits} bits.
     *
     * @throws IllegalArgumentException for fewer than 2048 or more than 8192 bits
     */
    public static PrivateKey generateRsa(int bits, SecureRandom random) {
        return RsaPrivateKey.generate(bits, random);
    }

    /**
     * Decodes a {@code PrivateKey} protobuf, such as a key file written by go-libp2p, js-libp2p or
     * {@link #marshal()}.
     *
     * @throws DecodeException for unknown types, malformed key data, a public half that does not
     *                         match the private one, and inputs over {@link #MAX_MARSHALLED_SIZE}
     */
    public static PrivateKey unmarshal(byte[] bytes) {
        KeyMessage m = KeyMessage.decode(bytes, "PrivateKey", MAX_MARSHALLED_SIZE);
        return fromRaw(m.type(), m.data());
    }

    /**
     * Makes a private key from its type-specific bytes: seed and public key (64 bytes, or the
     * legacy 96) for Ed25519, the 32-byte scalar for secp256k1, a DER SEC1 {@code ECPrivateKey}
     * for ECDSA and DER PKCS#1 for RSA.
     *
     * @throws DecodeException if the bytes are not a valid key of that type
     */
    public static PrivateKey fromRaw(KeyType type, byte[] raw) {
        if (raw == null) {
            throw new DecodeException("PrivateKey", "no key data");
        }
        if (raw.length > MAX_MARSHALLED_SIZE) {
            throw new DecodeException("PrivateKey", "key data of " + raw.length + " bytes is over the limit");
        }
        byte[] copy = raw.clone();
        return switch (type) {
            case ED25519 -> Ed25519PrivateKey.fromRaw(copy);
            case SECP256K1 -> Secp256k1PrivateKey.fromRaw(copy);
            case ECDSA -> EcdsaPrivateKey.fromRaw(copy);
            case RSA -> RsaPrivateKey.fromRaw(copy);
        };
    }

    /**
     * Imports a DER PKCS#8 {@code PrivateKeyInfo} (what {@code openssl genpkey} and ring write):
     * RSA, Ed25519, ECDSA on P-256/P-384/P-521, or secp256k1.
     *
     * @throws DecodeException if the bytes are not PKCS#8 or hold an unsupported or invalid key
     */
    public static PrivateKey fromPkcs8(byte[] der) {
        if (der == null || der.length > MAX_MARSHALLED_SIZE) {
            throw new DecodeException("PKCS8", der == null ? "no bytes" : "over the limit of " + MAX_MARSHALLED_SIZE + " bytes");
        }
        return Pkcs8.decode(der);
    }

    /**
     * This key as a DER PKCS#8 {@code PrivateKeyInfo}, byte for byte what go's
     * {@code x509.MarshalPKCS8PrivateKey} (Kubo's {@code key export --format=pem-pkcs8-cleartext})
     * writes for it; {@link #fromPkcs8} reads it back.
     */
    public final byte[] toPkcs8() {
        return Pkcs8.encode(this);
    }

    /** The key type. */
    public final KeyType type() {
        return type;
    }

    /** The type-specific key bytes (the protobuf's {@code Data} field); a copy. */
    public final byte[] raw() {
        return raw.clone();
    }

    /** The {@code PrivateKey} protobuf, the form key files hold; a copy. */
    public final byte[] marshal() {
        return KeyMessage.encode(type, raw);
    }

    /** The matching public key. */
    public abstract PublicKey publicKey();

    /** Signs {@code data} by the rules of this key type (see {@link KeyType}). */
    public abstract byte[] sign(byte[] data);

    /** Equal when both marshal to the same bytes (compared in constant time). */
    @Override
    public final boolean equals(Object o) {
        return o instanceof PrivateKey other && type == other.type && MessageDigest.isEqual(raw, other.raw);
    }

    /** Derived from the public key only, so that hashes say nothing about the secret. */
    @Override
    public final int hashCode() {
        return publicKey().hashCode();
    }

    /** The type and the public key; never the secret. */
    @Override
    public final String toString() {
        return type + "PrivateKey[public=" + publicKey() + "]";
    }
}
