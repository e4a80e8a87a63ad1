package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;

/** The key types of the libp2p peer-id spec, with their numbers in the {@code KeyType} protobuf enum. */
public enum KeyType {
    /** RSA, PKIX public keys and PKCS#1 private keys, signatures RSASSA-PKCS1-v1_5 with SHA-256. */
    RSA(0),
    /** Ed25519 (RFC 8032). */
    ED25519(1),
    /** Bitcoin's secp256k1 curve, compressed public keys, DER ECDSA signatures over SHA-256. */
    SECP256K1(2),
    /** ECDSA on the NIST curves (P-256 by default), DER ECDSA signatures over SHA-256. */
    ECDSA(3);

    private final int number;

    KeyType(int number) {
        this.number = number;
    }

    /** The value in the protobuf {@code KeyType} enum. */
    public int number() {
        return number;
    }

    /**
     * The key type with protobuf number {@code number}.
     *
     * @throws DecodeException for numbers the spec does not define
     */
    public static KeyType fromNumber(long number) {
        for (KeyType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        throw new DecodeException("KeyType", "unknown key type " + number);
    }
}
