package io.p2pkit.core.security.tls;

import io.p2pkit.core.cache.RecentlyVerified;

/**
 * The peer certificates a transport verified recently, by their DER bytes. Every implementation
 * makes one certificate per host and presents it on every connection, so a peer that connects
 * again presents the same bytes, and checking its self-signature (ECDSA) and its libp2p extension
 * (the identity key's signature) again would cost a third of a TLS handshake's CPU. Only the
 * validity period depends on the time, and callers check it on every use. At most
 * {@code capacity} certificates, the least recently used leave first.
 */
final class VerifiedCertificates {
    /** The capacity of a transport's cache: a few hundred peers, about 1 MiB. */
    static final int CAPACITY = 256;

    private final RecentlyVerified<PeerCertificate> certificates;

    /** @param capacity how many certificates are kept; 0 keeps none */
    VerifiedCertificates(int capacity) {
        this.certificates = new RecentlyVerified<>(capacity);
    }

    /** The certificate verified earlier whose encoding is {@code der}, or null. */
    PeerCertificate get(byte[] der) {
        return certificates.get(der);
    }

    /** Remembers a certificate whose signatures were verified. */
    void add(PeerCertificate certificate) {
        certificates.put(certificate.encoded(), certificate);
    }

    /** How many certificates are kept (for tests). */
    int size() {
        return certificates.size();
    }
}
