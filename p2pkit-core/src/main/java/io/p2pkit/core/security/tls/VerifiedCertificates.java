package io.p2pkit.core.security.tls;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

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

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ByteBuffer, PeerCertificate> certificates;

    /** @param capacity how many certificates are kept; 0 keeps none */
    VerifiedCertificates(int capacity) {
        this.certificates = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PeerCertificate> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The certificate verified earlier whose encoding is {@code der}, or null. */
    PeerCertificate get(byte[] der) {
        lock.lock();
        try {
            return certificates.get(ByteBuffer.wrap(der));
        } finally {
            lock.unlock();
        }
    }

    /** Remembers a certificate whose signatures were verified. */
    void add(PeerCertificate certificate) {
        ByteBuffer key = certificate.encodedView();
        lock.lock();
        try {
            certificates.put(key, certificate);
        } finally {
            lock.unlock();
        }
    }

    /** How many certificates are kept (for tests). */
    int size() {
        lock.lock();
        try {
            return certificates.size();
        } finally {
            lock.unlock();
        }
    }
}
