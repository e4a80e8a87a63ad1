package io.p2pkit.kad.wire;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KadMessageTest {
    private static final String FIXTURES = "libp2p-js-libp2p/packages/kad-dht/test/fixtures/";

    private static KadMessage fixture(int n) {
        return KadMessage.decode(Vectors.bytes(FIXTURES + "msg-" + n));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void jsFixturesDecodeAndSurviveReEncoding(int n) {
        KadMessage m = fixture(n);
        assertEquals(m, KadMessage.decode(m.encode()));
        assertEquals(0, m.clusterLevel());
    }

    @Test
    void findNodeWithATextKey() {
        KadMessage m = fixture(1);
        assertEquals(MessageType.FIND_NODE, m.type());
        assertArrayEquals("/v/hello".getBytes(StandardCharsets.UTF_8), m.key());
    }

    @Test
    void putValueCarriesItsRecord() {
        KadMessage m = fixture(2);
        assertEquals(MessageType.PUT_VALUE, m.type());
        KadRecord r = m.record().orElseThrow();
        assertArrayEquals("/v/hello".getBytes(StandardCharsets.UTF_8), r.key());
        assertArrayEquals("world".getBytes(StandardCharsets.UTF_8), r.value());
    }

    @Test
    void getValueAndMultihashKeys() {
        assertEquals(MessageType.GET_VALUE, fixture(3).type());
        for (int n = 4; n <= 6; n++) {
            KadMessage m = fixture(n);
            assertEquals(MessageType.FIND_NODE, m.type());
            Multihash.decode(m.key());
        }
    }

    @Test
    void addProviderCarriesProviderPeers() {
        for (int n = 7; n <= 8; n++) {
            KadMessage m = fixture(n);
            assertEquals(MessageType.ADD_PROVIDER, m.type());
            Multihash.decode(m.key());
            assertFalse(m.providerPeers().isEmpty());
            assertFalse(m.providerPeers().get(0).addresses().isEmpty());
        }
    }

    @Test
    void absentTypeMeansPutValue() {
        byte[] bytes = new ProtobufWriter().bytes(2, new byte[] {1, 2}).toByteArray();
        assertEquals(MessageType.PUT_VALUE, KadMessage.decode(bytes).type());
    }

    @Test
    void roundTripsEveryField() {
        var id = PrivateKey.generateEd25519().publicKey().toPeerId();
        KadMessage m = KadMessage.request(MessageType.GET_PROVIDERS, new byte[] {0x12, 0x20})
                .withRecord(new KadRecord(new byte[] {1}, new byte[] {2}, "2026-01-01T00:00:00Z"))
                .withCloserPeers(List.of(new KadPeer(id, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")), ConnectionType.CONNECTED)))
                .withProviderPeers(List.of(new KadPeer(id, List.of())));
        assertEquals(m, KadMessage.decode(m.encode()));
    }

    @Test
    void badPeerEntriesAndAddressesAreDroppedNotFatal() {
        var id = PrivateKey.generateEd25519().publicKey().toPeerId();
        ProtobufWriter good = new ProtobufWriter().bytes(1, id.bytes()).bytes(2, new byte[] {(byte) 0xff, 0x7f})
                .bytes(2, Multiaddr.parse("/ip4/1.2.3.4/tcp/5").bytes());
        ProtobufWriter bad = new ProtobufWriter().bytes(1, new byte[] {9, 9, 9});
        byte[] bytes = new ProtobufWriter().varint(1, 4).message(8, good).message(8, bad).toByteArray();
        KadMessage m = KadMessage.decode(bytes);
        assertEquals(1, m.closerPeers().size());
        assertEquals(List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/5")), m.closerPeers().get(0).addresses());
    }

    @Test
    void peerEntriesCarryASignedRecordAsField4() {
        PrivateKey key = PrivateKey.generateEd25519();
        var id = key.publicKey().toPeerId();
        byte[] record = new PeerRecord(id, 7, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/9"))).seal(key).marshal();
        KadMessage m = KadMessage.request(MessageType.FIND_NODE, id.bytes())
                .withCloserPeers(List.of(new KadPeer(id, List.of(), ConnectionType.NOT_CONNECTED, record)));
        KadMessage back = KadMessage.decode(m.encode());
        assertEquals(m, back);
        assertArrayEquals(record, back.closerPeers().get(0).signedRecord());
        // Field 4 inside Message.Peer, as py-libp2p writes it.
        ProtobufWriter entry = new ProtobufWriter().bytes(1, id.bytes()).bytes(4, record);
        byte[] bytes = new ProtobufWriter().varint(1, 4).message(8, entry).toByteArray();
        assertArrayEquals(record, KadMessage.decode(bytes).closerPeers().get(0).signedRecord());
    }

    @Test
    void anOversizedSignedRecordIsDroppedAndTheEntryKept() {
        var id = PrivateKey.generateEd25519().publicKey().toPeerId();
        ProtobufWriter entry = new ProtobufWriter().bytes(1, id.bytes())
                .bytes(2, Multiaddr.parse("/ip4/1.2.3.4/tcp/5").bytes()).bytes(4, new byte[KadPeer.MAX_RECORD_BYTES + 1]);
        KadMessage m = KadMessage.decode(new ProtobufWriter().varint(1, 4).message(8, entry).toByteArray());
        assertEquals(1, m.closerPeers().size());
        assertFalse(m.closerPeers().get(0).hasSignedRecord());
        assertEquals(1, m.closerPeers().get(0).addresses().size());
    }

    @Test
    void rejectsUnknownTypesOversizedKeysAndPeerFloods() {
        assertThrows(DecodeException.class, () -> KadMessage.decode(new ProtobufWriter().varint(1, 9).toByteArray()));
        assertThrows(DecodeException.class, () -> KadMessage.decode(new ProtobufWriter().bytes(2, new byte[KadMessage.MAX_KEY_BYTES + 1]).toByteArray()));
        ProtobufWriter w = new ProtobufWriter();
        for (int i = 0; i <= KadMessage.MAX_PEERS; i++) {
            w.message(8, new ProtobufWriter());
        }
        DecodeException e = assertThrows(DecodeException.class, () -> KadMessage.decode(w.toByteArray()));
        assertTrue(e.getMessage().contains("closerPeers"));
        assertThrows(DecodeException.class, () -> KadMessage.decode(new byte[] {0x0a, 0x05, 1}));
    }

    @Test
    void senderRecordRoundTripsAndAnOversizedOneIsDropped() {
        byte[] rec = new byte[300];
        java.util.Arrays.fill(rec, (byte) 7);
        KadMessage m = KadMessage.request(MessageType.FIND_NODE, new byte[] {1, 2}).withSenderRecord(rec);
        KadMessage back = KadMessage.decode(m.encode());
        assertEquals(m, back);
        assertArrayEquals(rec, back.senderRecord());
        // Field 11, length-delimited: tag 0x5a.
        byte[] wire = m.encode();
        assertEquals(0x5a, wire[wire.length - rec.length - 3] & 0xFF); // then a two-byte length
        byte[] huge = new byte[KadPeer.MAX_RECORD_BYTES + 1];
        KadMessage dropped = KadMessage.decode(KadMessage.request(MessageType.FIND_NODE, new byte[] {1}).withSenderRecord(huge).encode());
        assertFalse(dropped.hasSenderRecord());
        assertEquals(MessageType.FIND_NODE, dropped.type());
    }
}
