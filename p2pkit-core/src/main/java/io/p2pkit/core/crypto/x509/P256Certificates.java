package io.p2pkit.core.crypto.x509;

import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * What the host's self-signed ECDSA P-256 certificates (libp2p TLS, QUIC, WebTransport,
 * WebRTC-direct) are made with: BouncyCastle's own P-256 arithmetic, signer and encoder, never
 * its JCA provider (whose set-up of every algorithm and curve costs a fresh JVM about 90 ms) nor
 * the JDK's EC provider (whose first key pair builds a table of multiples of the generator, about
 * 20 ms in a fresh JVM), and validity times encoded without {@code SimpleDateFormat}. Internal to
 * p2pkit-core (not exported).
 */
public final class P256Certificates {
    /** P-256 as BouncyCastle's fast implementation of its field, named by its OID in encodings. */
    public static final ECNamedDomainParameters DOMAIN;

    static {
        X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1");
        DOMAIN = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, p256);
    }

    private P256Certificates() {
    }

    /** A fresh private key: a uniform scalar in [1, n-1]. */
    public static ECPrivateKeyParameters newKey(SecureRandom random) {
        BigInteger n = DOMAIN.getN();
        BigInteger d;
        do {
            d = new BigInteger(n.bitLength(), random);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        return new ECPrivateKeyParameters(d, DOMAIN);
    }

    /** The public key of {@code key}. */
    public static ECPublicKeyParameters publicKey(ECPrivateKeyParameters key) {
        return new ECPublicKeyParameters(new FixedPointCombMultiplier().multiply(DOMAIN.getG(), key.getD()).normalize(),
                DOMAIN);
    }

    /** The DER SubjectPublicKeyInfo of {@code key} (id-ecPublicKey, named curve P-256, uncompressed point). */
    public static SubjectPublicKeyInfo subjectPublicKeyInfo(ECPublicKeyParameters key) {
        try {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a P-256 public key", e); // in memory: cannot happen
        }
    }

    /** ECDSA with SHA-256 and RFC 6979 nonces: the same key and content always give the same signature. */
    public static ContentSigner signer(ECPrivateKeyParameters key) {
        DSADigestSigner signer = new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())),
                new SHA256Digest(), StandardDSAEncoding.INSTANCE);
        signer.init(true, key);
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            }

            @Override
            public OutputStream getOutputStream() {
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        signer.update((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        signer.update(b, off, len);
                    }
                };
            }

            @Override
            public byte[] getSignature() {
                return signer.generateSignature();
            }
        };
    }

    /**
     * A certificate validity time as RFC 5280 §4.1.2.5 encodes it: UTCTime through 2049,
     * GeneralizedTime from 2050, whole seconds, UTC.
     */
    public static Time time(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1950 || year > 9999) {
            throw new IllegalArgumentException("a certificate time must be in 1950–9999: " + instant);
        }
        String rest = two(t.getMonthValue()) + two(t.getDayOfMonth()) + two(t.getHour()) + two(t.getMinute())
                + two(t.getSecond()) + "Z";
        // built from the DER bytes: the String constructors check the text with SimpleDateFormat
        byte[] text = (year < 2050 ? two(year % 100) : Integer.toString(year)).concat(rest)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[2 + text.length];
        der[0] = (byte) (year < 2050 ? 0x17 : 0x18);
        der[1] = (byte) text.length;
        System.arraycopy(text, 0, der, 2, text.length);
        return year < 2050 ? new Time(ASN1UTCTime.getInstance(der)) : new Time(ASN1GeneralizedTime.getInstance(der));
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** {@code der} as the JDK's certificate. */
    public static X509Certificate jdkCertificate(byte[] der) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** {@code key} as the JDK's private key (PKCS#8), for the JDK's and Netty's TLS. */
    public static java.security.PrivateKey jdkPrivateKey(ECPrivateKeyParameters key) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded()));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode a P-256 private key", e);
        }
    }
}
