package io.p2pkit.core.crypto;

import org.junit.jupiter.api.Test;

import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DerivedCertificateTest {
    private static final Instant FROM = Instant.parse("2026-11-19T23:00:00Z");
    private static final Instant UNTIL = FROM.plusSeconds(14 * 86_400 - 1);

    @Test
    void theSameKeyPurposeAndValidityGiveTheSameCertificate() throws Exception {
        for (KeyType type : KeyType.values()) {
            PrivateKey host = PrivateKey.generate(type);
            // a reloaded key (as after a restart) gives the same bytes as the key in memory
            PrivateKey reloaded = PrivateKey.unmarshal(host.marshal());
            X509Certificate a = DerivedCertificate.derive(host, "webtransport", FROM, UNTIL).certificate();
            X509Certificate b = DerivedCertificate.derive(reloaded, "webtransport", FROM, UNTIL).certificate();
            assertArrayEquals(a.getEncoded(), b.getEncoded(), type.name());
        }
    }

    /**
     * Pinned bytes: a certhash published in an address must survive an upgrade of p2pkit too.
     * These hashes are those of the certificates the code before P256Certificates made (2026-11-25),
     * one valid until 2049 (UTCTime) and one past 2050 (GeneralizedTime).
     */
    @Test
    void theSameInputsGiveTheSameBytesAsEarlierVersions() throws Exception {
        PrivateKey host = PrivateKey.generate(KeyType.ED25519, new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) i;
                }
            }
        });
        java.util.HexFormat hex = java.util.HexFormat.of();
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        assertEquals("cbeee68c9c388f02998d82f0288f9323249c70c257454188246415ddd41a106d", hex.formatHex(sha256.digest(
                DerivedCertificate.derive(host, "webtransport", FROM, UNTIL).certificate().getEncoded())));
        assertEquals("74a33f8dea96215b63c1781d69636f46f3aa67d16a2d9a0af117e990f75d5352", hex.formatHex(sha256.digest(
                DerivedCertificate.derive(host, "webtransport", FROM, Instant.parse("2126-01-01T00:00:00Z"))
                        .certificate().getEncoded())));
    }

    @Test
    void anotherKeyPurposeOrStartGivesAnotherKey() throws Exception {
        PrivateKey host = PrivateKey.generateEd25519();
        byte[] base = DerivedCertificate.derive(host, "webtransport", FROM, UNTIL).certificate().getPublicKey().getEncoded();
        byte[] otherPurpose = DerivedCertificate.derive(host, "webrtc-direct", FROM, UNTIL).certificate()
                .getPublicKey().getEncoded();
        byte[] otherStart = DerivedCertificate.derive(host, "webtransport", FROM.plusSeconds(1), UNTIL).certificate()
                .getPublicKey().getEncoded();
        byte[] otherKey = DerivedCertificate.derive(PrivateKey.generateEd25519(), "webtransport", FROM, UNTIL)
                .certificate().getPublicKey().getEncoded();
        assertFalse(Arrays.equals(base, otherPurpose));
        assertFalse(Arrays.equals(base, otherStart));
        assertFalse(Arrays.equals(base, otherKey));
    }

    @Test
    void isAValidSelfSignedP256CertificateWhoseKeySigns() throws Exception {
        DerivedCertificate d = DerivedCertificate.derive(PrivateKey.generateEd25519(), "webtransport", FROM, UNTIL);
        X509Certificate c = d.certificate();
        assertEquals("SHA256withECDSA", c.getSigAlgName());
        assertEquals("1.2.840.10045.4.3.2", c.getSigAlgOID());
        c.verify(c.getPublicKey());
        assertEquals(256, ((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals(FROM, c.getNotBefore().toInstant());
        assertEquals(UNTIL, c.getNotAfter().toInstant());
        c.checkValidity(Date.from(FROM.plusSeconds(3600)));
        assertTrue(c.getSerialNumber().signum() > 0);
        assertEquals("CN=webtransport", c.getSubjectX500Principal().getName());
        // the private key matches the certificate's public key
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(d.privateKey());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(c.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(sig));
    }

    @Test
    void refusesABadPurposeOrAnEmptyValidity() {
        PrivateKey host = PrivateKey.generateEd25519();
        assertThrows(IllegalArgumentException.class, () -> DerivedCertificate.derive(host, "a,b=c", FROM, UNTIL));
        assertThrows(IllegalArgumentException.class, () -> DerivedCertificate.derive(host, "", FROM, UNTIL));
        assertThrows(IllegalArgumentException.class, () -> DerivedCertificate.derive(host, "x", UNTIL, FROM));
    }
}
