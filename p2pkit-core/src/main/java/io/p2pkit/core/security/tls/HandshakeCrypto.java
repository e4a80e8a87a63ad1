package io.p2pkit.core.security.tls;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.rfc7748.X25519;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The public-key operations of a TLS 1.3 handshake: X25519 key agreement, signing our
 * CertificateVerify, verifying the peer's. ECDSA and X25519 come from BouncyCastle, because a
 * handshake's public-key operations cost several times less there (p2pkit-bench's
 * {@code HandshakeCryptoCost}: ECDSA P-256 verification about 6 times less CPU, signing and
 * X25519 about 2 times; Noise uses the same X25519). Everything else (hashes, HMAC, AEAD, RSA-PSS,
 * Ed25519) comes from the JDK's providers, whose AES-GCM has intrinsics.
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
     * {@code key} as a BouncyCastle key, so that signing with it does not convert the JDK's key on
     * every handshake; the key itself when BouncyCastle cannot read it.
     */
    static java.security.PrivateKey signingKey(java.security.PrivateKey key) {
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), BouncyCastle.PROVIDER)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    /** Signs {@code content} with our certificate key under {@link #OUR_SCHEME}. */
    static byte[] sign(java.security.PrivateKey key, byte[] content) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(OUR_SCHEME.signatureAlgorithm(), BouncyCastle.PROVIDER);
        signature.initSign(key);
        signature.update(content);
        return signature.sign();
    }

    /**
     * Whether {@code signature} by the certificate's key over {@code content} is valid under
     * {@code scheme}. The caller has checked that the scheme fits the key.
     */
    static boolean verify(SignatureScheme scheme, PeerCertificate peer, byte[] content, byte[] signature)
            throws GeneralSecurityException {
        boolean ecdsa = scheme.keyAlgorithm().equals("EC");
        java.security.PublicKey key = peer.handshakeKey();
        if (key == null) {
            // the key type follows from the certificate, so one decoding serves every scheme that fits it
            KeyFactory keys = ecdsa ? KeyFactory.getInstance("EC", BouncyCastle.PROVIDER)
                    : KeyFactory.getInstance(scheme.keyAlgorithm());
            key = keys.generatePublic(new X509EncodedKeySpec(peer.subjectPublicKeyInfo()));
            peer.handshakeKey(key);
        }
        Signature verifier = ecdsa ? Signature.getInstance(scheme.signatureAlgorithm(), BouncyCastle.PROVIDER)
                : Signature.getInstance(scheme.signatureAlgorithm());
        if (scheme.isPss()) {
            String hash = pssHash(scheme);
            verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                    hashBytes(hash), PSSParameterSpec.TRAILER_FIELD_BC));
        }
        verifier.initVerify(key);
        verifier.update(content);
        return verifier.verify(signature);
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

    /**
     * A private BouncyCastle provider (never added to the JVM's provider list), made on first
     * use: making it sets up all its algorithms and named curves, a quarter of a daemon's start-up
     * CPU when it was made with the TLS transport.
     */
    private static final class BouncyCastle {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
