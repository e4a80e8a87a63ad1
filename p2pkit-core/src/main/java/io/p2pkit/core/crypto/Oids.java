package io.p2pkit.core.crypto;

import java.util.HexFormat;

/** The content bytes of the ASN.1 object identifiers the key encodings use. */
final class Oids {
    /** 1.2.840.113549.1.1.1 rsaEncryption. */
    static final byte[] RSA_ENCRYPTION = hex("2a864886f70d010101");
    /** 1.2.840.10045.2.1 id-ecPublicKey. */
    static final byte[] EC_PUBLIC_KEY = hex("2a8648ce3d0201");
    /** 1.3.101.112 id-Ed25519. */
    static final byte[] ED25519 = hex("2b6570");
    /** 1.2.840.10045.3.1.7 secp256r1 (P-256). */
    static final byte[] SECP256R1 = hex("2a8648ce3d030107");
    /** 1.3.132.0.34 secp384r1 (P-384). */
    static final byte[] SECP384R1 = hex("2b81040022");
    /** 1.3.132.0.35 secp521r1 (P-521). */
    static final byte[] SECP521R1 = hex("2b81040023");
    /** 1.3.132.0.10 secp256k1. */
    static final byte[] SECP256K1 = hex("2b8104000a");

    private Oids() {
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
