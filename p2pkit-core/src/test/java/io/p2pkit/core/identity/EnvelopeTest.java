package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.testing.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeTest {
    private static final String DOMAIN = "p2pkit-test";
    private static final byte[] TYPE = {0x12, 0x34};
    private static final byte[] PAYLOAD = "hello, envelope".getBytes(StandardCharsets.UTF_8);

    private static PrivateKey key(KeyType type) {
        return PrivateKey.generate(type, new SeededRandom(type.ordinal() + 50));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void sealAndOpen(KeyType type) {
        PrivateKey key = key(type);
        Envelope sealed = Envelope.seal(key, DOMAIN, TYPE, PAYLOAD);
        Envelope opened = Envelope.open(sealed.marshal(), DOMAIN);
        assertEquals(sealed, opened);
        assertEquals(sealed.hashCode(), opened.hashCode());
        assertEquals(key.publicKey(), opened.publicKey());
        assertEquals(key.publicKey().toPeerId(), opened.signer());
        assertArrayEquals(TYPE, opened.payloadType());
        assertArrayEquals(PAYLOAD, opened.payload());
        assertArrayEquals(sealed.marshal(), opened.marshal());
    }

    /** The signed bytes and the wire layout, built by hand from RFC 0002. */
    @Test
    void wireFormatAndSignedBytesFollowTheRfc() {
        PrivateKey key = key(KeyType.ED25519);
        Envelope e = Envelope.seal(key, DOMAIN, TYPE, PAYLOAD);

        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(DOMAIN.length());
        signed.writeBytes(DOMAIN.getBytes(StandardCharsets.UTF_8));
        signed.write(TYPE.length);
        signed.writeBytes(TYPE);
        signed.write(PAYLOAD.length);
        signed.writeBytes(PAYLOAD);
        assertTrue(key.publicKey().verify(signed.toByteArray(), e.signature()));
        // Ed25519 is deterministic, so the signature is exactly the key's signature of those bytes.
        assertArrayEquals(key.sign(signed.toByteArray()), e.signature());

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] pub = key.publicKey().marshal();
        wire.write(0x0a);
        wire.write(pub.length);
        wire.writeBytes(pub);
        wire.write(0x12);
        wire.write(TYPE.length);
        wire.writeBytes(TYPE);
        wire.write(0x1a);
        wire.write(PAYLOAD.length);
        wire.writeBytes(PAYLOAD);
        wire.write(0x2a);
        wire.write(64);
        wire.writeBytes(e.signature());
        assertArrayEquals(wire.toByteArray(), e.marshal());
    }

    @Test
    void wrongDomainFails() {
        byte[] bytes = Envelope.seal(key(KeyType.ED25519), DOMAIN, TYPE, PAYLOAD).marshal();
        InvalidSignatureException e = assertThrows(InvalidSignatureException.class, () -> Envelope.open(bytes, "other-domain"));
        assertTrue(e.getMessage().contains("other-domain"));
        assertThrows(IllegalArgumentException.class, () -> Envelope.open(bytes, ""));
        assertThrows(IllegalArgumentException.class, () -> Envelope.seal(key(KeyType.ED25519), "", TYPE, PAYLOAD));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void anyChangedByteIsRejected(KeyType type) {
        byte[] bytes = Envelope.seal(key(type), DOMAIN, TYPE, PAYLOAD).marshal();
        SplittableRandom r = new SplittableRandom(type.ordinal());
        for (int i = 0; i < 24; i++) {
            byte[] bad = bytes.clone();
            bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            assertThrows(DecodeException.class, () -> Envelope.open(bad, DOMAIN));
        }
    }

    @Test
    void keySwapIsRejected() {
        Envelope e = Envelope.seal(key(KeyType.ED25519), DOMAIN, TYPE, PAYLOAD);
        byte[] forged = new ProtobufWriter()
                .bytes(1, key(KeyType.SECP256K1).publicKey().marshal())
                .bytes(2, TYPE).bytes(3, PAYLOAD).bytes(5, e.signature()).toByteArray();
        assertThrows(InvalidSignatureException.class, () -> Envelope.open(forged, DOMAIN));
    }

    @Test
    void malformedEnvelopes() {
        Envelope e = Envelope.seal(key(KeyType.ED25519), DOMAIN, TYPE, PAYLOAD);
        byte[] pub = e.publicKey().marshal();
        assertMessage(new ProtobufWriter().bytes(2, TYPE).bytes(3, PAYLOAD).bytes(5, e.signature()).toByteArray(), "missing public_key");
        assertMessage(new ProtobufWriter().bytes(1, pub).bytes(2, TYPE).bytes(3, PAYLOAD).toByteArray(), "missing signature");
        assertMessage(new ProtobufWriter().bytes(1, pub).bytes(1, pub).bytes(5, e.signature()).toByteArray(), "twice");
        assertMessage(new ProtobufWriter().bytes(1, new byte[] {8, 9}).bytes(5, e.signature()).toByteArray(), "PublicKey");
        assertMessage(Arrays.copyOf(e.marshal(), e.marshal().length - 1), "claims");
        assertMessage(new byte[Envelope.MAX_SIZE + 1], "over the limit");
        assertThrows(DecodeException.class, () -> Envelope.open(null, DOMAIN));
        // Unknown fields are ignored, as proto3 says; they are outside the signature.
        byte[] extra = Arrays.copyOf(e.marshal(), e.marshal().length + 2);
        extra[extra.length - 2] = 0x30; // field 6, varint
        extra[extra.length - 1] = 0x01;
        assertEquals(e, Envelope.open(extra, DOMAIN));
    }

    @Test
    void emptyPayloadAndTypeAreAllowed() {
        Envelope e = Envelope.seal(key(KeyType.ED25519), DOMAIN, new byte[0], new byte[0]);
        assertEquals(e, Envelope.open(e.marshal(), DOMAIN));
        // proto3 may leave empty fields out entirely.
        byte[] minimal = new ProtobufWriter().bytes(1, e.publicKey().marshal()).bytes(5, e.signature()).toByteArray();
        assertEquals(e, Envelope.open(minimal, DOMAIN));
    }

    @Test
    void accessorsReturnCopies() {
        Envelope e = Envelope.seal(key(KeyType.ED25519), DOMAIN, TYPE, PAYLOAD);
        e.payload()[0] ^= 1;
        e.payloadType()[0] ^= 1;
        e.signature()[0] ^= 1;
        assertEquals(e, Envelope.open(e.marshal(), DOMAIN));
    }

    private static void assertMessage(byte[] bytes, String part) {
        DecodeException e = assertThrows(DecodeException.class, () -> Envelope.open(bytes, DOMAIN));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
