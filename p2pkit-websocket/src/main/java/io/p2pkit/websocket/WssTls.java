package io.p2pkit.websocket;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * The JDK {@link SSLContext}s of wss: a server context from a PEM certificate chain and key, and
 * client contexts that verify servers by the usual X.509 rules against the system's trust store
 * or against given CA certificates. This TLS is the web's (the server proves a name), not
 * libp2p's: the peer is authenticated afterwards by Noise or libp2p-TLS inside the WebSocket.
 */
public final class WssTls {
    private WssTls() {
    }

    /**
     * A server context from PEM files.
     *
     * @param certificateChain the server certificate first, then its intermediates
     * @param privateKey       the key in PKCS#8 ({@code PRIVATE KEY}), SEC 1 ({@code EC PRIVATE KEY})
     *                         or PKCS#1 ({@code RSA PRIVATE KEY}) form, unencrypted
     * @throws IOException when a file cannot be read or holds no certificate or key
     */
    public static SSLContext serverContext(Path certificateChain, Path privateKey) throws IOException {
        List<X509Certificate> chain = readCertificates(certificateChain);
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + certificateChain);
        }
        PrivateKey key = readPrivateKey(privateKey);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("wss", key, pw, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the certificate " + certificateChain + " with key " + privateKey
                    + ": " + e.getMessage(), e);
        }
    }

    /** A client context that trusts exactly the CA certificates in the PEM file {@code trustedCas}. */
    public static SSLContext clientContext(Path trustedCas) throws IOException {
        List<X509Certificate> cas = readCertificates(trustedCas);
        if (cas.isEmpty()) {
            throw new IOException("no certificate in " + trustedCas);
        }
        return clientContext(cas);
    }

    /** A client context that trusts exactly {@code trustedCas}. */
    public static SSLContext clientContext(Collection<X509Certificate> trustedCas) throws IOException {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate c : trustedCas) {
                ts.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a trust store: " + e.getMessage(), e);
        }
    }

    /** The JDK's default client context: the system trust store. */
    public static SSLContext systemClientContext() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IOException("no default TLS context: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> readCertificates(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toList();
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("cannot read certificates from " + pem + ": " + e.getMessage(), e);
        }
    }

    /** The first private key in a PEM file. */
    public static PrivateKey readPrivateKey(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot read a private key from " + pem + ": " + e.getMessage(), e);
        }
        throw new IOException("no unencrypted private key in " + pem);
    }
}
