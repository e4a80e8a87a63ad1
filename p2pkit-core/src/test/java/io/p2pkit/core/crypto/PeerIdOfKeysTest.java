package io.p2pkit.core.crypto;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.testing.Vectors;
import io.p2pkit.testing.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peer IDs of the vector keys. The js interop IDs are the ones js-libp2p's interop tests dial
 * (packages/interop); the others were computed independently with pyca/cryptography from the
 * same files while writing this test.
 */
class PeerIdOfKeysTest {
    @ParameterizedTest
    @CsvSource({
            "libp2p-js-libp2p/packages/interop/src/resources/keys/go.ed25519.key, 12D3KooWRqGdmFVwspgLBajUQacY1TrkBkAUqmjqjbHSFGEoZs9R",
            "libp2p-js-libp2p/packages/interop/src/resources/keys/js.ed25519.key, 12D3KooWDaHkRyb4Nkf8L6WHbsWB9Krt491NDk8PaPGogXvj2pcY",
            "libp2p-js-libp2p/packages/interop/src/resources/keys/go.rsa.key, QmWS3xmxj1i659VUoustPU8KGzXkziqzF7BBGXS9fDwyz1",
            "libp2p-js-libp2p/packages/interop/src/resources/keys/js.rsa.key, QmPFdSzvgd1HbZSd6oX2N2vCSnhSEeocbQZsMB42UG8smE",
            "libp2p-js-libp2p/packages/interop/src/resources/keys/go.secp256k1.key, 16Uiu2HAmPu9PZESp4keskcfDkdBvDhs1Dra1aLjfeHRCFHgQoD6L",
            "libp2p-js-libp2p/packages/interop/src/resources/keys/js.secp256k1.key, 16Uiu2HAm7txvwZbeK5g3oB3DrRhnARTEjTNorVreWJomfHJHbEu2",
            "libp2p-go-libp2p/core/crypto/test_data/0.priv, QmcW3oMdSqoEcjbyd51auqC23vhKX6BqfcZcY2HJ3sKAZR",
            "libp2p-go-libp2p/core/crypto/test_data/2.priv, 16Uiu2HAky1YnjeGryCtGu69pvjeHXSwTHUgDNFF4zxtD5WrCPury",
            "libp2p-go-libp2p/core/crypto/test_data/3.priv, QmYod9tQDX9rLCrs7au5um1aDrBXTnaHGbh1W6bxNGeEut",
    })
    void protobufKeyFiles(String path, String expected) {
        PrivateKey key = PrivateKey.unmarshal(Vectors.bytes(path));
        assertEquals(expected, key.publicKey().toPeerId().toString());
        assertEquals(PeerId.parse(expected), key.publicKey().toPeerId());
    }

    @ParameterizedTest
    @CsvSource({
            "2048, Qmd7mkVztivs861jTqDSTxE4TQMGsH2Bs6HPU7TPtKchzA",
            "3072, QmWouYpbtY9eq1dyF8CFSd83zFNHMobpxKsAetUaedhJUf",
            "4096, QmXXgofW37TAdfoZAHoVmNWps1Y4G3UHkzitMJF91x1FPR",
    })
    void rustPkcs8Keys(int bits, String expected) {
        PrivateKey key = PrivateKey.fromPkcs8(Vectors.bytes("libp2p-rust-libp2p/identity/src/test/rsa-" + bits + ".pk8"));
        assertEquals(expected, key.publicKey().toPeerId().toString());
    }

    @Test
    void specVectors() {
        HexFormat hex = HexFormat.of();
        assertEquals("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq", PublicKey.unmarshal(hex.parseHex(
                "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")).toPeerId().toString());
        assertEquals("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY", PublicKey.unmarshal(hex.parseHex(
                "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99")).toPeerId().toString());
        assertEquals("QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk", PublicKey.unmarshal(hex.parseHex(
                "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62"))
                .toPeerId().toString());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void inlinedKeysComeBackOutOfThePeerId(KeyType type) {
        PublicKey pub = PrivateKey.generate(type, new SeededRandom(31)).publicKey();
        PeerId id = pub.toPeerId();
        boolean inlined = pub.marshal().length <= PeerId.MAX_INLINE_KEY_LENGTH;
        assertEquals(type == KeyType.ED25519 || type == KeyType.SECP256K1, inlined);
        assertEquals(inlined, PublicKey.fromPeerId(id).isPresent());
        PublicKey.fromPeerId(id).ifPresent(k -> assertEquals(pub, k));
        assertTrue(id.toString().startsWith(switch (type) {
            case ED25519 -> "12D3KooW";
            case SECP256K1 -> "16Uiu2HA";
            case ECDSA, RSA -> "Qm";
        }));
        assertArrayEquals(id.bytes(), PeerId.decode(id.bytes()).bytes());
    }
}
