package io.p2pkit.core.security.tls;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies the peer's certificate the libp2p way: instead of a chain to
 * a trusted authority, exactly one self-signed certificate whose libp2p extension proves the
 * peer's identity key (see {@link PeerCertificate#verify}), and, when dialing, the peer we meant.
 *
 * <p>One instance serves every handshake of a transport. QUIC's TLS engine uses it as an X.509
 * trust manager: each handshake registers its engine with {@link #expect} first and collects the
 * outcome from the returned {@link Verification}. libp2p TLS over TCP runs its own handshake
 * ({@link Tls13Handshake}), which takes a {@link Verification} without an engine and hands it the
 * peer's certificate directly.
 * A certificate whose signatures it verified once is not verified again on the next connection
 * (see {@link VerifiedCertificates}); its validity period is.
 * Public so that TLS engines outside this package (QUIC) verify peers the same way.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {
    private final Clock clock;
    private final ConcurrentHashMap<SSLEngine, Verification> handshakes = new ConcurrentHashMap<>();
    private final VerifiedCertificates verifiedCertificates = new VerifiedCertificates(VerifiedCertificates.CAPACITY);

    /** @param clock the time certificates are checked against */
    public PeerTrustManager(Clock clock) {
        this.clock = clock;
    }

    /**
     * A verification for one handshake that is not driven by an {@link SSLEngine} (libp2p TLS
     * over TCP, whose handshake calls {@link Verification#verify(byte[], Clock)} itself); it
     * shares this manager's cache of verified certificates.
     */
    Verification verification(PeerId expected) {
        return new Verification(expected, verifiedCertificates);
    }

    /** The time certificates are checked against. */
    Clock clock() {
        return clock;
    }

    /** Registers a handshake on {@code engine}; {@code expected} is the peer to insist on, or null. */
    public Verification expect(SSLEngine engine, PeerId expected) {
        Verification verification = new Verification(expected, verifiedCertificates);
        handshakes.put(engine, verification);
        return verification;
    }

    /** Ends the registration made by {@link #expect}. */
    public void forget(SSLEngine engine) {
        handshakes.remove(engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("libp2p TLS verifies certificates on SSLEngine handshakes only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("libp2p TLS verifies certificates on SSLEngine handshakes only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("libp2p TLS verifies certificates on SSLEngine handshakes only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("libp2p TLS verifies certificates on SSLEngine handshakes only");
    }

    /** None: peers must not send a certificate_authorities list that would restrict our choice. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
        Verification verification = handshakes.get(engine);
        if (verification == null) {
            throw new CertificateException("no libp2p handshake registered for this engine");
        }
        verification.verify(chain, clock);
    }

    /** The expectation and outcome of one handshake's certificate check. */
    public static final class Verification {
        private final PeerId expected;
        private final VerifiedCertificates cache;
        private volatile PeerCertificate verified;
        private volatile String failure;
        private volatile boolean wrongPeer;

        /** A verification that checks every certificate in full (for tests). */
        Verification(PeerId expected) {
            this(expected, new VerifiedCertificates(0));
        }

        Verification(PeerId expected, VerifiedCertificates cache) {
            this.expected = expected;
            this.cache = cache;
        }

        /** The verified peer certificate, or null when none was verified (yet). */
        public PeerCertificate verified() {
            return verified;
        }

        /** Whether verification failed because the certificate is another peer's than the one expected. */
        public boolean wrongPeer() {
            return wrongPeer;
        }

        /** Why verification failed, or null when it did not. */
        public String failure() {
            return failure;
        }

        /** Verifies a received chain; exposed for tests. */
        void verify(X509Certificate[] chain, Clock clock) throws CertificateException {
            if (chain == null || chain.length != 1) {
                failure = "expected exactly one certificate, got " + (chain == null ? 0 : chain.length);
                throw new CertificateException(failure);
            }
            byte[] der;
            try {
                der = chain[0].getEncoded();
            } catch (CertificateEncodingException e) {
                failure = "invalid certificate: cannot be encoded: " + e.getMessage();
                throw new CertificateException(failure, e);
            }
            verify(der, clock);
        }

        /**
         * Verifies the peer's one certificate, DER-encoded: structure, dates, signatures (unless
         * the cache vouches for them) and, when dialing, the peer ID.
         *
         * @return the verified certificate, also {@link #verified()} from now on
         * @throws CertificateException naming what failed, also {@link #failure()} from now on
         */
        PeerCertificate verify(byte[] der, Clock clock) throws CertificateException {
            try {
                PeerCertificate certificate = cachedOrVerified(der, clock);
                if (expected != null && !expected.equals(certificate.peerId())) {
                    wrongPeer = true;
                    throw new CertificateException("peer ID mismatch: expected " + expected + ", got "
                            + certificate.peerId());
                }
                verified = certificate;
                return certificate;
            } catch (CertificateException e) {
                failure = e.getMessage();
                throw e;
            } catch (DecodeException e) {
                failure = "invalid certificate: " + e.getMessage();
                throw new CertificateException(failure, e);
            } catch (RuntimeException e) {
                // a bug or an exotic key the JDK chokes on must not escape unexplained
                failure = "certificate check failed: " + e;
                throw new CertificateException(failure, e);
            }
        }

        /** The certificate, its signatures verified now or on an earlier connection; its dates checked now. */
        private PeerCertificate cachedOrVerified(byte[] der, Clock clock) throws CertificateException {
            PeerCertificate certificate = cache.get(der);
            if (certificate != null) {
                certificate.checkValidity(clock.instant());
                return certificate;
            }
            certificate = PeerCertificate.parse(der);
            certificate.verify(clock.instant());
            cache.add(certificate);
            return certificate;
        }
    }
}
