package io.p2pkit.core.crypto;

import io.p2pkit.core.crypto.x509.P256Certificates;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A self-signed ECDSA P-256 certificate derived from a host's identity key: the same key, purpose
 * and validity always give the same certificate, byte for byte, so its SHA-256 hash (a
 * {@code /certhash} in a WebTransport or WebRTC-direct address) survives a restart without a file
 * to keep, as go-libp2p does for WebTransport. The certificate's key, serial number and signature
 * (RFC 6979 deterministic ECDSA) come from HKDF-SHA256 over the host key's protobuf bytes, with the
 * purpose and the start of the validity as the info, so they cannot be told without the host key.
 *
 * <pre>{@code
 * DerivedCertificate c = DerivedCertificate.derive(hostKey, "webtransport", from, until);
 * c.certificate();   // the same X.509 certificate after every restart
 * }</pre>
 */
public final class DerivedCertificate {
    private static final byte[] SALT = "p2pkit derived certificate v1".getBytes(StandardCharsets.US_ASCII);

    private final X509Certificate certificate;
    private final java.security.PrivateKey privateKey;

    private DerivedCertificate(X509Certificate certificate, java.security.PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Derives the certificate of {@code hostKey} for {@code purpose}, valid from {@code notBefore}
     * to {@code notAfter} (whole seconds), with the common name {@code CN=<purpose>}.
     *
     * @param purpose what the certificate is for (a short ASCII label); other purposes give other keys
     */
    public static DerivedCertificate derive(PrivateKey hostKey, String purpose, Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(hostKey, "hostKey");
        if (purpose.isEmpty() || !purpose.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',' && c != '=')) {
            throw new IllegalArgumentException("purpose must be a short ASCII label: " + purpose);
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        byte[] info = ByteBuffer.allocate(purpose.length() + 1 + Long.BYTES)
                .put(purpose.getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                .putLong(notBefore.getEpochSecond()).array();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(hostKey.marshal(), SALT, info));
        // 48 bytes reduced modulo n-1 leave a bias below 2^-128 (FIPS 186-5 A.2.1)
        byte[] scalar = new byte[48];
        hkdf.generateBytes(scalar, 0, scalar.length);
        byte[] serial = new byte[8];
        hkdf.generateBytes(serial, 0, serial.length);
        BigInteger n = P256Certificates.DOMAIN.getN();
        BigInteger d = new BigInteger(1, scalar).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        ECPrivateKeyParameters priv = new ECPrivateKeyParameters(d, P256Certificates.DOMAIN);
        try {
            X500Name name = new X500Name("CN=" + purpose);
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(1, serial).setBit(0), // positive and non-zero, as RFC 5280 §4.1.2.2 wants
                    P256Certificates.time(notBefore), P256Certificates.time(notAfter), name,
                    P256Certificates.subjectPublicKeyInfo(P256Certificates.publicKey(priv)))
                    // Chromium checks serverCertificateHashes certificates with quiche's
                    // CertificateView, which refuses one without an extensions field
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            byte[] der = builder.build(P256Certificates.signer(priv)).getEncoded();
            return new DerivedCertificate(P256Certificates.jdkCertificate(der), P256Certificates.jdkPrivateKey(priv));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive a P-256 certificate", e);
        }
    }

    /** The certificate (its encoding is the same for the same inputs). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate's P-256 private key (PKCS#8 encoded). */
    public java.security.PrivateKey privateKey() {
        return privateKey;
    }
}
