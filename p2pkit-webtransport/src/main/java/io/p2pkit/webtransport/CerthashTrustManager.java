package io.p2pkit.webtransport;

import org.bouncycastle.asn1.x509.Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a WebTransport listener's certificate as browsers do with {@code serverCertificateHashes}:
 * its SHA-256 must be one of the hashes in the dialed address, it must be valid now, and for at
 * most 14 days. No chain to an authority. Each handshake's engine is registered with its hashes.
 */
final class CerthashTrustManager extends X509ExtendedTrustManager {
    private final Map<SSLEngine, List<byte[]>> expected = new ConcurrentHashMap<>();
    private final Clock clock;

    CerthashTrustManager(Clock clock) {
        this.clock = clock;
    }

    void expect(SSLEngine engine, List<byte[]> hashes) {
        expected.put(engine, hashes);
    }

    void forget(SSLEngine engine) {
        expected.remove(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        List<byte[]> hashes = expected.get(engine);
        if (hashes == null || chain == null || chain.length == 0) {
            throw new CertificateException("no certificate hashes to check the WebTransport listener against");
        }
        // the DER only: the JDK refuses to parse certificates with an empty issuer, which
        // go-libp2p's are; the dates are read with BouncyCastle's ASN.1 classes instead
        byte[] der = chain[0].getEncoded();
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(der);
        } catch (NoSuchAlgorithmException e) {
            throw new CertificateException(e);
        }
        boolean known = hashes.stream().anyMatch(h -> h.length == 34 && h[0] == 0x12 && h[1] == 32
                && Arrays.equals(h, 2, 34, digest, 0, 32));
        if (!known) {
            throw new CertificateException("the WebTransport listener's certificate is not one of the dialed hashes");
        }
        Certificate parsed;
        try {
            parsed = Certificate.getInstance(der);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("unreadable certificate: " + e.getMessage(), e);
        }
        Instant from = parsed.getStartDate().getDate().toInstant();
        Instant until = parsed.getEndDate().getDate().toInstant();
        Duration validity = Duration.between(from, until);
        if (validity.compareTo(WebTransportCertificates.VALIDITY) > 0) {
            throw new CertificateException("certificate valid for " + validity + ", more than 14 days");
        }
        Instant now = clock.instant();
        if (now.isBefore(from) || now.isAfter(until)) {
            throw new CertificateException("certificate not valid now (" + from + " to " + until + ")");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("WebTransport runs over QUIC only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("WebTransport runs over QUIC only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("WebTransport clients send no certificate");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("WebTransport clients send no certificate");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("WebTransport clients send no certificate");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
