package io.p2pkit.core.security.tls;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import javax.crypto.KeyAgreement;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Locale;

/**
 * The TLS implementation libp2p TLS runs on: BouncyCastle's JSSE provider (BCJSSE), as a private
 * provider instance that is never installed JVM-wide.
 *
 * <p>Why not the JDK's own engine: it parses the peer's certificate with the JDK's X.509 parser
 * before any trust manager sees it, and that parser refuses certificates that js-libp2p and
 * rust-libp2p make (an empty issuer name). BCJSSE parses certificates through its crypto
 * helper, which here uses BouncyCastle's lenient X.509 parser. ECDSA and X25519 come from
 * BouncyCastle too, because a handshake's public-key operations cost several times less there
 * (p2pkit-bench's {@code HandshakeCryptoCost}: ECDSA P-256 verification about 6 times less CPU,
 * signing and X25519 about 2 times; Noise uses the same BouncyCastle X25519 and Ed25519). Every other algorithm (hashes, HMAC, the
 * handshake's AEAD) comes from the JDK's providers, whose AES-GCM has intrinsics. The records after
 * the handshake bypass BCJSSE ({@link RecordProtection}); its crypto reports where the traffic
 * secrets are ({@link TrafficSecrets}).
 *
 * <p>BCJSSE's log records go to p2pkit's logger at DEBUG instead of the console ({@link BouncyCastleLogging}).
 */
final class JsseProvider {
    private static final String TLS_1_3 = "TLSv1.3";

    private JsseProvider() {
    }

    /**
     * A TLS 1.3 context on the private BCJSSE provider with the given key and trust managers.
     *
     * @throws IllegalStateException when the provider cannot make one (a broken classpath)
     */
    static SSLContext newContext(KeyManager keyManager, TrustManager trustManager, SecureRandom random) {
        try {
            SSLContext context = SSLContext.getInstance(TLS_1_3, Holder.PROVIDER);
            context.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, random);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("BouncyCastle JSSE offers no TLS 1.3", e);
        }
    }

    /** Made on first use: building the providers registers hundreds of algorithms. */
    private static final class Holder {
        static final Provider PROVIDER = create();

        private static Provider create() {
            BouncyCastleLogging.install(); // before BCJSSE logs what it reads at start
            return new BouncyCastleJsseProvider(false, new CryptoProvider());
        }
    }

    /**
     * Builds BCJSSE's crypto on the JDK's providers, except for parsing certificates, reporting
     * the TLS context of each record cipher it makes to {@link TrafficSecrets}.
     */
    private static final class CryptoProvider extends JcaTlsCryptoProvider {
        private final JcaJceHelper helper = new FasterByBouncyCastle();

        @Override
        public JcaJceHelper getHelper() {
            return helper;
        }

        @Override
        public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
            return new SecretReportingCrypto(getHelper(), getAltHelper(), keyRandom, nonceRandom);
        }
    }

    /** The JCA crypto, telling {@link TrafficSecrets} where a handshake's secrets are. */
    private static final class SecretReportingCrypto extends JcaTlsCrypto {
        SecretReportingCrypto(JcaJceHelper helper, JcaJceHelper altHelper, SecureRandom keyRandom,
                              SecureRandom nonceRandom) {
            super(helper, altHelper, keyRandom, nonceRandom);
        }

        @Override
        public TlsCipher createCipher(TlsCryptoParameters parameters, int encryptionAlgorithm, int macAlgorithm)
                throws IOException {
            TlsCipher cipher = super.createCipher(parameters, encryptionAlgorithm, macAlgorithm);
            TrafficSecrets.cipherCreated(this, parameters);
            return cipher;
        }
    }

    /**
     * The JDK's providers for everything but certificate factories, ECDSA signatures and X25519,
     * which BouncyCastle supplies.
     */
    private static final class FasterByBouncyCastle extends DefaultJcaJceHelper {
        @Override
        public CertificateFactory createCertificateFactory(String type) throws CertificateException {
            return CertificateFactory.getInstance(type, BouncyCastle.PROVIDER);
        }

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            return isEcdsa(algorithm) ? Signature.getInstance(algorithm, BouncyCastle.PROVIDER)
                    : super.createSignature(algorithm);
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
            return isX25519(algorithm) ? KeyPairGenerator.getInstance(algorithm, BouncyCastle.PROVIDER)
                    : super.createKeyPairGenerator(algorithm);
        }

        @Override
        public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
            return isX25519(algorithm) ? KeyAgreement.getInstance(algorithm, BouncyCastle.PROVIDER)
                    : super.createKeyAgreement(algorithm);
        }

        @Override
        public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            return isX25519(algorithm) ? KeyFactory.getInstance(algorithm, BouncyCastle.PROVIDER)
                    : super.createKeyFactory(algorithm);
        }

        private static boolean isEcdsa(String algorithm) {
            return algorithm.toUpperCase(Locale.ROOT).endsWith("WITHECDSA");
        }

        private static boolean isX25519(String algorithm) {
            return algorithm.equalsIgnoreCase("X25519");
        }
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

    /**
     * A private BouncyCastle provider (never added to the JVM's provider list), made on the first
     * certificate parsed: making it sets up all its algorithms and named curves, a quarter of a
     * daemon's start-up CPU when it was made with the TLS transport.
     */
    private static final class BouncyCastle {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
