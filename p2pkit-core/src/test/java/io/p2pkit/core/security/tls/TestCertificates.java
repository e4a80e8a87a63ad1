package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Builds libp2p-style certificates with deliberate defects, for tests of verification. */
final class TestCertificates {
    private final PrivateKey claimed;
    private PrivateKey signer;
    private boolean withExtension = true;
    private boolean critical = true;
    private boolean emptyName;
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
    private final List<Object[]> extraExtensions = new ArrayList<>();

    private TestCertificates(PrivateKey claimed) {
        this.claimed = claimed;
        this.signer = claimed;
    }

    /** The peer ID of a key. */
    static PeerId idOf(PrivateKey key) {
        return idOf(key.publicKey());
    }

    /** The peer ID of a public key. */
    static PeerId idOf(PublicKey key) {
        return key.toPeerId();
    }

    /** A certificate whose extension claims {@code identity}, correct unless changed. */
    static TestCertificates claiming(PrivateKey identity) {
        return new TestCertificates(identity);
    }

    /** Signs the extension with another key than the claimed one. */
    TestCertificates signedBy(PrivateKey other) {
        this.signer = other;
        return this;
    }

    TestCertificates withoutExtension() {
        this.withExtension = false;
        return this;
    }

    /** An empty subject and issuer name, as rust-libp2p makes its certificates. */
    TestCertificates emptyName() {
        this.emptyName = true;
        return this;
    }

    TestCertificates critical(boolean critical) {
        this.critical = critical;
        return this;
    }

    TestCertificates validity(Instant notBefore, Instant notAfter) {
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        return this;
    }

    TestCertificates extraExtension(String oid, boolean critical, byte[] value) {
        extraExtensions.add(new Object[] {oid, critical, value});
        return this;
    }

    HostCertificate build() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keyPair = generator.generateKeyPair();
            X500Name name = emptyName ? new X500Name(new org.bouncycastle.asn1.x500.RDN[0])
                    : new X500Name("SERIALNUMBER=1");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7),
                    Date.from(notBefore), Date.from(notAfter), name, keyPair.getPublic());
            if (withExtension) {
                byte[] signature = signer.sign(PeerCertificate.signingMessage(keyPair.getPublic().getEncoded()));
                SignedKey signedKey = new SignedKey(claimed.publicKey().marshal(), signature);
                builder.addExtension(PeerCertificate.EXTENSION, critical, signedKey.encode());
            }
            for (Object[] extra : extraExtensions) {
                builder.addExtension(new ASN1ObjectIdentifier((String) extra[0]), (Boolean) extra[1], (byte[]) extra[2]);
            }
            var holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate()));
            // the JDK's X.509 parser refuses empty names: BouncyCastle's certificate object (from a
            // provider instance, not registered in the JVM) carries them
            JcaX509CertificateConverter converter = emptyName
                    ? new JcaX509CertificateConverter().setProvider(new BouncyCastleProvider())
                    : new JcaX509CertificateConverter();
            return new HostCertificate(converter.getCertificate(holder), keyPair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
