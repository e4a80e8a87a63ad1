package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.x509.P256Certificates;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.rfc7748.X25519;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The public-key operations of a TLS 1.3 handshake: X25519 key agreement, signing our
 * CertificateVerify, verifying the peer's. ECDSA and X25519 come from BouncyCastle, because a
 * handshake's public-key operations cost several times less there (p2pkit-bench's
 * {@code HandshakeCryptoCost}: ECDSA P-256 verification about 6 times less CPU, signing and
 * X25519 about 2 times; Noise uses the same X25519). They are called through BouncyCastle's own
 * API, not its JCA provider: making the provider sets up every algorithm and named curve it has
 * (binary-field curves included), which cost a fresh JVM's first TLS handshake about 90 ms of CPU.
 * Everything else (hashes, HMAC, AEAD, RSA-PSS, Ed25519) comes from the JDK's providers, whose
 * SHA-2 and AES-GCM have intrinsics.
 */
final class HandshakeCrypto {
    /** The signature schemes a peer's CertificateVerify may use (RFC 8446 §4.2.3; no PKCS#1 v1.5, no SHA-1). */
    static final int[] VERIFIABLE_SCHEMES = {
            SignatureScheme.ECDSA_SECP256R1_SHA256.code(),
            SignatureScheme.ECDSA_SECP384R1_SHA384.code(),
            SignatureScheme.ECDSA_SECP521R1_SHA512.code(),
            SignatureScheme.ED25519.code(),
            SignatureScheme.RSA_PSS_RSAE_SHA256.code(),
            SignatureScheme.RSA_PSS_RSAE_SHA384.code(),
            SignatureScheme.RSA_PSS_RSAE_SHA512.code(),
            SignatureScheme.RSA_PSS_PSS_SHA256.code(),
            SignatureScheme.RSA_PSS_PSS_SHA384.code(),
            SignatureScheme.RSA_PSS_PSS_SHA512.code(),
    };
    /** The scheme our certificate key (ECDSA P-256) signs with. */
    static final SignatureScheme OUR_SCHEME = SignatureScheme.ECDSA_SECP256R1_SHA256;

    private static final ECDomainParameters P256 = P256Certificates.DOMAIN;

    private static final byte[] SERVER_CONTEXT = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_CONTEXT = "TLS 1.3, client CertificateVerify".getBytes(StandardCharsets.US_ASCII);

    private HandshakeCrypto() {
    }

    /** A fresh X25519 private key. */
    static byte[] x25519PrivateKey(SecureRandom random) {
        byte[] key = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, key);
        return key;
    }

    static byte[] x25519PublicKey(byte[] privateKey) {
        byte[] key = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, key, 0);
        return key;
    }

    /**
     * The X25519 shared secret with the peer's key share.
     *
     * @throws FatalAlert illegal_parameter when the share is not 32 bytes or the result is all
     *                    zeros (a low-order point, RFC 8446 §7.4.2)
     */
    static byte[] x25519Agreement(byte[] privateKey, byte[] peerShare) throws FatalAlert {
        if (peerShare.length != X25519.POINT_SIZE) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "x25519 key share of " + peerShare.length + " bytes");
        }
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(privateKey, 0, peerShare, 0, shared, 0)) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "x25519 key share is a low-order point (all-zero secret)");
        }
        return shared;
    }

    /** What a CertificateVerify signs (§4.4.3): 64 spaces, the context string, 0, the transcript hash. */
    static byte[] signedContent(boolean server, byte[] transcriptHash) {
        byte[] context = server ? SERVER_CONTEXT : CLIENT_CONTEXT;
        byte[] content = new byte[64 + context.length + 1 + transcriptHash.length];
        java.util.Arrays.fill(content, 0, 64, (byte) 0x20);
        System.arraycopy(context, 0, content, 64, context.length);
        System.arraycopy(transcriptHash, 0, content, 64 + context.length + 1, transcriptHash.length);
        return content;
    }

    /**
     * Our certificate key as BouncyCastle's ECDSA signs with it, converted once per transport;
     * {@code jdk} is used instead when the key is not a P-256 key BouncyCastle can take.
     */
    record SigningKey(ECPrivateKeyParameters ecdsa, java.security.PrivateKey jdk) {
    }

    /** {@code key} ready for {@link #sign}. */
    static SigningKey signingKey(java.security.PrivateKey key) {
        if (key instanceof ECPrivateKey ec && ec.getParams().getOrder().equals(P256.getN())) {
            return new SigningKey(new ECPrivateKeyParameters(ec.getS(), P256), null);
        }
        return new SigningKey(null, key);
    }

    /** Signs {@code content} with our certificate key under {@link #OUR_SCHEME}. */
    static byte[] sign(SigningKey key, byte[] content) throws GeneralSecurityException {
        if (key.ecdsa() == null) {
            Signature signature = Signature.getInstance(OUR_SCHEME.signatureAlgorithm());
            signature.initSign(key.jdk());
            signature.update(content);
            return signature.sign();
        }
        // deterministic nonces (RFC 6979): no randomness needed per handshake, none to get wrong
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key.ecdsa());
        BigInteger[] rs = signer.generateSignature(MessageDigest.getInstance("SHA-256").digest(content));
        try {
            return StandardDSAEncoding.INSTANCE.encode(P256.getN(), rs[0], rs[1]);
        } catch (java.io.IOException e) {
            throw new SignatureException("cannot encode an ECDSA signature", e);
        }
    }

    /**
     * Whether {@code signature} by the certificate's key over {@code content} is valid under
     * {@code scheme}. The caller has checked that the scheme fits the key.
     */
    static boolean verify(SignatureScheme scheme, PeerCertificate peer, byte[] content, byte[] signature)
            throws GeneralSecurityException {
        if (scheme.keyAlgorithm().equals("EC")) {
            ECPublicKeyParameters key = peer.ecdsaKey();
            if (key == null) {
                // one decoding serves every handshake with this (cached) certificate
                key = ecdsaPublicKey(peer.subjectPublicKeyInfo());
                peer.ecdsaKey(key);
            }
            return verifyEcdsa(scheme, key, content, signature);
        }
        java.security.PublicKey key = peer.handshakeKey();
        if (key == null) {
            key = KeyFactory.getInstance(scheme.keyAlgorithm()).generatePublic(new X509EncodedKeySpec(peer.subjectPublicKeyInfo()));
            peer.handshakeKey(key);
        }
        Signature verifier = Signature.getInstance(scheme.signatureAlgorithm());
        if (scheme.isPss()) {
            String hash = pssHash(scheme);
            verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                    hashBytes(hash), PSSParameterSpec.TRAILER_FIELD_BC));
        }
        verifier.initVerify(key);
        verifier.update(content);
        return verifier.verify(signature);
    }

    /** Whether {@code signature} (DER, as TLS carries it) by {@code key} over {@code content} is valid under the ECDSA {@code scheme}. */
    static boolean verifyEcdsa(SignatureScheme scheme, ECPublicKeyParameters key, byte[] content, byte[] signature)
            throws GeneralSecurityException {
        BigInteger[] rs;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(key.getParameters().getN(), signature);
        } catch (java.io.IOException | RuntimeException e) {
            // not a strict DER ECDSA signature at all (BouncyCastle throws several kinds, an empty one a NullPointerException)
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(MessageDigest.getInstance(ecdsaHash(scheme)).digest(content), rs[0], rs[1]);
    }

    /**
     * An EC SubjectPublicKeyInfo as BouncyCastle's key: a named curve it has a fast
     * implementation of (P-256, P-384, P-521) and a point on it.
     *
     * @throws GeneralSecurityException when the key is not such a key
     */
    static ECPublicKeyParameters ecdsaPublicKey(byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(subjectPublicKeyInfo);
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())) {
                throw new java.security.spec.InvalidKeySpecException("not an EC public key: " + info.getAlgorithm().getAlgorithm());
            }
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getAlgorithm().getParameters());
            X9ECParameters x9 = CustomNamedCurves.getByOID(curve);
            if (x9 == null) {
                throw new java.security.spec.InvalidKeySpecException("unsupported EC curve " + curve);
            }
            ECDomainParameters domain = new ECDomainParameters(x9);
            // decodePoint and the key's constructor refuse points off the curve or of the wrong order
            return new ECPublicKeyParameters(x9.getCurve().decodePoint(info.getPublicKeyData().getOctets()), domain);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new java.security.spec.InvalidKeySpecException("malformed EC public key: " + e.getMessage(), e);
        }
    }

    private static String ecdsaHash(SignatureScheme scheme) {
        return switch (scheme) {
            case ECDSA_SECP384R1_SHA384 -> "SHA-384";
            case ECDSA_SECP521R1_SHA512 -> "SHA-512";
            default -> "SHA-256";
        };
    }

    private static String pssHash(SignatureScheme scheme) {
        return switch (scheme) {
            case RSA_PSS_RSAE_SHA384, RSA_PSS_PSS_SHA384 -> "SHA-384";
            case RSA_PSS_RSAE_SHA512, RSA_PSS_PSS_SHA512 -> "SHA-512";
            default -> "SHA-256";
        };
    }

    private static int hashBytes(String hash) {
        return switch (hash) {
            case "SHA-384" -> 48;
            case "SHA-512" -> 64;
            default -> 32;
        };
    }

    /** The scheme with this code among those we verify, or null. */
    static SignatureScheme verifiable(int code) {
        for (int c : VERIFIABLE_SCHEMES) {
            if (c == code) {
                for (SignatureScheme scheme : SignatureScheme.values()) {
                    if (scheme.code() == code) {
                        return scheme;
                    }
                }
            }
        }
        return null;
    }
}
