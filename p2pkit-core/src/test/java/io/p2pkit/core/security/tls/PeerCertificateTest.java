package io.p2pkit.core.security.tls;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static io.p2pkit.core.security.tls.TestCertificates.idOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerCertificateTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    // libp2p/specs tls/tls.md, "Test vectors" 1 to 3: valid certificates and the peer IDs they authenticate
    private static final String SPEC_ED25519 = "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea37c307a3078060a2b0601040183a25a0101046a3068042408011220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed364501809923d7c11b90440d90d2769db992d5e6195dbb08e706b6651e024fda6cfb8846694a435519941cac215a8207792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe0bf909300a06082a8648ce3d0403020346003043021f50f6b6c52711a881778718238f650c9fb48943ae6ee6d28427dc6071ae55e702203625f116a7a454db9c56986c82a25682f7248ea1cb764d322ea983ed36a31b77";
    private static final String SPEC_ECDSA = "308201f63082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f2044730450220064ea8124774caf8f50e57f436aa62350ce652418c019df5d98a3ac666c9386a022100aa59d704a931b5f72fb9222cb6cc51f954d04a4e2e5450f8805fe8918f71eaae300a06082a8648ce3d04030203470030440220799395b0b6c1e940a7e4484705f610ab51ed376f19ff9d7c16757cfbf61b8d4302206205c03fbb0f95205c779be86581d3e31c01871ad5d1f3435bcf375cb0e5088a";
    private static final String SPEC_SECP256K1 = "308201ba3082015fa0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea38184308181307f060a2b0601040183a25a01010471306f0425080212210206dc6968726765b820f050263ececf7f71e4955892776c0970542efd689d2382044630440220145e15a991961f0d08cd15425bb95ec93f6ffa03c5a385eedc34ecf464c7a8ab022026b3109b8a3f40ef833169777eb2aa337cfb6282f188de0666d1bcec2a4690dd300a06082a8648ce3d0403020349003046022100e1a217eeef9ec9204b3f774a08b70849646b6a1e6b8b27f93dc00ed58545d9fe022100b00dafa549d0f03547878338c7b15e7502888f6d45db387e5ae6b5d46899cef0";
    // test vector 4: the extension's signature does not match the certificate key
    private static final String SPEC_INVALID = "308201f73082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f204473045022100bb6e03577b7cc7a3cd1558df0da2b117dfdcc0399bc2504ebe7de6f65cade72802206de96e2a5be9b6202adba24ee0362e490641ac45c240db71fe955f2c5cf8df6e300a06082a8648ce3d0403020348003045022100e847f267f43717358f850355bdcabbefb2cfbf8a3c043b203a14788a092fe8db022027c1d04a2d41fd6b57a7e8b3989e470325de4406e52e084e34a3fd56eef0d0df";

    static String specHex(String name) {
        return switch (name) {
            case "ed25519" -> SPEC_ED25519;
            case "ecdsa" -> SPEC_ECDSA;
            case "secp256k1" -> SPEC_SECP256K1;
            default -> SPEC_INVALID;
        };
    }

    @ParameterizedTest
    @CsvSource({
            "ed25519,   ED25519,   12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv",
            "ecdsa,     ECDSA,     QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE",
            "secp256k1, SECP256K1, 16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs",
    })
    void specVectorsVerifyToTheirPeerIds(String name, KeyType type, String peerId) throws Exception {
        PeerCertificate certificate = PeerCertificate.parse(HEX.parseHex(specHex(name)));
        certificate.verify(NOW);
        assertEquals(peerId, certificate.peerId().toString());
        assertEquals(type, certificate.publicKey().type());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, certificate.signatureScheme());
        assertArrayEquals(HEX.parseHex(specHex(name)), certificate.encoded());
    }

    @Test
    void specInvalidVectorFailsOnTheExtensionSignature() {
        PeerCertificate certificate = PeerCertificate.parse(HEX.parseHex(SPEC_INVALID));
        CertificateException e = assertThrows(CertificateException.class, () -> certificate.verify(NOW));
        assertTrue(e.getMessage().contains("libp2p extension signature"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "ed25519.der,          ED25519",
            "ed448.der,            ED448",
            "nistp256_sha256.der,  ECDSA_SECP256R1_SHA256",
            "nistp384_sha384.der,  ECDSA_SECP384R1_SHA384",
            "nistp521_sha512.der,  ECDSA_SECP521R1_SHA512",
            "pkcs1_sha256.der,     ED25519",
            "rsa_pkcs1_sha256.der, RSA_PKCS1_SHA256",
            "rsa_pkcs1_sha384.der, RSA_PKCS1_SHA384",
            "rsa_pkcs1_sha512.der, RSA_PKCS1_SHA512",
    })
    void rustAssetsParseWithTheirSchemeAndFailVerification(String file, SignatureScheme scheme) {
        byte[] der = Vectors.bytes("libp2p-rust-libp2p/transports/tls/src/test_assets/" + file);
        PeerCertificate certificate = PeerCertificate.parse(der);
        assertEquals(scheme, certificate.signatureScheme());
        // every asset claims an Ed25519 identity key
        assertEquals(KeyType.ED25519, certificate.publicKey().type());
        // inside the validity period the self-signature holds and the extension signature does not
        Instant inside = certificate.notBefore().plus(
                Duration.between(certificate.notBefore(), certificate.notAfter()).dividedBy(2));
        CertificateException e = assertThrows(CertificateException.class, () -> certificate.verify(inside));
        assertTrue(e.getMessage().contains("libp2p extension signature"), e.getMessage());
        assertThrows(CertificateException.class, () -> certificate.verify(NOW));
    }

    @Test
    void rustPssAssetIsFullyValid() throws Exception {
        // unlike the other assets its extension signature is right: rust-libp2p's test parses it with verification
        byte[] der = Vectors.bytes("libp2p-rust-libp2p/transports/tls/src/test_assets/rsa_pss_sha384.der");
        PeerCertificate certificate = PeerCertificate.parse(der);
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA384, certificate.signatureScheme());
        certificate.verify(NOW);
        assertEquals(KeyType.ED25519, certificate.publicKey().type());
        assertEquals(idOf(certificate.publicKey()), certificate.peerId());
        assertThrows(CertificateExpiredException.class, () -> certificate.verify(Instant.parse("2122-01-01T00:00:00Z")));
    }

    @Test
    void rustAssetWithP384AndSha256HasNoTls13Scheme() {
        byte[] der = Vectors.bytes("libp2p-rust-libp2p/transports/tls/src/test_assets/nistp384_sha256.der");
        DecodeException e = assertThrows(DecodeException.class, () -> PeerCertificate.parse(der));
        assertTrue(e.getMessage().contains("not a TLS 1.3 signature scheme"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generatedCertificatesVerifyForEveryKeyType(KeyType type) throws Exception {
        PrivateKey identity = PrivateKey.generate(type);
        Instant created = Instant.parse("2030-01-01T00:00:00Z");
        HostCertificate host = HostCertificate.generate(identity, new SecureRandom(), created);
        PeerCertificate parsed = PeerCertificate.parse(host.encoded());
        parsed.verify(created);
        parsed.verify(created.minus(Duration.ofMinutes(59)));
        parsed.verify(created.plus(Duration.ofDays(365 * 99)));
        assertEquals(identity.publicKey(), parsed.publicKey());
        assertEquals(idOf(identity), parsed.peerId());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, parsed.signatureScheme());
        assertTrue(host.certificate().getCriticalExtensionOIDs().contains(PeerCertificate.EXTENSION_OID));
        assertEquals("EC", host.certificateKey().getAlgorithm());
        assertEquals(parsed, PeerCertificate.of(host.certificate()));
        assertThrows(CertificateNotYetValidException.class, () -> parsed.verify(created.minus(Duration.ofHours(2))));
        assertThrows(CertificateExpiredException.class, () -> parsed.verify(created.plus(Duration.ofDays(365 * 101))));
    }

    @Test
    void freshCertificatesGetFreshKeysAndSerials() {
        PrivateKey identity = PrivateKey.generateEd25519();
        HostCertificate a = HostCertificate.generate(identity);
        HostCertificate b = HostCertificate.generate(identity);
        assertTrue(!a.certificate().getPublicKey().equals(b.certificate().getPublicKey()));
        assertTrue(!a.certificate().getSerialNumber().equals(b.certificate().getSerialNumber()));
        assertTrue(a.certificate().getSerialNumber().signum() > 0);
        assertEquals(a.certificate().getSubjectX500Principal(), a.certificate().getIssuerX500Principal());
    }

    @Test
    void nonCriticalExtensionIsAccepted() {
        PrivateKey identity = PrivateKey.generateEd25519();
        HostCertificate host = TestCertificates.claiming(identity).critical(false).build();
        PeerCertificate parsed = PeerCertificate.parse(host.encoded());
        assertDoesNotThrow(() -> parsed.verify(Instant.now()));
        assertEquals(idOf(identity), parsed.peerId());
    }

    @Test
    void unknownNonCriticalExtensionsAreIgnoredButCriticalOnesRefused() {
        PrivateKey identity = PrivateKey.generateEd25519();
        byte[] nullValue = {0x05, 0x00};
        HostCertificate lenient = TestCertificates.claiming(identity)
                .extraExtension("1.2.3.4.5", false, nullValue).build();
        assertDoesNotThrow(() -> PeerCertificate.parse(lenient.encoded()).verify(Instant.now()));
        HostCertificate strict = TestCertificates.claiming(identity)
                .extraExtension("1.2.3.4.5", true, nullValue).build();
        DecodeException e = assertThrows(DecodeException.class, () -> PeerCertificate.parse(strict.encoded()));
        assertTrue(e.getMessage().contains("unknown critical extension 1.2.3.4.5"), e.getMessage());
    }

    @Test
    void emptyIssuerNamesAsRustMakesThemAreAccepted() throws Exception {
        PrivateKey identity = PrivateKey.generateEd25519();
        HostCertificate host = TestCertificates.claiming(identity).emptyName().build();
        PeerCertificate parsed = PeerCertificate.parse(host.encoded());
        parsed.verify(Instant.now());
        assertEquals(idOf(identity), parsed.peerId());
    }

    @Test
    void missingExtensionIsRefused() {
        HostCertificate host = TestCertificates.claiming(PrivateKey.generateEd25519()).withoutExtension().build();
        DecodeException e = assertThrows(DecodeException.class, () -> PeerCertificate.parse(host.encoded()));
        assertTrue(e.getMessage().contains("libp2p"), e.getMessage());
    }

    @Test
    void extensionSignedByAnotherKeyIsRefused() {
        HostCertificate host = TestCertificates.claiming(PrivateKey.generateEd25519())
                .signedBy(PrivateKey.generateEd25519()).build();
        PeerCertificate parsed = PeerCertificate.parse(host.encoded());
        assertThrows(CertificateException.class, () -> parsed.verify(Instant.now()));
    }

    @Test
    void brokenSelfSignatureIsRefused() {
        byte[] der = HostCertificate.generate(PrivateKey.generateEd25519()).encoded();
        // the last byte belongs to the ECDSA signature's s value
        der[der.length - 1] ^= 1;
        PeerCertificate parsed = PeerCertificate.parse(der);
        CertificateException e = assertThrows(CertificateException.class, () -> parsed.verify(Instant.now()));
        assertTrue(e.getMessage().contains("self-signature"), e.getMessage());
    }

    @Test
    void trailingBytesPemAndGarbageAreRefused() {
        byte[] der = HostCertificate.generate(PrivateKey.generateEd25519()).encoded();
        byte[] longer = java.util.Arrays.copyOf(der, der.length + 1);
        assertThrows(DecodeException.class, () -> PeerCertificate.parse(longer));
        assertThrows(DecodeException.class, () -> PeerCertificate.parse(java.util.Arrays.copyOf(der, der.length - 1)));
        assertThrows(DecodeException.class, () -> PeerCertificate.parse(new byte[0]));
        assertThrows(DecodeException.class, () -> PeerCertificate.parse("-----BEGIN CERTIFICATE-----".getBytes()));
        assertThrows(DecodeException.class, () -> PeerCertificate.parse(new byte[PeerCertificate.MAX_ENCODED_BYTES + 1]));
        // a valid ASN.1 sequence that is no certificate
        assertThrows(DecodeException.class, () -> PeerCertificate.parse(HEX.parseHex("3000")));
    }

    @Test
    void trustManagerRefusesChainsOfOtherLengthsAndWrongPeers() throws Exception {
        PrivateKey identity = PrivateKey.generateEd25519();
        X509Certificate cert = HostCertificate.generate(identity).certificate();
        Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);

        PeerTrustManager.Verification any = new PeerTrustManager.Verification(null);
        CertificateException two = assertThrows(CertificateException.class,
                () -> any.verify(new X509Certificate[] {cert, cert}, clock));
        assertTrue(two.getMessage().contains("exactly one"), two.getMessage());
        assertEquals(two.getMessage(), any.failure());
        assertThrows(CertificateException.class, () -> any.verify(new X509Certificate[0], clock));

        PeerTrustManager.Verification right = new PeerTrustManager.Verification(idOf(identity));
        right.verify(new X509Certificate[] {cert}, clock);
        assertEquals(identity.publicKey(), right.verified().publicKey());

        var other = idOf(PrivateKey.generateEd25519());
        PeerTrustManager.Verification wrong = new PeerTrustManager.Verification(other);
        CertificateException e = assertThrows(CertificateException.class,
                () -> wrong.verify(new X509Certificate[] {cert}, clock));
        assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(idOf(identity).toString()), e.getMessage());
    }

    @Test
    void verifiedCertificatesAreRememberedButDatesAndPeerAreCheckedOnEveryConnection() throws Exception {
        PrivateKey identity = PrivateKey.generateEd25519();
        X509Certificate[] chain = {HostCertificate.generate(identity).certificate()};
        Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        VerifiedCertificates cache = new VerifiedCertificates(2);

        new PeerTrustManager.Verification(null, cache).verify(chain, clock);
        assertEquals(1, cache.size());
        PeerTrustManager.Verification again = new PeerTrustManager.Verification(idOf(identity), cache);
        again.verify(chain, clock);
        assertEquals(identity.publicKey(), again.verified().publicKey());
        assertEquals(1, cache.size());

        Clock late = Clock.fixed(chain[0].getNotAfter().toInstant().plusSeconds(1), ZoneOffset.UTC);
        assertThrows(CertificateExpiredException.class,
                () -> new PeerTrustManager.Verification(null, cache).verify(chain, late));
        var other = idOf(PrivateKey.generateEd25519());
        assertThrows(CertificateException.class,
                () -> new PeerTrustManager.Verification(other, cache).verify(chain, clock));

        // a certificate that fails its signature checks is not remembered
        X509Certificate invalid = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(new org.bouncycastle.cert.X509CertificateHolder(HEX.parseHex(SPEC_INVALID)));
        for (int i = 0; i < 2; i++) {
            assertThrows(CertificateException.class,
                    () -> new PeerTrustManager.Verification(null, cache).verify(new X509Certificate[] {invalid}, clock));
        }
        assertEquals(1, cache.size());

        // bounded: the least recently used leaves
        for (int i = 0; i < 3; i++) {
            X509Certificate[] another = {HostCertificate.generate(PrivateKey.generateEd25519()).certificate()};
            new PeerTrustManager.Verification(null, cache).verify(another, clock);
        }
        assertEquals(2, cache.size());
        assertEquals(null, cache.get(chain[0].getEncoded()));
    }
}
