package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.testing.Vectors;
import io.p2pkit.testing.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyRejectionTest {
    private static final HexFormat HEX = HexFormat.of();

    private static void rejectPublic(byte[] bytes, String messagePart) {
        DecodeException e = assertThrows(DecodeException.class, () -> PublicKey.unmarshal(bytes));
        assertEquals("PublicKey", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static void rejectPrivate(byte[] bytes, String messagePart) {
        DecodeException e = assertThrows(DecodeException.class, () -> PrivateKey.unmarshal(bytes));
        assertEquals("PrivateKey", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static byte[] message(long type, byte[] data) {
        return new ProtobufWriter().varint(1, type).bytes(2, data).toByteArray();
    }

    @Test
    void protobufFraming() {
        byte[] ed = new byte[32];
        ed[0] = 1; // not necessarily valid; the framing errors come first
        rejectPublic(new byte[0], "missing Type");
        rejectPublic(new ProtobufWriter().varint(1, 1).toByteArray(), "missing Data");
        rejectPublic(new ProtobufWriter().bytes(2, ed).toByteArray(), "missing Type");
        rejectPublic(message(4, ed), "unknown key type 4");
        rejectPublic(message(-1, ed), "unknown key type");
        rejectPublic(new ProtobufWriter().varint(1, 1).varint(1, 1).bytes(2, ed).toByteArray(), "twice");
        rejectPublic(new ProtobufWriter().varint(1, 1).bytes(2, ed).bytes(2, ed).toByteArray(), "twice");
        rejectPublic(new ProtobufWriter().varint(1, 1).bytes(2, ed).varint(3, 0).toByteArray(), "unknown field 3");
        rejectPublic(new ProtobufWriter().bytes(1, ed).toByteArray(), "wire type");
        rejectPublic(HEX.parseHex("0801122001"), "claims 32 bytes");
        rejectPublic(HEX.parseHex("08"), "truncated");
        rejectPrivate(new byte[] {0x08, 0x01, 0x12}, "truncated");
        byte[] withTrailingZero = Arrays.copyOf(PrivateKey.generate(KeyType.ED25519, new SeededRandom(1)).marshal(), 69);
        rejectPrivate(withTrailingZero, "field number 0");
    }

    @Test
    void sizeCaps() {
        rejectPublic(new byte[PublicKey.MAX_MARSHALLED_SIZE + 1], "over the limit");
        rejectPrivate(new byte[PrivateKey.MAX_MARSHALLED_SIZE + 1], "over the limit");
        assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(new byte[PrivateKey.MAX_MARSHALLED_SIZE + 1]));
        assertThrows(DecodeException.class, () -> PublicKey.unmarshal(null));
        assertThrows(DecodeException.class, () -> PrivateKey.unmarshal(null));
    }

    @Test
    void ed25519() {
        rejectPublic(message(1, new byte[31]), "32 bytes");
        rejectPublic(message(1, new byte[33]), "32 bytes");
        // y = 2 has no x on the curve.
        byte[] notOnCurve = new byte[32];
        notOnCurve[0] = 2;
        rejectPublic(message(1, notOnCurve), "not a point");

        byte[] raw = PrivateKey.generate(KeyType.ED25519, new SeededRandom(2)).raw();
        rejectPrivate(message(1, Arrays.copyOf(raw, 32)), "64 bytes");
        rejectPrivate(message(1, Arrays.copyOf(raw, 65)), "64 bytes");
        byte[] wrongPublic = raw.clone();
        wrongPublic[40] ^= 1;
        rejectPrivate(message(1, wrongPublic), "does not match");
        byte[] legacyMismatch = Arrays.copyOf(raw, 96);
        System.arraycopy(raw, 32, legacyMismatch, 64, 32);
        legacyMismatch[90] ^= 1;
        rejectPrivate(message(1, legacyMismatch), "differ");
    }

    @Test
    void secp256k1() {
        byte[] pub = PrivateKey.generate(KeyType.SECP256K1, new SeededRandom(3)).publicKey().raw();
        rejectPublic(message(2, Arrays.copyOf(pub, 32)), "33-byte");
        byte[] hybrid = Secp256k1.CURVE.getCurve().decodePoint(pub).getEncoded(false);
        hybrid[0] = 6;
        rejectPublic(message(2, hybrid), "starting with 0x06");
        byte[] infinity = new byte[33];
        rejectPublic(message(2, infinity), "starting with 0x00");
        byte[] xTooBig = new byte[33];
        Arrays.fill(xTooBig, (byte) 0xFF);
        xTooBig[0] = 2;
        rejectPublic(message(2, xTooBig), "point");
        byte[] offCurve = Secp256k1.CURVE.getCurve().decodePoint(pub).getEncoded(false);
        offCurve[64] ^= 1;
        rejectPublic(message(2, offCurve), "point");

        rejectPrivate(message(2, new byte[31]), "32 bytes");
        rejectPrivate(message(2, new byte[32]), "out of range");
        rejectPrivate(message(2, Secp256k1.N.toByteArray()), "32 bytes"); // 33 bytes with the sign byte
        byte[] n = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, Secp256k1.N);
        rejectPrivate(message(2, n), "out of range");
    }

    @Test
    void ecdsa() {
        byte[] goPub = Vectors.bytes("libp2p-go-libp2p/core/crypto/test_data/3.pub");
        PublicKey pub = PublicKey.unmarshal(goPub);
        byte[] spki = pub.raw();
        rejectPublic(message(3, Arrays.copyOf(spki, spki.length + 1)), "trailing");
        rejectPublic(message(3, Arrays.copyOf(spki, spki.length - 1)), "bad DER");
        byte[] offCurve = spki.clone();
        offCurve[offCurve.length - 1] ^= 1;
        rejectPublic(message(3, offCurve), "point");
        byte[] unknownCurve = spki.clone();
        unknownCurve[offCurve.length - 66 - 3] ^= 1; // last byte of the curve OID
        assertThrows(DecodeException.class, () -> PublicKey.unmarshal(message(3, unknownCurve)));
        // An RSA SubjectPublicKeyInfo is not an ECDSA key, and the other way round.
        byte[] rsaSpki = PublicKey.unmarshal(Vectors.bytes("libp2p-go-libp2p/core/crypto/test_data/0.pub")).raw();
        rejectPublic(message(3, rsaSpki), "not an EC");
        rejectPublic(message(0, spki), "not an RSA");

        byte[] goPriv = PrivateKey.unmarshal(Vectors.bytes("libp2p-go-libp2p/core/crypto/test_data/3.priv")).raw();
        byte[] mismatched = goPriv.clone();
        mismatched[mismatched.length - 1] ^= 1;
        rejectPrivate(message(3, mismatched), "point");
        byte[] otherScalar = goPriv.clone();
        otherScalar[8] ^= 1; // inside the private scalar
        rejectPrivate(message(3, otherScalar), "does not match");
        byte[] version2 = goPriv.clone();
        version2[4] = 2;
        rejectPrivate(message(3, version2), "version");
    }

    @Test
    void rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024, new SeededRandom(4));
        java.security.KeyPair small = g.generateKeyPair();
        rejectPublic(message(0, small.getPublic().getEncoded()), "at least 2048 bits");
        DecodeException e = assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(small.getPrivate().getEncoded()));
        assertTrue(e.getMessage().contains("at least 2048 bits"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrivateKey.generateRsa(1024, new SeededRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> PrivateKey.generateRsa(8200, new SeededRandom(1)));

        byte[] priv = PrivateKey.unmarshal(Vectors.bytes("libp2p-go-libp2p/core/crypto/test_data/0.priv")).raw();
        byte[] badModulus = priv.clone();
        badModulus[20] ^= 1; // inside n
        rejectPrivate(message(0, badModulus), "modulus");
        byte[] badCrt = priv.clone();
        badCrt[badCrt.length - 1] ^= 2; // inside qinv
        rejectPrivate(message(0, badCrt), "CRT");
        rejectPrivate(message(0, Arrays.copyOf(priv, priv.length + 2)), "trailing");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void crossTypeDataIsRejected(KeyType type) {
        PrivateKey key = PrivateKey.generate(type, new SeededRandom(20));
        for (KeyType other : KeyType.values()) {
            if (other != type) {
                assertThrows(DecodeException.class, () -> PublicKey.fromRaw(other, key.publicKey().raw()), other + " from " + type);
                assertThrows(DecodeException.class, () -> PrivateKey.fromRaw(other, key.raw()), other + " from " + type);
            }
        }
    }

    @Test
    void pkcs8() {
        assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(new byte[0]));
        assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(HEX.parseHex("3000")));
        byte[] rust = Vectors.bytes("libp2p-rust-libp2p/identity/src/test/rsa-2048.pk8");
        assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(Arrays.copyOf(rust, rust.length - 1)));
        assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(Arrays.copyOf(rust, rust.length + 1)));
        byte[] unknownAlgorithm = rust.clone();
        unknownAlgorithm[16] ^= 1; // inside the rsaEncryption OID
        DecodeException e = assertThrows(DecodeException.class, () -> PrivateKey.fromPkcs8(unknownAlgorithm));
        assertEquals("PKCS8", e.field());
    }
}
