package io.p2pkit.core.security.tls;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;

/**
 * A certificate presented in a libp2p TLS handshake, parsed: the X.509 certificate and the host
 * identity its libp2p public key extension claims. {@link #parse} and {@link #of} check the
 * structure only; {@link #verify} checks what makes the claim true (validity period,
 * self-signature, the identity key's signature over the certificate key).
 *
 * <p>Structure rules (libp2p/specs {@code tls/tls.md}): the extension with OID
 * {@value #EXTENSION_OID} is present exactly once and holds a DER {@link SignedKey} whose public
 * key is a valid libp2p key; no other extension is critical; no issuer or subject unique ID; the
 * self-signature uses a TLS 1.3 {@link SignatureScheme}.
 */
public final class PeerCertificate {
    /** The OID of the libp2p public key extension. */
    public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";

    /** The largest certificate {@link #parse} accepts. */
    public static final int MAX_ENCODED_BYTES = 64 * 1024;

    static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier(EXTENSION_OID);
    private static final byte[] SIGNING_PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);

    private final Certificate certificate;
    private final Instant notBefore;
    private final Instant notAfter;
    private final byte[] encoded;
    private final byte[] subjectPublicKeyInfo;
    private final SignatureScheme signatureScheme;
    private final SignedKey signedKey;
    private final PublicKey publicKey;
    private final PeerId peerId;
    /** The certificate key as the handshake verifies with it; decoded on first use, kept with the cached certificate. */
    private volatile java.security.PublicKey handshakeKey;
    /** The same for an ECDSA key, in BouncyCastle's form. */
    private volatile org.bouncycastle.crypto.params.ECPublicKeyParameters ecdsaKey;

    private PeerCertificate(Certificate certificate, Instant notBefore, Instant notAfter, byte[] encoded,
                            byte[] subjectPublicKeyInfo, SignatureScheme signatureScheme, SignedKey signedKey,
                            PublicKey publicKey) {
        this.certificate = certificate;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.encoded = encoded;
        this.subjectPublicKeyInfo = subjectPublicKeyInfo;
        this.signatureScheme = signatureScheme;
        this.signedKey = signedKey;
        this.publicKey = publicKey;
        this.peerId = publicKey.toPeerId();
    }

    /**
     * Parses a DER certificate and its libp2p extension, without verifying signatures or dates.
     *
     * <p>BouncyCastle parses it, not the JDK: the JDK refuses certificates with an empty issuer
     * name, and rust-libp2p makes exactly those.
     *
     * @throws DecodeException when the bytes are not one DER certificate following the structure rules
     */
    public static PeerCertificate parse(byte[] der) {
        if (der.length > MAX_ENCODED_BYTES) {
            throw new DecodeException("certificate", "too long: " + der.length + " bytes, at most "
                    + MAX_ENCODED_BYTES);
        }
        Certificate asn1;
        TBSCertificate tbs;
        byte[] spki;
        Instant notBefore;
        Instant notAfter;
        try {
            asn1 = Certificate.getInstance(der);
            if (asn1 == null) {
                throw new DecodeException("certificate", "empty input");
            }
            // the signatures cover the bytes as sent: insist they are the one DER form, and nothing more
            if (!Arrays.equals(asn1.getEncoded(ASN1Encoding.DER), der)) {
                throw new DecodeException("certificate", "not exactly one certificate in DER form");
            }
            tbs = asn1.getTBSCertificate();
            spki = tbs.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
            // BouncyCastle parses times lazily: malformed ones must fail here, not in verify
            notBefore = CertificateTime.instant(tbs.getStartDate());
            notAfter = CertificateTime.instant(tbs.getEndDate());
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DecodeException("certificate", "not an X.509 certificate: " + e.getMessage(), e);
        }
        if (tbs.getVersionNumber() != 3) {
            throw new DecodeException("certificate", "version " + tbs.getVersionNumber() + ", expected 3");
        }
        if (tbs.getIssuerUniqueId() != null || tbs.getSubjectUniqueId() != null) {
            throw new DecodeException("certificate", "carries a deprecated issuer or subject unique ID");
        }
        if (!tbs.getSignature().equals(asn1.getSignatureAlgorithm())) {
            throw new DecodeException("certificate", "inner and outer signature algorithms differ");
        }
        SignatureScheme scheme = SignatureScheme.of(tbs.getSignature(), tbs.getSubjectPublicKeyInfo().getAlgorithm());
        SignedKey signedKey = libp2pExtension(tbs.getExtensions());
        PublicKey publicKey = PublicKey.unmarshal(signedKey.publicKey());
        return new PeerCertificate(asn1, notBefore, notAfter, der.clone(), spki, scheme, signedKey, publicKey);
    }

    /**
     * Reads the libp2p extension of a certificate a TLS engine has parsed, as {@link #parse} does.
     *
     * @throws DecodeException when the certificate does not follow the structure rules
     */
    public static PeerCertificate of(X509Certificate certificate) {
        byte[] encoded;
        try {
            encoded = certificate.getEncoded();
        } catch (CertificateEncodingException | RuntimeException e) {
            throw new DecodeException("certificate", "cannot be encoded: " + e.getMessage(), e);
        }
        return parse(encoded);
    }

    /** Finds the one libp2p extension and refuses any other critical extension. */
    private static SignedKey libp2pExtension(Extensions extensions) {
        if (extensions == null) {
            throw new DecodeException("certificate", "has no extensions, so no libp2p public key extension");
        }
        SignedKey found = null;
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
            Extension extension = extensions.getExtension(oid);
            if (oid.equals(EXTENSION)) {
                if (found != null) {
                    throw new DecodeException("certificate", "carries the libp2p extension twice");
                }
                found = SignedKey.decode(extension.getExtnValue().getOctets());
            } else if (extension.isCritical()) {
                throw new DecodeException("certificate", "carries an unknown critical extension " + oid.getId());
            }
        }
        if (found == null) {
            throw new DecodeException("certificate", "lacks the libp2p public key extension " + EXTENSION_OID);
        }
        return found;
    }

    /**
     * Verifies the certificate: valid at {@code now}, self-signature valid, and the extension's
     * signature by the identity key over the certificate key valid.
     *
     * @throws CertificateException naming the check that failed
     */
    public void verify(Instant now) throws CertificateException {
        checkValidity(now);
        if (!selfSignatureValid()) {
            throw new CertificateException("certificate self-signature (" + signatureScheme + ") is invalid");
        }
        byte[] message = signingMessage(subjectPublicKeyInfo);
        boolean valid;
        try {
            valid = publicKey.verify(message, signedKey.signature());
        } catch (RuntimeException e) {
            throw new CertificateException("libp2p extension signature of " + peerId + " is malformed: "
                    + e.getMessage(), e);
        }
        if (!valid) {
            throw new CertificateException("libp2p extension signature of " + peerId
                    + " does not cover this certificate's key");
        }
    }

    /** Checks that {@code now} is within the validity period: the one check that depends on the time. */
    void checkValidity(Instant now) throws CertificateException {
        if (now.isBefore(notBefore)) {
            throw new CertificateNotYetValidException("certificate not valid before " + notBefore);
        }
        if (now.isAfter(notAfter)) {
            throw new CertificateExpiredException("certificate expired on " + notAfter);
        }
    }

    /**
     * Checks the certificate's signature with its own key: ECDSA as the handshake verifies it
     * (BouncyCastle's own API; the key it decodes serves the CertificateVerify too), the other
     * schemes by the JDK's implementation.
     */
    private boolean selfSignatureValid() throws CertificateException {
        Certificate asn1 = certificate;
        try {
            if (signatureScheme.keyAlgorithm().equals("EC")) {
                org.bouncycastle.crypto.params.ECPublicKeyParameters key = HandshakeCrypto.ecdsaPublicKey(subjectPublicKeyInfo);
                ecdsaKey = key;
                return HandshakeCrypto.verifyEcdsa(signatureScheme, key, asn1.getTBSCertificate().getEncoded(ASN1Encoding.DER),
                        asn1.getSignature().getOctets());
            }
            java.security.PublicKey key = KeyFactory.getInstance(signatureScheme.keyAlgorithm())
                    .generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
            Signature signature = Signature.getInstance(signatureScheme.signatureAlgorithm());
            if (signatureScheme.isPss()) {
                AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
                parameters.init(asn1.getSignatureAlgorithm().getParameters().toASN1Primitive().getEncoded(ASN1Encoding.DER));
                signature.setParameter(parameters.getParameterSpec(PSSParameterSpec.class));
            }
            signature.initVerify(key);
            signature.update(asn1.getTBSCertificate().getEncoded(ASN1Encoding.DER));
            return signature.verify(asn1.getSignature().getOctets());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new CertificateException("certificate self-signature (" + signatureScheme + ") cannot be checked: "
                    + e.getMessage(), e);
        }
    }

    /** The message the identity key signs for a certificate key: the prefix and the DER SubjectPublicKeyInfo. */
    static byte[] signingMessage(byte[] subjectPublicKeyInfo) {
        byte[] message = new byte[SIGNING_PREFIX.length + subjectPublicKeyInfo.length];
        System.arraycopy(SIGNING_PREFIX, 0, message, 0, SIGNING_PREFIX.length);
        System.arraycopy(subjectPublicKeyInfo, 0, message, SIGNING_PREFIX.length, subjectPublicKeyInfo.length);
        return message;
    }

    /** The host identity key the extension claims. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The DER SubjectPublicKeyInfo of the certificate key, which signs the peer's CertificateVerify. */
    byte[] subjectPublicKeyInfo() {
        return subjectPublicKeyInfo;
    }

    /** The certificate key decoded for verifying CertificateVerify signatures, or null before {@link #handshakeKey(java.security.PublicKey)}. */
    java.security.PublicKey handshakeKey() {
        return handshakeKey;
    }

    /** Keeps the decoded certificate key, so that a peer that connects again costs no decoding. */
    void handshakeKey(java.security.PublicKey key) {
        handshakeKey = key;
    }

    /** The certificate's ECDSA key decoded for verifying CertificateVerify signatures, or null before it was. */
    org.bouncycastle.crypto.params.ECPublicKeyParameters ecdsaKey() {
        return ecdsaKey;
    }

    void ecdsaKey(org.bouncycastle.crypto.params.ECPublicKeyParameters key) {
        ecdsaKey = key;
    }

    /** The peer ID of {@link #publicKey()}. */
    public PeerId peerId() {
        return peerId;
    }

    /** The scheme of the self-signature. */
    public SignatureScheme signatureScheme() {
        return signatureScheme;
    }

    /** The decoded libp2p extension. */
    public SignedKey signedKey() {
        return signedKey;
    }

    /** The start of the validity period. */
    public Instant notBefore() {
        return notBefore;
    }

    /** The end of the validity period. */
    public Instant notAfter() {
        return notAfter;
    }

    /** The DER encoding of the certificate. */
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerCertificate other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "PeerCertificate[peer=" + peerId + ", scheme=" + signatureScheme + ", notAfter=" + notAfter() + "]";
    }
}
