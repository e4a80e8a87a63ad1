package io.p2pkit.core.resource;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Peers and networks whose connections may use the separate allow-listed system and transient
 * limits when the normal ones are full, as in go-libp2p, so that an operator's own peers still get
 * in while the node is flooded. An entry is a network, optionally bound to one peer ID (the
 * connection must then turn out to be that peer), or a peer ID alone (which, since the peer of an
 * inbound connection is unknown before the handshake, applies to outbound dials of that peer).
 * Immutable.
 */
public final class AllowList {
    private static final AllowList EMPTY = new AllowList(List.of(), Set.of());

    /** A network, optionally bound to a peer. */
    public record Entry(IpNetwork network, PeerId peer) {
        public Entry {
            Objects.requireNonNull(network, "network");
        }
    }

    private final List<Entry> networks;
    private final Set<PeerId> peers;

    private AllowList(List<Entry> networks, Set<PeerId> peers) {
        this.networks = List.copyOf(networks);
        this.peers = Set.copyOf(peers);
    }

    /** Allows nothing. */
    public static AllowList empty() {
        return EMPTY;
    }

    /** An allow-list of these network entries and peers. */
    public static AllowList of(List<Entry> networks, Set<PeerId> peers) {
        return new AllowList(networks, peers);
    }

    /** A copy with {@code network} added (any peer). */
    public AllowList withNetwork(IpNetwork network) {
        List<Entry> n = new ArrayList<>(networks);
        n.add(new Entry(network, null));
        return new AllowList(n, peers);
    }

    /** A copy with {@code network} added for {@code peer} only. */
    public AllowList withNetwork(IpNetwork network, PeerId peer) {
        List<Entry> n = new ArrayList<>(networks);
        n.add(new Entry(network, Objects.requireNonNull(peer)));
        return new AllowList(n, peers);
    }

    /** A copy with {@code peer} added. */
    public AllowList withPeer(PeerId peer) {
        java.util.HashSet<PeerId> p = new java.util.HashSet<>(peers);
        p.add(peer);
        return new AllowList(networks, p);
    }

    /** Whether a connection from or to {@code address} may use the allow-listed scopes (peer still unknown). */
    public boolean allowsAddress(Multiaddr address) {
        return address != null && networks.stream().anyMatch(e -> e.network().contains(address));
    }

    /** Whether the connection with {@code address}, now known to be {@code peer}, may stay allow-listed. */
    public boolean allows(Multiaddr address, PeerId peer) {
        if (peers.contains(peer)) {
            return true;
        }
        return address != null && networks.stream()
                .anyMatch(e -> e.network().contains(address) && (e.peer() == null || e.peer().equals(peer)));
    }

    /** Whether {@code peer} is listed by ID. */
    public boolean allowsPeer(PeerId peer) {
        return peers.contains(peer);
    }

    /** Whether nothing is listed. */
    public boolean isEmpty() {
        return networks.isEmpty() && peers.isEmpty();
    }

    /** The network entries. */
    public List<Entry> networks() {
        return networks;
    }

    /** The peers listed by ID. */
    public Set<PeerId> peers() {
        return peers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllowList a && a.networks.equals(networks) && a.peers.equals(peers);
    }

    @Override
    public int hashCode() {
        return networks.hashCode() * 31 + peers.hashCode();
    }

    @Override
    public String toString() {
        return "AllowList[networks=" + networks + ", peers=" + peers + "]";
    }
}
