package io.p2pkit.core.security.tls;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * The TLS implementation libp2p TLS runs on: BouncyCastle's JSSE provider (BCJSSE), as a private
 * provider instance that is never installed JVM-wide.
 *
 * <p>Why not the JDK's own engine: it parses the peer's certificate with the JDK's X.509 parser
 * before any trust manager sees it, and that parser refuses certificates that js-libp2p and
 * rust-libp2p make (an empty issuer name). BCJSSE parses certificates through its crypto
 * helper, which here uses BouncyCastle's lenient X.509 parser; every other algorithm (AES-GCM,
 * ChaCha20-Poly1305, ECDHE, signatures, hashes) still comes from the JDK's providers, whose
 * intrinsics keep the record layer fast.
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

    /** Builds BCJSSE's crypto on the JDK's providers, except for parsing certificates. */
    private static final class CryptoProvider extends JcaTlsCryptoProvider {
        private final JcaJceHelper helper = new CertificatesByBouncyCastle();

        @Override
        public JcaJceHelper getHelper() {
            return helper;
        }
    }

    /** The JDK's providers for everything but certificate factories, which BouncyCastle supplies. */
    private static final class CertificatesByBouncyCastle extends DefaultJcaJceHelper {
        // a private instance too: never added to the JVM's provider list
        private final Provider bouncyCastle = new BouncyCastleProvider();

        @Override
        public CertificateFactory createCertificateFactory(String type) throws CertificateException {
            return CertificateFactory.getInstance(type, bouncyCastle);
        }
    }
}
