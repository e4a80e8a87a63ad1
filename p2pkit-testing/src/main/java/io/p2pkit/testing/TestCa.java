package io.p2pkit.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/** A throw-away certificate authority made at test time, and server certificates it signs. */
public final class TestCa {
    /** The CA's key. */
    public final KeyPair key;
    /** The CA's self-signed certificate. */
    public final X509Certificate certificate;
    private long serial = 2;

    /** A new CA named {@code CN=name}. */
    public TestCa(String name) throws Exception {
        key = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), subject, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        certificate = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    /** A server key and certificate for the given DNS names and IP addresses. */
    public Issued issue(String[] dnsNames, String[] ips) throws Exception {
        KeyPair k = ecKey();
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(new X500Name(certificate.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serial++), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=p2pkit test server"), k.getPublic());
        GeneralName[] names = new GeneralName[dnsNames.length + ips.length];
        int i = 0;
        for (String d : dnsNames) {
            names[i++] = new GeneralName(GeneralName.dNSName, d);
        }
        for (String ip : ips) {
            names[i++] = new GeneralName(GeneralName.iPAddress, ip);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        return new Issued(k, cert);
    }

    /**
     * A server TLS context whose certificate this CA issued for {@code 127.0.0.1} and
     * {@code localhost} (an HTTPS server in a test: clients trust it only when told to).
     */
    public javax.net.ssl.SSLContext loopbackServerContext() throws Exception {
        Issued issued = issue(new String[]{"localhost"}, new String[]{"127.0.0.1"});
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", issued.key().getPrivate(), password,
                new java.security.cert.Certificate[]{issued.certificate(), certificate});
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** Writes the CA certificate as PEM. */
    public Path writeCertificate(Path file) throws IOException {
        writePem(file, certificate);
        return file;
    }

    /** A server key and its certificate. */
    public record Issued(KeyPair key, X509Certificate certificate) {
        /** Writes the chain (this certificate, then the CA's) and the PKCS#8 key as PEM. */
        public void write(Path chain, Path keyFile, TestCa ca) throws IOException {
            try (Writer w = Files.newBufferedWriter(chain); JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(certificate);
                pem.writeObject(ca.certificate);
            }
            try (Writer w = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", pkcs8WithPublicKey(key)));
            }
        }

        /**
         * The PKCS#8 encoding with the optional public key inside the EC private key filled in:
         * the JDK leaves it out, and rustls' ring backend (the rust peer's wss) refuses EC keys
         * without it.
         */
        private static byte[] pkcs8WithPublicKey(KeyPair key) throws IOException {
            var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getPrivate().getEncoded());
            var ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded())
                    .getPublicKeyData();
            var full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getKey(), publicKey, null);
            return new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(info.getPrivateKeyAlgorithm(), full).getEncoded();
        }
    }

    /** Writes one object as PEM. */
    public static void writePem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
