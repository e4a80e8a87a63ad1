package io.p2pkit.kad;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.peerstore.PeerStore;
import io.p2pkit.kad.wire.ConnectionType;
import io.p2pkit.kad.wire.KadPeer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Signed peer records in DHT peer entries: attaches the record the peerstore holds (or this node's
 * own) to outgoing entries, and verifies the records of incoming entries before their addresses are
 * believed.
 *
 * <p>A valid record (signature under {@code libp2p-peer-record}, signer = the entry's peer) goes
 * to the peerstore as certified addresses, and the entry's addresses are then the newest record's:
 * the unsigned list a third party attached may be stale or forged. A record that does not verify,
 * or names another peer, is ignored and the plain addresses are used, as identify does. While the
 * peer is connected, identify is the authority and third-party records are not stored. A record
 * already held (same bytes) is not verified again, so a lookup that sees the same peer in many
 * replies pays one signature check.
 */
final class SignedPeerRecords {
    private final Host host;
    private final ReentrantLock lock = new ReentrantLock();
    private List<Multiaddr> ownAddresses = List.of();
    private byte[] own = new byte[0];

    SignedPeerRecords(Host host) {
        this.host = host;
    }

    /**
     * A peer entry with the peer's signed record when one is known.
     *
     * @param peer       the peer
     * @param addresses  the addresses to list
     * @param connection the connection state to report
     * @return the entry
     */
    KadPeer entry(PeerId peer, List<Multiaddr> addresses, ConnectionType connection) {
        return new KadPeer(peer, addresses, connection, recordOf(peer));
    }

    private byte[] recordOf(PeerId peer) {
        if (peer.equals(host.peerId())) {
            return ownRecord();
        }
        return host.peerStore().peerRecord(peer).map(Envelope::marshal).orElse(new byte[0]);
    }

    /** This node's record over its current addresses, sealed again only when they change. */
    private byte[] ownRecord() {
        List<Multiaddr> addrs = host.addresses();
        if (addrs.isEmpty()) {
            return new byte[0];
        }
        lock.lock();
        try {
            if (!addrs.equals(ownAddresses)) {
                own = new PeerRecord(host.peerId(), PeerRecord.nextSeq(), addrs).seal(host.identity()).marshal();
                ownAddresses = addrs;
            }
            return own;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Learns a received entry: verifies its record, stores what is believed in the peerstore with
     * {@code ttl}, and returns the addresses to use for the peer (certified ones when a valid record
     * is known, else the entry's own list).
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
        PeerStore ps = host.peerStore();
        if (entry.hasSignedRecord()) {
            Optional<List<Multiaddr>> certified = certified(entry, ttl);
            if (certified.isPresent() && !certified.get().isEmpty()) {
                return certified.get();
            }
        }
        if (!entry.addresses().isEmpty()) {
            ps.addAddresses(peer, entry.addresses(), ttl);
        }
        return entry.addresses();
    }

    /** The addresses of the newest valid record known after taking in the entry's, if any. */
    private Optional<List<Multiaddr>> certified(KadPeer entry, Duration ttl) {
        PeerId peer = entry.peerId();
        PeerStore ps = host.peerStore();
        byte[] bytes = entry.signedRecord();
        Optional<Envelope> held = ps.peerRecord(peer);
        if (held.isEmpty() || !Arrays.equals(held.get().marshal(), bytes)) {
            Envelope envelope;
            try {
                envelope = Envelope.open(bytes, PeerRecord.DOMAIN);
                if (!PeerRecord.fromEnvelope(envelope).peerId().equals(peer)) {
                    return Optional.empty();
                }
            } catch (DecodeException e) {
                // not signed by the peer, or not a peer record: the plain addresses are all there is
                return Optional.empty();
            }
            if (host.network().connection(peer).isEmpty()) {
                ps.consumePeerRecord(envelope, ttl);
            }
            held = ps.peerRecord(peer);
            if (held.isEmpty()) {
                // connected and identify sent none: the verified record's addresses are still certified
                return Optional.of(PeerRecord.fromEnvelope(envelope).addresses());
            }
        }
        return Optional.of(PeerRecord.fromEnvelope(held.get()).addresses());
    }
}
