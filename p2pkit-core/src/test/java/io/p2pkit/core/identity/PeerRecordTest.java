package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.testing.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerRecordTest {
    private static final List<Multiaddr> ADDRS = List.of(
            Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"),
            Multiaddr.parse("/ip6/::1/udp/4001/quic-v1"),
            Multiaddr.parse("/dns4/example.com/tcp/443/wss"));

    private static PrivateKey key(KeyType type) {
        return PrivateKey.generate(type, new SeededRandom(type.ordinal() + 60));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void sealAndOpen(KeyType type) {
        PrivateKey key = key(type);
        PeerRecord record = new PeerRecord(key.publicKey().toPeerId(), 42, ADDRS);
        Envelope envelope = record.seal(key);
        assertArrayEquals(new byte[] {0x03, 0x01}, envelope.payloadType());
        PeerRecord opened = PeerRecord.open(envelope.marshal());
        assertEquals(record, opened);
        assertEquals(record.hashCode(), opened.hashCode());
        assertEquals(ADDRS, opened.addresses());
        assertEquals(42, opened.seq());
        assertEquals(record, PeerRecord.fromEnvelope(Envelope.open(envelope.marshal(), PeerRecord.DOMAIN)));
    }

    /** The payload layout of RFC 0003, built by hand. */
    @Test
    void payloadFollowsTheRfc() {
        PrivateKey key = key(KeyType.ED25519);
        PeerId id = key.publicKey().toPeerId();
        PeerRecord record = new PeerRecord(id, 300, ADDRS.subList(0, 1));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x0a);
        b.write(id.bytes().length);
        b.writeBytes(id.bytes());
        b.writeBytes(new byte[] {0x10, (byte) 0xac, 0x02}); // seq 300
        byte[] addr = ADDRS.get(0).bytes();
        b.write(0x1a);
        b.write(addr.length + 2);
        b.write(0x0a);
        b.write(addr.length);
        b.writeBytes(addr);
        assertArrayEquals(b.toByteArray(), record.marshal());
        assertEquals(record, PeerRecord.unmarshal(b.toByteArray()));
        // The envelope signs it under the peer-record domain.
        Envelope e = record.seal(key);
        assertArrayEquals(record.marshal(), e.payload());
        assertThrows(InvalidSignatureException.class, () -> Envelope.open(e.marshal(), "other"));
    }

    @Test
    void onlyThePeersOwnKeySeals() {
        PeerRecord record = new PeerRecord(key(KeyType.ED25519).publicKey().toPeerId(), 1, ADDRS);
        assertThrows(IllegalArgumentException.class, () -> record.seal(key(KeyType.SECP256K1)));
    }

    @Test
    void aRecordForAnotherPeerIsRejected() {
        PrivateKey mallory = key(KeyType.SECP256K1);
        PeerRecord aliceRecord = new PeerRecord(key(KeyType.ED25519).publicKey().toPeerId(), 1, ADDRS);
        Envelope forged = Envelope.seal(mallory, PeerRecord.DOMAIN, PeerRecord.payloadType(), aliceRecord.marshal());
        assertThrows(InvalidSignatureException.class, () -> PeerRecord.open(forged.marshal()));
    }

    @Test
    void otherPayloadTypesAreRejected() {
        PrivateKey key = key(KeyType.ED25519);
        PeerRecord record = new PeerRecord(key.publicKey().toPeerId(), 1, ADDRS);
        Envelope other = Envelope.seal(key, PeerRecord.DOMAIN, new byte[] {0x03, 0x02}, record.marshal());
        DecodeException e = assertThrows(DecodeException.class, () -> PeerRecord.open(other.marshal()));
        assertTrue(e.getMessage().contains("payload type"));
    }

    @Test
    void malformedPayloads() {
        PeerId id = key(KeyType.ED25519).publicKey().toPeerId();
        assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(new ProtobufWriter().varint(2, 1).toByteArray()));
        assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(new ProtobufWriter().bytes(1, new byte[] {1, 2, 3}).toByteArray()));
        assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(new ProtobufWriter()
                .bytes(1, id.bytes()).bytes(1, id.bytes()).toByteArray()));
        assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(new ProtobufWriter()
                .bytes(1, id.bytes()).message(3, new ProtobufWriter().bytes(1, new byte[] {(byte) 0xff, 0x7f})).toByteArray()));
        assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(new ProtobufWriter()
                .bytes(1, id.bytes()).message(3, new ProtobufWriter()).toByteArray()));
        assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(new byte[Envelope.MAX_SIZE + 1]));
        ProtobufWriter tooMany = new ProtobufWriter().bytes(1, id.bytes());
        for (int i = 0; i <= PeerRecord.MAX_ADDRESSES; i++) {
            tooMany.message(3, new ProtobufWriter().bytes(1, ADDRS.get(0).bytes()));
        }
        DecodeException e = assertThrows(DecodeException.class, () -> PeerRecord.unmarshal(tooMany.toByteArray()));
        assertTrue(e.getMessage().contains("addresses"));
        // A missing seq is zero, as proto3 says, and unknown fields are skipped.
        PeerRecord zero = PeerRecord.unmarshal(new ProtobufWriter().bytes(1, id.bytes()).varint(9, 5).toByteArray());
        assertEquals(0, zero.seq());
        assertEquals(List.of(), zero.addresses());
    }

    @Test
    void unsignedSeqRoundTrips() {
        PeerRecord r = new PeerRecord(key(KeyType.ED25519).publicKey().toPeerId(), -1L, List.of());
        assertEquals(-1L, PeerRecord.unmarshal(r.marshal()).seq());
        assertTrue(r.toString().contains("18446744073709551615"));
    }

    @Test
    void nextSeqFollowsTheClockAndNeverRepeats() {
        Clock fixed = Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC);
        long first = PeerRecord.nextSeq(fixed);
        assertTrue(first >= 4_102_444_800_000_000_000L);
        long second = PeerRecord.nextSeq(fixed);
        assertTrue(Long.compareUnsigned(second, first) > 0);
        Clock earlier = Clock.fixed(Instant.parse("2000-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertTrue(Long.compareUnsigned(PeerRecord.nextSeq(earlier), second) > 0);
        assertTrue(Long.compareUnsigned(PeerRecord.nextSeq(), second) > 0);
    }

    @Test
    void addressesAreImmutable() {
        PeerRecord r = new PeerRecord(key(KeyType.ED25519).publicKey().toPeerId(), 1, ADDRS);
        assertThrows(UnsupportedOperationException.class, () -> r.addresses().add(ADDRS.get(0)));
    }
}
