package io.p2pkit.webtransport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebTransportCertificatesTest {
    private static final PrivateKey HOST = PrivateKey.generateEd25519();

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T12:00:00Z"));

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static byte[] multihash(X509Certificate c) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        byte[] m = new byte[34];
        m[0] = 0x12;
        m[1] = 32;
        System.arraycopy(d, 0, m, 2, 32);
        return m;
    }

    @Test
    void servesAValidEcdsaCertificateOfAtMostFourteenDaysAndAdvertisesItAndTheNext() throws Exception {
        MovingClock clock = new MovingClock();
        WebTransportCertificates certs = new WebTransportCertificates(HOST, clock);
        X509Certificate c = certs.current();
        assertEquals("SHA256withECDSA", c.getSigAlgName());
        Duration validity = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
        assertTrue(validity.compareTo(Duration.ofDays(14)) <= 0, "valid for " + validity);
        c.checkValidity(java.util.Date.from(clock.instant()));
        // the one in use has at least the rest of its turn left
        c.checkValidity(java.util.Date.from(clock.instant().plus(WebTransportCertificates.PERIOD)));
        List<byte[]> hashes = certs.hashes();
        assertEquals(3, hashes.size(), "the previous one (still valid), the current one and the next");
        assertArrayEquals(multihash(c), hashes.get(1));
        assertFalse(Arrays.equals(hashes.get(1), hashes.get(2)));
        assertFalse(Arrays.equals(hashes.get(0), hashes.get(1)));
        Multiaddr a = Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1/webtransport" + certs.certhashComponents());
        assertEquals(2, a.components().stream().filter(x -> x.protocol() == Protocol.CERTHASH).count());
        assertTrue(WebTransportAddresses.isWebTransport(a));
    }

    @Test
    void everyCertificateIsVersion3WithAnExtensionsFieldAsChromiumRequires() throws Exception {
        // Chromium's serverCertificateHashes check parses the certificate with quiche's
        // CertificateView, which refuses one without extensions (ChromiumInteropTest found it).
        MovingClock clock = new MovingClock();
        WebTransportCertificates certs = new WebTransportCertificates(HOST, clock);
        for (int turn = 0; turn < 2; turn++) {
            X509Certificate c = certs.current();
            assertEquals(3, c.getVersion());
            assertEquals(-1, c.getBasicConstraints(), "not a CA");
            assertTrue(c.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints is present");
            clock.now.updateAndGet(t -> t.plus(WebTransportCertificates.PERIOD));
        }
    }

    @Test
    void rotatesWeeklyAndTheAdvertisedNextOneTakesOver() throws Exception {
        MovingClock clock = new MovingClock();
        WebTransportCertificates certs = new WebTransportCertificates(HOST, clock);
        List<byte[]> before = certs.hashes();
        for (int week = 1; week <= 3; week++) {
            clock.now.set(clock.now.get().plus(WebTransportCertificates.PERIOD));
            X509Certificate c = certs.current();
            c.checkValidity(java.util.Date.from(clock.instant()));
            List<byte[]> after = certs.hashes();
            assertArrayEquals(before.get(2), after.get(1), "the next certificate of last week is in use now");
            assertArrayEquals(before.get(1), after.get(0), "last week's certificate is still advertised");
            assertArrayEquals(multihash(c), after.get(1));
            assertEquals(multihash(c).length, 34);
            before = after;
        }
    }

    @Test
    void aRestartWithTheSameHostKeyServesTheSameCertificatesAndAnotherKeyOthers() throws Exception {
        MovingClock clock = new MovingClock();
        WebTransportCertificates first = new WebTransportCertificates(HOST, clock);
        String address = first.certhashComponents();
        List<byte[]> noise = first.hashes();
        // later in the same turn, from the key as reloaded from its file
        clock.now.set(clock.now.get().plus(Duration.ofHours(20)));
        WebTransportCertificates restarted = new WebTransportCertificates(PrivateKey.unmarshal(HOST.marshal()), clock);
        assertEquals(address, restarted.certhashComponents());
        assertArrayEquals(first.current().getEncoded(), restarted.current().getEncoded());
        assertEquals(noise.size(), restarted.hashes().size());
        for (int i = 0; i < noise.size(); i++) {
            assertArrayEquals(noise.get(i), restarted.hashes().get(i));
        }
        WebTransportCertificates other = new WebTransportCertificates(PrivateKey.generateEd25519(), clock);
        assertFalse(address.equals(other.certhashComponents()));
    }

    @Test
    void anAddressFromBeforeARotationIsStillCoveredAfterARestartPastIt() throws Exception {
        MovingClock clock = new MovingClock();
        WebTransportCertificates before = new WebTransportCertificates(HOST, clock);
        String savedHashes = before.certhashComponents();
        Multiaddr saved = Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1/webtransport" + savedHashes);
        // the node is down over the rotation and restarts in the next turn
        clock.now.set(clock.now.get().plus(WebTransportCertificates.PERIOD));
        WebTransportCertificates after = new WebTransportCertificates(PrivateKey.unmarshal(HOST.marshal()), clock);
        assertFalse(savedHashes.equals(after.certhashComponents()), "rotated");
        byte[] served = multihash(after.current());
        List<byte[]> dialed = saved.components().stream().filter(x -> x.protocol() == Protocol.CERTHASH)
                .map(x -> x.value()).toList();
        // the browser accepts the served certificate: its hash is among the saved address's
        assertTrue(dialed.stream().anyMatch(h -> Arrays.equals(h, served)));
        // and the Noise payload names every hash the saved address has, so the client's check passes
        for (byte[] h : dialed) {
            assertTrue(after.hashes().stream().anyMatch(x -> Arrays.equals(x, h)));
        }
    }
}
