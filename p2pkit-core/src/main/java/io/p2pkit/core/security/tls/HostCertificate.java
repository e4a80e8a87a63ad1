package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.x509.P256Certificates;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The certificate this host presents in libp2p TLS handshakes, with its private key: a fresh
 * ECDSA P-256 key, self-signed with SHA-256 (deterministic nonces, RFC 6979), carrying the libp2p public key extension in which the
 * host's identity key signs the certificate key. Made once per host and reused for every
 * connection, as go-libp2p does.
 *
 * <p>Validity follows go-libp2p: from one hour before creation (tolerating clock skew) to about
 * 100 years after. The extension is marked critical, as rust-libp2p and js-libp2p do; the spec
 * allows either and every implementation accepts both.
 */
public final class HostCertificate {
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofDays(100 * 365);

    private final X509Certificate certificate;
    private final java.security.PrivateKey certificateKey;

    /** Pairs a certificate with its key as they are; tests use it to present malformed certificates. */
    HostCertificate(X509Certificate certificate, java.security.PrivateKey certificateKey) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.certificateKey = Objects.requireNonNull(certificateKey, "certificateKey");
    }

    /** Makes a certificate for {@code identity} with the system's randomness and clock. */
    public static HostCertificate generate(PrivateKey identity) {
        return generate(identity, new SecureRandom(), Instant.now());
    }

    /**
     * Makes a certificate for {@code identity}.
     *
     * @param random the randomness for the certificate key, serial numbers and signature
     * @param now    the creation time the validity period is counted from
     */
    public static HostCertificate generate(PrivateKey identity, SecureRandom random, Instant now) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(now, "now");
        try {
            ECPrivateKeyParameters key = P256Certificates.newKey(random);
            SubjectPublicKeyInfo spki = P256Certificates.subjectPublicKeyInfo(P256Certificates.publicKey(key));
            byte[] signature = identity.sign(PeerCertificate.signingMessage(spki.getEncoded(ASN1Encoding.DER)));
            SignedKey signedKey = new SignedKey(identity.publicKey().marshal(), signature);

            // RFC 5280 wants a non-empty issuer; like go, a random serialNumber attribute names it
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.SERIALNUMBER, new BigInteger(62, random).toString())
                    .build();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, new BigInteger(62, random),
                    P256Certificates.time(now.minus(BACKDATE)), P256Certificates.time(now.plus(LIFETIME)), name, spki);
            builder.addExtension(PeerCertificate.EXTENSION, true, signedKey.encode());
            byte[] der = builder.build(P256Certificates.signer(key)).getEncoded();
            return new HostCertificate(P256Certificates.jdkCertificate(der), P256Certificates.jdkPrivateKey(key));
        } catch (GeneralSecurityException | IOException e) {
            // every algorithm used here is mandatory in the JDK, and the encodings are in memory
            throw new IllegalStateException("cannot build the libp2p TLS certificate", e);
        }
    }

    /** The self-signed certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate's private key (ECDSA P-256), used to sign TLS handshakes. */
    public java.security.PrivateKey certificateKey() {
        return certificateKey;
    }

    /** The DER encoding of the certificate. */
    public byte[] encoded() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            // it was built or parsed from DER moments ago
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    @Override
    public String toString() {
        return "HostCertificate[serial=" + certificate.getSerialNumber().toString(16) + ", notAfter="
                + certificate.getNotAfter().toInstant() + "]";
    }
}
