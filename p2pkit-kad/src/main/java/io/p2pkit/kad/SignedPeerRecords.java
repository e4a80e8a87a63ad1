package io.p2pkit.kad;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.kad.wire.ConnectionType;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.KadPeer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Signed peer records in DHT peer entries: attaches the record the peerstore holds for a peer
 * (identify stored it) to outgoing entries, and verifies the records of incoming entries before
 * their addresses are believed.
 *
 * <p>A valid record (signature under {@code libp2p-peer-record}, signer = the entry's peer) makes
 * the entry's addresses the record's: the unsigned list a third party attached may be stale or
 * forged. A record that does not verify, or names another peer, is ignored and the plain addresses
 * are used, as identify does. Third-party records are not stored as the peer's record in the
 * peerstore: that would replace what identify gave, with a short time to live, and the peerstore
 * ignores plain addresses while it holds a record, so a peer could end up with none. Our own
 * entries carry no record: they only go to peers connected to us, which have it from identify.
 *
 * <p>A message's {@code senderRecord} (field 11, py-libp2p's) is the other case: every request
 * and reply we send carries our own record, and the sender's record in one we receive is stored
 * like identify's ({@link #learnSender}).
 *
 * <p>Verification costs a signature check; the records seen recently are remembered by their
 * SHA-256 (at most {@link #CACHE} of them), and the record identify stored is not checked again,
 * so a lookup that sees the same peer in many replies pays at most one check.
 */
final class SignedPeerRecords {
    /** Verified records remembered. */
    static final int CACHE = 4096;

    private final Host host;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ByteBuffer, PeerRecord> verified = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PeerRecord> eldest) {
            return size() > CACHE;
        }
    };

    /** Our own sealed record and the addresses it was made for. */
    private record Own(List<Multiaddr> addresses, byte[] envelope) {
    }

    private volatile Own own;

    SignedPeerRecords(Host host) {
        this.host = host;
    }

    /**
     * Our own signed peer record, for a message's {@code senderRecord} (py-libp2p sends one in
     * every request and response); sealed again only when our addresses change, as identify does.
     */
    byte[] own() {
        List<Multiaddr> addrs = host.addresses();
        Own o = own;
        if (o == null || !o.addresses().equals(addrs)) {
            byte[] sealed = new PeerRecord(host.peerId(), PeerRecord.nextSeq(), addrs).seal(host.identity()).marshal();
            o = new Own(addrs, sealed);
            own = o;
        }
        return o.envelope();
    }

    /**
     * Learns the {@code senderRecord} of a message that came from {@code from} on a stream: a
     * first-party record, so, unlike a third party's, it is stored as the peer's record in the
     * peerstore (as identify stores the one it receives), if it verifies, names the sender and is
     * newer than the one held. The same record from the same peer costs one check, not one per
     * message: the peerstore's copy, or the cache of verified records, recognises it.
     */
    void learnSender(PeerId from, KadMessage message) {
        if (!message.hasSenderRecord()) {
            return;
        }
        byte[] bytes = message.senderRecord();
        Optional<Envelope> held = host.peerStore().peerRecord(from);
        if (held.isPresent() && Arrays.equals(held.get().marshal(), bytes)) {
            return;
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256(bytes));
        lock.lock();
        try {
            if (verified.containsKey(digest)) {
                return; // seen before: stored then, or it was older or named someone else
            }
        } finally {
            lock.unlock();
        }
        Envelope envelope;
        PeerRecord record;
        try {
            envelope = Envelope.open(bytes, PeerRecord.DOMAIN);
            record = PeerRecord.fromEnvelope(envelope);
        } catch (IllegalArgumentException e) {
            return; // not a valid peer record: ignored, as identify ignores one
        }
        lock.lock();
        try {
            verified.put(digest, record);
        } finally {
            lock.unlock();
        }
        if (record.peerId().equals(from)) {
            host.peerStore().consumePeerRecord(envelope, AddressTtl.CONNECTED);
        }
    }

    /**
     * A peer entry with the peer's signed record when the peerstore holds one.
     *
     * @param peer       the peer
     * @param addresses  the addresses to list
     * @param connection the connection state to report
     * @return the entry
     */
    KadPeer entry(PeerId peer, List<Multiaddr> addresses, ConnectionType connection) {
        byte[] record = peer.equals(host.peerId()) ? new byte[0]
                : host.peerStore().peerRecord(peer).map(Envelope::marshal).orElse(new byte[0]);
        return new KadPeer(peer, addresses, connection, record);
    }

    /**
     * Learns a received entry: verifies its record, adds the addresses believed to the peerstore
     * with {@code ttl}, and returns them (the record's when it is valid, else the entry's list).
     *
     * @param entry the entry from another peer's message
     * @param ttl   how long the addresses are kept
     * @return the addresses to dial the peer at (may be empty)
     */
    List<Multiaddr> learn(KadPeer entry, Duration ttl) {
        PeerId peer = entry.peerId();
        if (peer.equals(host.peerId())) {
            return host.addresses();
        }
        List<Multiaddr> addrs = entry.addresses();
        if (entry.hasSignedRecord()) {
            Optional<PeerRecord> record = open(peer, entry.signedRecord());
            if (record.isPresent() && !record.get().addresses().isEmpty()) {
                addrs = record.get().addresses();
            }
        }
        if (!addrs.isEmpty()) {
            host.peerStore().addAddresses(peer, addrs, ttl);
        }
        return addrs;
    }

    /** The record in {@code bytes} if it is a valid peer record signed by {@code peer}. */
    private Optional<PeerRecord> open(PeerId peer, byte[] bytes) {
        Optional<Envelope> held = host.peerStore().peerRecord(peer);
        if (held.isPresent() && Arrays.equals(held.get().marshal(), bytes)) {
            return Optional.of(PeerRecord.fromEnvelope(held.get()));
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256(bytes));
        lock.lock();
        try {
            PeerRecord known = verified.get(digest);
            if (known != null) {
                return known.peerId().equals(peer) ? Optional.of(known) : Optional.empty();
            }
        } finally {
            lock.unlock();
        }
        PeerRecord record;
        try {
            record = PeerRecord.open(bytes);
        } catch (DecodeException e) {
            // not signed by its peer, or not a peer record: the plain addresses are all there is
            return Optional.empty();
        }
        lock.lock();
        try {
            verified.put(digest, record);
        } finally {
            lock.unlock();
        }
        return record.peerId().equals(peer) ? Optional.of(record) : Optional.empty();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
