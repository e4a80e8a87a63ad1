package io.p2pkit.core.crypto;

import io.p2pkit.testing.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyRoundTripTest {
    private static final byte[] MESSAGE = "a message to sign".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generateMarshalUnmarshalSignVerify(KeyType type) {
        PrivateKey key = PrivateKey.generate(type, new SeededRandom(type.ordinal()));
        assertEquals(type, key.type());
        PrivateKey again = PrivateKey.unmarshal(key.marshal());
        assertEquals(key, again);
        assertArrayEquals(key.marshal(), again.marshal());
        assertEquals(key.hashCode(), again.hashCode());
        assertEquals(key, PrivateKey.fromRaw(type, key.raw()));

        PublicKey pub = key.publicKey();
        assertEquals(type, pub.type());
        assertEquals(pub, PublicKey.unmarshal(pub.marshal()));
        assertEquals(pub, PublicKey.fromRaw(type, pub.raw()));
        assertEquals(pub.hashCode(), PublicKey.unmarshal(pub.marshal()).hashCode());

        byte[] sig = key.sign(MESSAGE);
        assertTrue(pub.verify(MESSAGE, sig));
        assertTrue(PublicKey.unmarshal(pub.marshal()).verify(MESSAGE, sig));
        assertFalse(pub.verify("another message".getBytes(StandardCharsets.UTF_8), sig));
        assertTrue(pub.verify(new byte[0], key.sign(new byte[0])));
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"ED25519", "SECP256K1", "ECDSA"})
    void seededGenerationIsReproducible(KeyType type) {
        assertEquals(PrivateKey.generate(type, new SeededRandom(42)), PrivateKey.generate(type, new SeededRandom(42)));
        assertNotEquals(PrivateKey.generate(type, new SeededRandom(42)), PrivateKey.generate(type, new SeededRandom(43)));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void tamperedSignaturesFail(KeyType type) {
        PrivateKey key = PrivateKey.generate(type, new SeededRandom(7));
        byte[] sig = key.sign(MESSAGE);
        SplittableRandom r = new SplittableRandom(type.ordinal());
        for (int i = 0; i < 20; i++) {
            byte[] bad = sig.clone();
            bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            assertFalse(key.publicKey().verify(MESSAGE, bad));
        }
        assertFalse(key.publicKey().verify(MESSAGE, Arrays.copyOf(sig, sig.length - 1)));
        assertFalse(key.publicKey().verify(MESSAGE, Arrays.copyOf(sig, sig.length + 1)));
        assertFalse(key.publicKey().verify(MESSAGE, new byte[0]));
        byte[] tamperedData = MESSAGE.clone();
        tamperedData[0] ^= 1;
        assertFalse(key.publicKey().verify(tamperedData, sig));
    }

    @Test
    void signaturesDoNotCrossKeysOrTypes() {
        PrivateKey[] keys = new PrivateKey[KeyType.values().length];
        for (KeyType t : KeyType.values()) {
            keys[t.ordinal()] = PrivateKey.generate(t, new SeededRandom(100 + t.ordinal()));
        }
        for (PrivateKey signer : keys) {
            byte[] sig = signer.sign(MESSAGE);
            for (PrivateKey other : keys) {
                assertEquals(signer == other, other.publicKey().verify(MESSAGE, sig), signer.type() + " vs " + other.type());
            }
            PrivateKey sameType = PrivateKey.generate(signer.type(), new SeededRandom(999));
            assertFalse(sameType.publicKey().verify(MESSAGE, sig));
        }
    }

    @Test
    void deterministicSchemesSignTheSameTwice() {
        for (KeyType t : new KeyType[] {KeyType.ED25519, KeyType.SECP256K1, KeyType.RSA}) {
            PrivateKey key = PrivateKey.generate(t, new SeededRandom(5));
            assertArrayEquals(key.sign(MESSAGE), key.sign(MESSAGE), t.name());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void secp256k1SignaturesHaveLowS(long seed) {
        PrivateKey key = PrivateKey.generate(KeyType.SECP256K1, new SeededRandom(seed));
        SplittableRandom r = new SplittableRandom(seed);
        BigInteger halfN = Secp256k1.N.shiftRight(1);
        for (int i = 0; i < 16; i++) {
            byte[] msg = new byte[r.nextInt(64)];
            r.nextBytes(msg);
            byte[] sig = key.sign(msg);
            EcdsaSignature parsed = EcdsaSignature.decode(sig, Secp256k1.N);
            assertTrue(parsed.s().compareTo(halfN) <= 0);
            // The high-S twin is the same signature mathematically; go accepts it, so do we.
            byte[] high = new EcdsaSignature(parsed.r(), Secp256k1.N.subtract(parsed.s())).encode();
            assertTrue(key.publicKey().verify(msg, high));
        }
    }

    @Test
    void secp256k1AcceptsUncompressedPublicKeysAndWritesThemCompressed() {
        PrivateKey key = PrivateKey.generate(KeyType.SECP256K1, new SeededRandom(11));
        byte[] uncompressed = Secp256k1.CURVE.getCurve().decodePoint(key.publicKey().raw()).getEncoded(false);
        PublicKey pub = PublicKey.fromRaw(KeyType.SECP256K1, uncompressed);
        assertEquals(key.publicKey(), pub);
        assertEquals(33, pub.raw().length);
    }

    @Test
    void ed25519LegacyFormIsAcceptedWhenBothCopiesMatch() {
        PrivateKey key = PrivateKey.generate(KeyType.ED25519, new SeededRandom(3));
        byte[] raw = key.raw();
        byte[] legacy = Arrays.copyOf(raw, 96);
        System.arraycopy(raw, 32, legacy, 64, 32);
        assertEquals(key, PrivateKey.fromRaw(KeyType.ED25519, legacy));
        assertEquals(64, PrivateKey.fromRaw(KeyType.ED25519, legacy).raw().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
    void ecdsaCurvesImportFromPkcs8AndRoundTrip(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve), new SeededRandom(curve.hashCode()));
        java.security.KeyPair jdk = g.generateKeyPair();
        PrivateKey key = PrivateKey.fromPkcs8(jdk.getPrivate().getEncoded());
        assertEquals(KeyType.ECDSA, key.type());
        assertArrayEquals(jdk.getPublic().getEncoded(), key.publicKey().raw());
        assertEquals(key, PrivateKey.unmarshal(key.marshal()));
        assertTrue(key.publicKey().verify(MESSAGE, key.sign(MESSAGE)));
        // The JDK verifies our signature with its own key object.
        java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA");
        v.initVerify((ECPublicKey) jdk.getPublic());
        v.update(MESSAGE);
        assertTrue(v.verify(key.sign(MESSAGE)));
    }

    @Test
    void ed25519ImportsFromPkcs8AndMatchesTheJdk() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(255, new SeededRandom(9));
        java.security.KeyPair jdk = g.generateKeyPair();
        PrivateKey key = PrivateKey.fromPkcs8(jdk.getPrivate().getEncoded());
        byte[] spki = jdk.getPublic().getEncoded(); // 12-byte header then the 32-byte key
        assertArrayEquals(Arrays.copyOfRange(spki, spki.length - 32, spki.length), key.publicKey().raw());
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initSign(jdk.getPrivate());
        s.update(MESSAGE);
        byte[] jdkSig = s.sign();
        assertArrayEquals(jdkSig, key.sign(MESSAGE));
        assertTrue(key.publicKey().verify(MESSAGE, jdkSig));
    }

    @Test
    void secp256k1ImportsFromPkcs8() {
        PrivateKey key = PrivateKey.generate(KeyType.SECP256K1, new SeededRandom(12));
        DerWriter sec1 = new DerWriter().sequence(new DerWriter()
                .integer(1)
                .octetString(key.raw())
                .constructed(0xA1, new DerWriter().bitString(key.publicKey().raw())));
        DerWriter alg = new DerWriter().oid(Oids.EC_PUBLIC_KEY).oid(Oids.SECP256K1);
        byte[] pkcs8 = new DerWriter().sequence(new DerWriter()
                .integer(0).sequence(alg).octetString(sec1.toByteArray())).toByteArray();
        assertEquals(key, PrivateKey.fromPkcs8(pkcs8));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeExportsToPkcs8AndBack(KeyType type) {
        PrivateKey key = PrivateKey.generate(type, new SeededRandom(31));
        byte[] der = key.toPkcs8();
        PrivateKey back = PrivateKey.fromPkcs8(der);
        assertEquals(key, back);
        assertArrayEquals(key.marshal(), back.marshal());
        assertArrayEquals(der, back.toPkcs8());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "Ed25519", "EC"})
    void theJdkReadsOurPkcs8AsTheSameKey(String algorithm) throws Exception {
        PrivateKey key = PrivateKey.generate(switch (algorithm) {
            case "RSA" -> KeyType.RSA;
            case "Ed25519" -> KeyType.ED25519;
            default -> KeyType.ECDSA;
        }, new SeededRandom(32));
        java.security.PrivateKey jdk = java.security.KeyFactory.getInstance(algorithm)
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.toPkcs8()));
        java.security.Signature s = java.security.Signature.getInstance(switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "Ed25519" -> "Ed25519";
            default -> "SHA256withECDSA";
        });
        s.initSign(jdk);
        s.update(MESSAGE);
        assertTrue(key.publicKey().verify(MESSAGE, s.sign()));
    }

    @Test
    void secp256k1Pkcs8IsWhatKuboWrites() {
        // Kubo's marshalSecp256k1PrivateKey: the curve only in the algorithm, the point uncompressed.
        PrivateKey key = PrivateKey.generate(KeyType.SECP256K1, new SeededRandom(33));
        DerReader info = new DerReader(key.toPkcs8(), "test").sequence();
        assertEquals(java.math.BigInteger.ZERO, info.integer());
        DerReader alg = info.sequence();
        assertArrayEquals(Oids.EC_PUBLIC_KEY, alg.oid());
        assertArrayEquals(Oids.SECP256K1, alg.oid());
        EcdsaPrivateKey.Sec1 sec1 = EcdsaPrivateKey.parseSec1(info.octetString(), "test");
        assertEquals(null, sec1.curveOid());
        assertEquals(65, sec1.publicPoint().length);
    }

    @Test
    void rsaKeysOfOtherSizesRoundTrip() {
        PrivateKey key = PrivateKey.generateRsa(3072, new SeededRandom(1));
        assertEquals(3072, ((RsaPublicKey) key.publicKey()).modulus().bitLength());
        assertEquals(key, PrivateKey.unmarshal(key.marshal()));
        assertEquals(384, key.sign(MESSAGE).length);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void privateKeyToStringHidesTheSecret(KeyType type) {
        PrivateKey key = PrivateKey.generate(type, new SeededRandom(77));
        String s = key.toString();
        String secretHex = HexFormat.of().formatHex(key.raw());
        assertFalse(s.contains(secretHex.substring(0, 16)), s);
        assertTrue(s.contains(type.name()));
        if (type == KeyType.SECP256K1) {
            assertFalse(s.toLowerCase().contains(secretHex.substring(10, 26)));
        }
    }

    @Test
    void accessorsReturnCopies() {
        PrivateKey key = PrivateKey.generate(KeyType.ED25519, new SeededRandom(8));
        key.raw()[0] ^= 1;
        key.marshal()[5] ^= 1;
        key.publicKey().raw()[0] ^= 1;
        key.publicKey().marshal()[5] ^= 1;
        assertEquals(key, PrivateKey.unmarshal(key.marshal()));
        assertEquals(key.publicKey(), PublicKey.unmarshal(key.publicKey().marshal()));
    }
}
