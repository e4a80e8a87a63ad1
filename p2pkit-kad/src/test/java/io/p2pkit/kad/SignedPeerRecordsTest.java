package io.p2pkit.kad;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.sim.DhtSwarm;
import io.p2pkit.kad.wire.ConnectionType;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.KadPeer;
import io.p2pkit.kad.wire.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed peer records in DHT peer entries: sent with every entry we know one for, verified on receipt. */
class SignedPeerRecordsTest {
    private static final List<Multiaddr> SIGNED = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1001"));
    private static final List<Multiaddr> PLAIN = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/2002"));

    private static DhtSwarm swarm;
    private static DhtSwarm.Node server;
    private static DhtSwarm.Node a;
    private static DhtSwarm.Node asker;

    @BeforeAll
    static void network() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 7, b -> b.k(4));
        server = swarm.start(List.of());
        a = swarm.start(List.of(server.info()));
        a.dht().bootstrap();
        asker = swarm.start(List.of(server.info()));
        assertEquals(1, asker.dht().connectBootstrapPeers());
    }

    @AfterAll
    static void close() {
        swarm.close();
    }

    private static byte[] record(PrivateKey key, long seq, List<Multiaddr> addrs) {
        return new PeerRecord(key.publicKey().toPeerId(), seq, addrs).seal(key).marshal();
    }

    @Test
    void findNodeRepliesCarryTheRecordsOfTheEntries() throws Exception {
        KadMessage reply = asker.dht().clientForTests().request(server.host().peerId(),
                KadMessage.request(MessageType.FIND_NODE, a.host().peerId().bytes()));
        KadPeer entry = reply.closerPeers().stream().filter(p -> p.peerId().equals(a.host().peerId())).findFirst().orElseThrow();
        assertTrue(entry.hasSignedRecord(), entry.toString());
        PeerRecord r = PeerRecord.open(entry.signedRecord());
        assertEquals(a.host().peerId(), r.peerId());
        assertEquals(a.host().addresses(), r.addresses());

        // Asked for itself, the server lists itself without a record: the asker, connected to it,
        // has the server's record from identify.
        KadMessage self = asker.dht().clientForTests().request(server.host().peerId(),
                KadMessage.request(MessageType.FIND_NODE, server.host().peerId().bytes()));
        KadPeer own = self.closerPeers().stream().filter(p -> p.peerId().equals(server.host().peerId())).findFirst().orElseThrow();
        assertFalse(own.hasSignedRecord());
        assertTrue(asker.host().peerStore().peerRecord(server.host().peerId()).isPresent());
    }

    @Test
    void aValidRecordWinsOverThePlainAddresses() {
        SignedPeerRecords records = new SignedPeerRecords(asker.host());
        PrivateKey x = PrivateKey.generateEd25519();
        PeerId id = x.publicKey().toPeerId();
        byte[] signed = record(x, 5, SIGNED);
        List<Multiaddr> used = records.learn(new KadPeer(id, PLAIN, ConnectionType.NOT_CONNECTED, signed), AddressTtl.TEMPORARY);
        assertEquals(SIGNED, used);
        assertEquals(SIGNED, asker.host().peerStore().addresses(id));
        // A third party's record is not stored as the peer's own: identify's stays the authority.
        assertFalse(asker.host().peerStore().peerRecord(id).isPresent());
        // The same record again comes from the cache of verified records.
        assertEquals(SIGNED, records.learn(new KadPeer(id, List.of(), ConnectionType.NOT_CONNECTED, signed), AddressTtl.TEMPORARY));
    }

    @Test
    void theRecordIdentifyStoredIsUsedAsIs() {
        SignedPeerRecords records = new SignedPeerRecords(asker.host());
        PeerId serverId = server.host().peerId();
        byte[] held = asker.host().peerStore().peerRecord(serverId).orElseThrow().marshal();
        assertEquals(server.host().addresses(),
                records.learn(new KadPeer(serverId, PLAIN, ConnectionType.CONNECTED, held), AddressTtl.TEMPORARY));
    }

    @Test
    void forgedOrBrokenRecordsAreIgnored() {
        SignedPeerRecords records = new SignedPeerRecords(asker.host());
        PrivateKey x = PrivateKey.generateEd25519();
        PeerId id = x.publicKey().toPeerId();
        PrivateKey mallory = PrivateKey.generateEd25519();
        // A record of another peer attached to x's entry.
        assertEquals(PLAIN, records.learn(new KadPeer(id, PLAIN, ConnectionType.NOT_CONNECTED, record(mallory, 9, SIGNED)), AddressTtl.TEMPORARY));
        // Bytes that are not an envelope, and an envelope whose signature was tampered with.
        assertEquals(PLAIN, records.learn(new KadPeer(id, PLAIN, ConnectionType.NOT_CONNECTED, new byte[] {1, 2, 3}), AddressTtl.TEMPORARY));
        byte[] tampered = record(x, 9, SIGNED);
        tampered[tampered.length - 1] ^= 1;
        assertEquals(PLAIN, records.learn(new KadPeer(id, PLAIN, ConnectionType.NOT_CONNECTED, tampered), AddressTtl.TEMPORARY));
        assertFalse(asker.host().peerStore().peerRecord(id).isPresent());
        assertEquals(PLAIN, asker.host().peerStore().addresses(id));
    }

    @Test
    void requestsAndRepliesCarryTheSendersOwnRecord() throws Exception {
        // The client attaches our record to the request; the server attaches its own to the reply.
        KadMessage reply = asker.dht().clientForTests().request(server.host().peerId(),
                KadMessage.request(MessageType.FIND_NODE, a.host().peerId().bytes()));
        assertTrue(reply.hasSenderRecord(), reply.toString());
        PeerRecord r = PeerRecord.open(reply.senderRecord());
        assertEquals(server.host().peerId(), r.peerId());
        assertEquals(server.host().addresses(), r.addresses());
        // The server verified and kept ours (newer than the one identify gave it, same addresses).
        assertTrue(server.host().peerStore().peerRecord(asker.host().peerId()).isPresent());
    }

    @Test
    void aSendersOwnRecordIsStoredAndNobodyElses() {
        SignedPeerRecords records = new SignedPeerRecords(asker.host());
        PrivateKey x = PrivateKey.generateEd25519();
        PeerId id = x.publicKey().toPeerId();
        KadMessage from = KadMessage.request(MessageType.PING, new byte[0]);
        // First party: stored as x's record, its addresses certified.
        records.learnSender(id, from.withSenderRecord(record(x, 3, SIGNED)));
        assertEquals(SIGNED, asker.host().peerStore().addresses(id));
        assertEquals(3, PeerRecord.fromEnvelope(asker.host().peerStore().peerRecord(id).orElseThrow()).seq());
        // An older one does not replace it; a newer one does.
        records.learnSender(id, from.withSenderRecord(record(x, 2, PLAIN)));
        assertEquals(SIGNED, asker.host().peerStore().addresses(id));
        records.learnSender(id, from.withSenderRecord(record(x, 4, PLAIN)));
        assertEquals(PLAIN, asker.host().peerStore().addresses(id));
        // Someone else's record sent by x, a tampered one and garbage: nothing stored.
        PrivateKey y = PrivateKey.generateEd25519();
        records.learnSender(id, from.withSenderRecord(record(y, 9, SIGNED)));
        assertFalse(asker.host().peerStore().peerRecord(y.publicKey().toPeerId()).isPresent());
        byte[] tampered = record(x, 10, SIGNED);
        tampered[tampered.length - 1] ^= 1;
        records.learnSender(id, from.withSenderRecord(tampered));
        records.learnSender(id, from.withSenderRecord(new byte[] {1, 2, 3}));
        assertEquals(PLAIN, asker.host().peerStore().addresses(id));
    }
}
