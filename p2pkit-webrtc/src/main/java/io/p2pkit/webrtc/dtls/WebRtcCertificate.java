package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.crypto.DerivedCertificate;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Multihash;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The self-signed ECDSA P-256 certificate a WebRTC-direct node shows in DTLS. Nothing checks its
 * names or dates: the peer checks only its SHA-256 fingerprint, which the listener publishes in
 * its address as {@code /certhash} (see {@link Certhash}). A node's certificate is
 * {@link #derive derived} from its identity key, so that its certhash, and with it every address
 * a browser saved, stays the same across restarts.
 */
public final class WebRtcCertificate {
    /** How long a generated certificate is valid; peers do not check it, but some tools print it. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

    /** What derived certificates are for: their common name and part of the derivation's info. */
    static final String PURPOSE = "libp2p-webrtc-direct";
    /** The validity of derived certificates: fixed, since it is part of what is hashed; nobody checks it. */
    static final Instant DERIVED_FROM = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant DERIVED_UNTIL = Instant.parse("2125-01-01T00:00:00Z");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final Multihash fingerprint;

    private WebRtcCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = Certhash.fingerprint(der);
    }

    /**
     * The certificate of the node whose identity key is {@code hostKey}: always the same for the
     * same key (see {@link DerivedCertificate}), valid from 2025 to 2125.
     */
    public static WebRtcCertificate derive(PrivateKey hostKey) {
        DerivedCertificate d = DerivedCertificate.derive(hostKey, PURPOSE, DERIVED_FROM, DERIVED_UNTIL);
        try {
            return new WebRtcCertificate(d.certificate().getEncoded(), PrivateKeyFactory.createKey(d.privateKey().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot use a derived certificate", e);
        }
    }

    /** A new key pair and certificate, valid from a day ago for {@link #DEFAULT_VALIDITY}. */
    public static WebRtcCertificate generate() {
        return generate(DEFAULT_VALIDITY);
    }

    /** A new key pair and certificate, valid from a day ago for {@code validity}. */
    public static WebRtcCertificate generate(Duration validity) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair kp = kpg.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=p2pkit-webrtc");
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(validity)), name, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            return new WebRtcCertificate(holder.getEncoded(), PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create an ECDSA P-256 certificate", e);
        }
    }

    /** The certificate's DER encoding (a copy). */
    public byte[] der() {
        return der.clone();
    }

    /** The SHA-256 multihash of the DER encoding: what {@code /certhash} carries. */
    public Multihash fingerprint() {
        return fingerprint;
    }

    /** The {@code /certhash/<multibase>} component for this certificate. */
    public String certhashComponent() {
        return Certhash.component(fingerprint);
    }

    /** This certificate and its key as DTLS credentials, signing with ECDSA over SHA-256. */
    TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, chain,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }
}
