package io.p2pkit.core.security.tls;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * The TLS 1.3 signature schemes (RFC 8446, section 4.2.3) a libp2p certificate's self-signature
 * may use. The scheme follows from the signature algorithm together with the certificate key:
 * TLS 1.3 ties each ECDSA curve to one hash, so for example a P-384 key signing with SHA-256 has
 * no scheme and such a certificate is refused, as rust-libp2p does.
 */
public enum SignatureScheme {
    /** RSASSA-PKCS1-v1_5 with SHA-256. */
    RSA_PKCS1_SHA256(0x0401, "RSA", "SHA256withRSA"),
    /** RSASSA-PKCS1-v1_5 with SHA-384. */
    RSA_PKCS1_SHA384(0x0501, "RSA", "SHA384withRSA"),
    /** RSASSA-PKCS1-v1_5 with SHA-512. */
    RSA_PKCS1_SHA512(0x0601, "RSA", "SHA512withRSA"),
    /** ECDSA on P-256 with SHA-256. */
    ECDSA_SECP256R1_SHA256(0x0403, "EC", "SHA256withECDSA"),
    /** ECDSA on P-384 with SHA-384. */
    ECDSA_SECP384R1_SHA384(0x0503, "EC", "SHA384withECDSA"),
    /** ECDSA on P-521 with SHA-512. */
    ECDSA_SECP521R1_SHA512(0x0603, "EC", "SHA512withECDSA"),
    /** RSASSA-PSS with SHA-256 and an rsaEncryption key. */
    RSA_PSS_RSAE_SHA256(0x0804, "RSA", "RSASSA-PSS"),
    /** RSASSA-PSS with SHA-384 and an rsaEncryption key. */
    RSA_PSS_RSAE_SHA384(0x0805, "RSA", "RSASSA-PSS"),
    /** RSASSA-PSS with SHA-512 and an rsaEncryption key. */
    RSA_PSS_RSAE_SHA512(0x0806, "RSA", "RSASSA-PSS"),
    /** Ed25519. */
    ED25519(0x0807, "Ed25519", "Ed25519"),
    /** Ed448. */
    ED448(0x0808, "Ed448", "Ed448"),
    /** RSASSA-PSS with SHA-256 and an RSASSA-PSS key. */
    RSA_PSS_PSS_SHA256(0x0809, "RSASSA-PSS", "RSASSA-PSS"),
    /** RSASSA-PSS with SHA-384 and an RSASSA-PSS key. */
    RSA_PSS_PSS_SHA384(0x080a, "RSASSA-PSS", "RSASSA-PSS"),
    /** RSASSA-PSS with SHA-512 and an RSASSA-PSS key. */
    RSA_PSS_PSS_SHA512(0x080b, "RSASSA-PSS", "RSASSA-PSS");

    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";
    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    private static final String SHA384_WITH_RSA = "1.2.840.113549.1.1.12";
    private static final String SHA512_WITH_RSA = "1.2.840.113549.1.1.13";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";
    private static final String ECDSA_WITH_SHA512 = "1.2.840.10045.4.3.4";
    private static final String P256 = "1.2.840.10045.3.1.7";
    private static final String P384 = "1.3.132.0.34";
    private static final String P521 = "1.3.132.0.35";
    private static final String ED25519_OID = "1.3.101.112";
    private static final String ED448_OID = "1.3.101.113";
    private static final String SHA256 = "2.16.840.1.101.3.4.2.1";
    private static final String SHA384 = "2.16.840.1.101.3.4.2.2";
    private static final String SHA512 = "2.16.840.1.101.3.4.2.3";

    private final int code;
    private final String keyAlgorithm;
    private final String signatureAlgorithm;

    SignatureScheme(int code, String keyAlgorithm, String signatureAlgorithm) {
        this.code = code;
        this.keyAlgorithm = keyAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The scheme's code point on the TLS wire. */
    public int code() {
        return code;
    }

    /** The JDK's {@code KeyFactory} algorithm for the certificate key. */
    String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** The JDK's {@code Signature} algorithm; for RSASSA-PSS the parameters come from the certificate. */
    String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Whether the scheme is RSASSA-PSS, whose JDK signature needs the certificate's parameters. */
    boolean isPss() {
        return signatureAlgorithm.equals("RSASSA-PSS");
    }

    /**
     * The scheme of a certificate's self-signature.
     *
     * @param signatureAlgorithm the certificate's signatureAlgorithm
     * @param keyAlgorithm       the algorithm of its SubjectPublicKeyInfo
     * @throws DecodeException with field {@code "certificate"} when the combination is no TLS 1.3 scheme
     */
    static SignatureScheme of(AlgorithmIdentifier signatureAlgorithm, AlgorithmIdentifier keyAlgorithm) {
        String sig = signatureAlgorithm.getAlgorithm().getId();
        String key = keyAlgorithm.getAlgorithm().getId();
        SignatureScheme scheme = switch (key) {
            case RSA_ENCRYPTION -> switch (sig) {
                case SHA256_WITH_RSA -> RSA_PKCS1_SHA256;
                case SHA384_WITH_RSA -> RSA_PKCS1_SHA384;
                case SHA512_WITH_RSA -> RSA_PKCS1_SHA512;
                case RSASSA_PSS -> pss(signatureAlgorithm, RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384, RSA_PSS_RSAE_SHA512);
                default -> null;
            };
            case RSASSA_PSS -> sig.equals(RSASSA_PSS)
                    ? pss(signatureAlgorithm, RSA_PSS_PSS_SHA256, RSA_PSS_PSS_SHA384, RSA_PSS_PSS_SHA512)
                    : null;
            case EC_PUBLIC_KEY -> {
                ASN1Encodable params = keyAlgorithm.getParameters();
                String curve = params instanceof ASN1ObjectIdentifier oid ? oid.getId() : "";
                if (curve.equals(P256) && sig.equals(ECDSA_WITH_SHA256)) {
                    yield ECDSA_SECP256R1_SHA256;
                } else if (curve.equals(P384) && sig.equals(ECDSA_WITH_SHA384)) {
                    yield ECDSA_SECP384R1_SHA384;
                } else if (curve.equals(P521) && sig.equals(ECDSA_WITH_SHA512)) {
                    yield ECDSA_SECP521R1_SHA512;
                }
                yield null;
            }
            case ED25519_OID -> sig.equals(ED25519_OID) ? ED25519 : null;
            case ED448_OID -> sig.equals(ED448_OID) ? ED448 : null;
            default -> null;
        };
        if (scheme == null) {
            throw new DecodeException("certificate", "signature algorithm " + sig + " with key algorithm "
                    + key + " is not a TLS 1.3 signature scheme");
        }
        return scheme;
    }

    /** Picks the PSS scheme by the hash named in the parameters; null when it is none of the three. */
    private static SignatureScheme pss(AlgorithmIdentifier signatureAlgorithm, SignatureScheme sha256,
                                       SignatureScheme sha384, SignatureScheme sha512) {
        RSASSAPSSparams params;
        try {
            params = RSASSAPSSparams.getInstance(signatureAlgorithm.getParameters());
        } catch (RuntimeException e) {
            return null;
        }
        if (params == null) {
            return null;
        }
        return switch (params.getHashAlgorithm().getAlgorithm().getId()) {
            case SHA256 -> sha256;
            case SHA384 -> sha384;
            case SHA512 -> sha512;
            default -> null;
        };
    }
}
