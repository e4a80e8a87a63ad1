package io.p2pkit.core.crypto;

import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key fixtures of go-libp2p, js-libp2p, rust-libp2p and the peer-id spec. */
class KeyVectorsTest {
    private static final byte[] GO_MESSAGE = "Libp2p is the _best_!".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    /** go-libp2p core/crypto/test_data: 0 = RSA, 2 = secp256k1, 3 = ECDSA. */
    @ParameterizedTest
    @CsvSource({"0, RSA, true", "2, SECP256K1, true", "3, ECDSA, false"})
    void goFixtures(int number, KeyType type, boolean deterministic) {
        String base = "libp2p-go-libp2p/core/crypto/test_data/" + number;
        byte[] pubBytes = Vectors.bytes(base + ".pub");
        byte[] privBytes = Vectors.bytes(base + ".priv");
        byte[] sig = Vectors.bytes(base + ".sig");

        PublicKey pub = PublicKey.unmarshal(pubBytes);
        assertEquals(type, pub.type());
        assertArrayEquals(pubBytes, pub.marshal());

        PrivateKey priv = PrivateKey.unmarshal(privBytes);
        assertEquals(type, priv.type());
        assertArrayEquals(privBytes, priv.marshal());
        assertEquals(pub, priv.publicKey());
        assertArrayEquals(pubBytes, priv.publicKey().marshal());

        assertTrue(pub.verify(GO_MESSAGE, sig));
        assertFalse(pub.verify("Libp2p is the _best_?".getBytes(StandardCharsets.US_ASCII), sig));
        byte[] ours = priv.sign(GO_MESSAGE);
        assertTrue(pub.verify(GO_MESSAGE, ours));
        if (deterministic) {
            // RSA PKCS#1 v1.5 and secp256k1 with RFC 6979 nonces and low S reproduce go's bytes.
            assertArrayEquals(sig, ours);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"go.ed25519", "go.rsa", "go.secp256k1", "js.ed25519", "js.rsa", "js.secp256k1"})
    void jsInteropKeys(String name) {
        byte[] bytes = Vectors.bytes("libp2p-js-libp2p/packages/interop/src/resources/keys/" + name + ".key");
        PrivateKey key = PrivateKey.unmarshal(bytes);
        assertEquals(name.substring(3), key.type().name().toLowerCase());
        if (key.type() == KeyType.ED25519) {
            // These files hold the legacy 96-byte form (seed, public key, public key again); like go,
            // we write the 64-byte form back, which is the same protobuf with the copy left out.
            assertEquals(4 + 96, bytes.length);
            byte[] canonical = key.marshal();
            assertArrayEquals(new byte[] {0x08, 0x01, 0x12, 0x40}, java.util.Arrays.copyOf(canonical, 4));
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 4, 68), java.util.Arrays.copyOfRange(canonical, 4, 68));
            assertEquals(key, PrivateKey.unmarshal(canonical));
        } else {
            assertArrayEquals(bytes, key.marshal());
        }
        byte[] sig = key.sign(GO_MESSAGE);
        assertTrue(key.publicKey().verify(GO_MESSAGE, sig));
        assertEquals(key.publicKey(), PublicKey.unmarshal(key.publicKey().marshal()));
    }

    @ParameterizedTest
    @ValueSource(ints = {2048, 3072, 4096})
    void rustPkcs8RsaKeys(int bits) {
        PrivateKey key = PrivateKey.fromPkcs8(Vectors.bytes("libp2p-rust-libp2p/identity/src/test/rsa-" + bits + ".pk8"));
        assertEquals(KeyType.RSA, key.type());
        assertEquals(bits, ((RsaPublicKey) key.publicKey()).modulus().bitLength());
        assertEquals(key, PrivateKey.unmarshal(key.marshal()));
        byte[] sig = key.sign(GO_MESSAGE);
        assertTrue(key.publicKey().verify(GO_MESSAGE, sig));
    }

    /** The hex vectors of the peer-id spec: each private key must give the listed public key. */
    @ParameterizedTest
    @CsvSource({
            "ECDSA, 08031279307702010104203E5B1FE9712E6C314942A750BD67485DE3C1EFE85B1BFB520AE8F9AE3DFA4A4CA00A06082A8648CE3D030107A14403420004DE3D300FA36AE0E8F5D530899D83ABAB44ABF3161F162A4BC901D8E6ECDA020E8B6D5F8DA30525E71D6851510C098E5C47C646A597FB4DCEC034E9F77C409E62, "
                    + "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62",
            "ED25519, 080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e, "
                    + "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
            "SECP256K1, 0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB, "
                    + "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99",
    })
    void specVectors(KeyType type, String privHex, String pubHex) {
        checkSpecVector(type, HEX.parseHex(privHex), HEX.parseHex(pubHex));
    }

    @Test
    void specRsaVector() {
        checkSpecVector(KeyType.RSA, HEX.parseHex(SpecRsaVector.PRIVATE), HEX.parseHex(SpecRsaVector.PUBLIC));
    }

    private static void checkSpecVector(KeyType type, byte[] priv, byte[] pub) {
        PrivateKey key = PrivateKey.unmarshal(priv);
        assertEquals(type, key.type());
        assertArrayEquals(priv, key.marshal());
        assertArrayEquals(pub, key.publicKey().marshal());
        PublicKey publicKey = PublicKey.unmarshal(pub);
        assertArrayEquals(pub, publicKey.marshal());
        assertTrue(publicKey.verify(GO_MESSAGE, key.sign(GO_MESSAGE)));
    }
}
