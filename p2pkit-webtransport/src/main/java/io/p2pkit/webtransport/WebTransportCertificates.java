package io.p2pkit.webtransport;

import io.p2pkit.core.crypto.DerivedCertificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The listener's self-signed ECDSA P-256 certificates, rotated as browsers require for
 * {@code serverCertificateHashes}: each is valid for {@link #VALIDITY} (14 days, the most browsers
 * accept) from one hour before its {@link #PERIOD}-long turn begins, so the one in use has at least
 * six days left. Each certificate is derived from the host key and its turn
 * ({@link DerivedCertificate}), as go-libp2p derives its own: a restart within a turn serves the
 * same certificate, so an address handed out before the restart still works.
 *
 * <p>The address carries the hashes of the one in use and of the next, so an address handed out
 * just before a rotation still works after it. The Noise handshake also carries the previous
 * certificate's hash while that one is valid: a client checks that every hash of the address it
 * dialed is among the listener's, and an address handed out last turn names the previous one.
 */
final class WebTransportCertificates extends X509ExtendedKeyManager {
    /** The most a certificate may be valid for (W3C WebTransport, serverCertificateHashes). */
    static final Duration VALIDITY = Duration.ofDays(14);
    /** How long one certificate is served before the next one takes over. */
    static final Duration PERIOD = Duration.ofDays(7);
    /** A certificate becomes valid this long before its turn, for clocks running a little behind. */
    static final Duration SKEW = Duration.ofHours(1);
    /** What the derived certificates are for: their common name and part of the derivation's info. */
    static final String PURPOSE = "libp2p-webtransport";
    private static final String ALIAS = "webtransport";

    private record Issued(long turn, X509Certificate certificate, PrivateKey key, byte[] multihash) {
        boolean validAt(Instant now) {
            return !now.isBefore(certificate.getNotBefore().toInstant()) && !now.isAfter(certificate.getNotAfter().toInstant());
        }
    }

    private final io.p2pkit.core.crypto.PrivateKey hostKey;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Issued previous;
    private Issued current;
    private Issued next;

    WebTransportCertificates(io.p2pkit.core.crypto.PrivateKey hostKey, Clock clock) {
        this.hostKey = hostKey;
        this.clock = clock; // the first certificates are derived on first use
    }

    /** The certificate in use now, after rotating if its turn is over. */
    X509Certificate current() {
        return rotate().certificate();
    }

    /**
     * The SHA-256 multihashes the Noise handshake carries: the previous certificate's while it is
     * still valid, then the current one's and the next one's.
     */
    List<byte[]> hashes() {
        lock.lock();
        try {
            rotate();
            List<byte[]> out = new ArrayList<>(3);
            if (previous.validAt(clock.instant())) {
                out.add(previous.multihash().clone());
            }
            out.add(current.multihash().clone());
            out.add(next.multihash().clone());
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The current and the next certificate's hashes as multiaddr {@code /certhash/…} components (base64url). */
    String certhashComponents() {
        lock.lock();
        try {
            rotate();
            StringBuilder sb = new StringBuilder();
            for (Issued i : List.of(current, next)) {
                sb.append("/certhash/u").append(Base64.getUrlEncoder().withoutPadding().encodeToString(i.multihash()));
            }
            return sb.toString();
        } finally {
            lock.unlock();
        }
    }

    private Issued rotate() {
        lock.lock();
        try {
            long turn = clock.instant().toEpochMilli() / PERIOD.toMillis();
            if (current == null || current.turn() != turn) {
                previous = current != null && current.turn() == turn - 1 ? current : issue(turn - 1);
                current = next != null && next.turn() == turn ? next : issue(turn);
                next = issue(turn + 1);
            }
            return current;
        } finally {
            lock.unlock();
        }
    }

    private Issued issue(long turn) {
        Instant from = Instant.ofEpochMilli(turn * PERIOD.toMillis()).minus(SKEW);
        Instant until = from.plus(VALIDITY).minusSeconds(1);
        DerivedCertificate d = DerivedCertificate.derive(hostKey, PURPOSE, from, until);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(d.certificate().getEncoded());
            byte[] multihash = new byte[2 + digest.length];
            multihash[0] = 0x12; // sha2-256
            multihash[1] = (byte) digest.length;
            System.arraycopy(digest, 0, multihash, 2, digest.length);
            return new Issued(turn, d.certificate(), d.privateKey(), multihash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a WebTransport certificate", e);
        }
    }

    // ------------------------------------------------------------------ key manager (server side only)

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return new X509Certificate[] {rotate().certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return rotate().key();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[0];
    }
}
