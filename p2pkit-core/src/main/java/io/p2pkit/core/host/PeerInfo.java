package io.p2pkit.core.host;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.List;

/** A peer and the addresses to reach it at. */
public record PeerInfo(PeerId peerId, List<Multiaddr> addresses) {
    public PeerInfo {
        addresses = List.copyOf(addresses);
    }

    /**
     * The peer a multiaddr ending in {@code /p2p/<id>} names, with that address.
     *
     * @throws DecodeException if the address does not end in {@code /p2p/<id>}
     */
    public static PeerInfo fromMultiaddr(Multiaddr address) {
        PeerId id = address.peerId().orElseThrow(
                () -> new DecodeException("multiaddr", "address " + address + " does not end in /p2p/<peer ID>"));
        Multiaddr bare = address.withoutPeerId();
        return new PeerInfo(id, bare.isEmpty() ? List.of() : List.of(bare));
    }

    /** Parses a multiaddr ending in {@code /p2p/<id>}. */
    public static PeerInfo parse(String multiaddr) {
        return fromMultiaddr(Multiaddr.parse(multiaddr));
    }
}
