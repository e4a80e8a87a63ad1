package io.p2pkit.kad.wire;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A peer entry of a DHT message: a peer ID, its addresses, the sender's connection state and,
 * optionally, the peer's signed peer record.
 *
 * <p>The record is field 4 of {@code Message.Peer} ({@code signedRecord}, a marshalled
 * {@code Envelope} holding a {@code PeerRecord}), as py-libp2p writes it; go and js neither send
 * nor read it, and skip it as an unknown field. It is carried as bytes: whoever uses the entry
 * verifies it (an entry is cheap to pass along, a signature check is not).
 *
 * @param peerId       the peer
 * @param addresses    its addresses (entries that did not decode were dropped)
 * @param connection   what the sender knows of its connection to the peer
 * @param signedRecord the marshalled envelope of the peer's signed peer record, empty when absent
 */
public record KadPeer(PeerId peerId, List<Multiaddr> addresses, ConnectionType connection, byte[] signedRecord) {
    /** Most bytes of a signed record kept in an entry; a larger one is dropped on decoding. */
    public static final int MAX_RECORD_BYTES = 8 * 1024;

    /** Copies the address list and the record. */
    public KadPeer {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(connection, "connection");
        addresses = List.copyOf(addresses);
        signedRecord = signedRecord.clone();
    }

    /** An entry without a signed record. */
    public KadPeer(PeerId peerId, List<Multiaddr> addresses, ConnectionType connection) {
        this(peerId, addresses, connection, new byte[0]);
    }

    /** An entry with {@link ConnectionType#NOT_CONNECTED} and no signed record. */
    public KadPeer(PeerId peerId, List<Multiaddr> addresses) {
        this(peerId, addresses, ConnectionType.NOT_CONNECTED);
    }

    /** The marshalled signed peer record (a copy); empty when the entry has none. */
    @Override
    public byte[] signedRecord() {
        return signedRecord.clone();
    }

    /** Whether the entry carries a signed peer record. */
    public boolean hasSignedRecord() {
        return signedRecord.length > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadPeer p && peerId.equals(p.peerId) && addresses.equals(p.addresses)
                && connection == p.connection && Arrays.equals(signedRecord, p.signedRecord);
    }

    @Override
    public int hashCode() {
        return Objects.hash(peerId, addresses, connection, Arrays.hashCode(signedRecord));
    }

    @Override
    public String toString() {
        return "KadPeer[" + peerId + " " + addresses + " " + connection
                + (signedRecord.length > 0 ? " signedRecord=" + signedRecord.length + "B" : "") + "]";
    }
}
