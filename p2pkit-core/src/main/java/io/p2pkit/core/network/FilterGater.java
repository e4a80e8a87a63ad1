package io.p2pkit.core.network;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in {@link ConnectionGater}: deny and allow lists of peer IDs and IP networks, which
 * can change while the node runs. A denied peer or network is always refused. When an allow list
 * of peers (or of networks) is not empty, only what it names is accepted: peers are checked at
 * peer dial and once secured, networks at address dial and accept. Addresses without an IP (DNS,
 * relayed) pass the network lists.
 */
public final class FilterGater implements ConnectionGater {
    private final Set<PeerId> deniedPeers = ConcurrentHashMap.newKeySet();
    private final Set<PeerId> allowedPeers = ConcurrentHashMap.newKeySet();
    private final Set<IpNetwork> deniedNetworks = ConcurrentHashMap.newKeySet();
    private final Set<IpNetwork> allowedNetworks = ConcurrentHashMap.newKeySet();

    /** A gater that allows everything until rules are added. */
    public FilterGater() {
    }

    /** Refuses {@code peer} from now on. */
    public FilterGater denyPeer(PeerId peer) {
        deniedPeers.add(peer);
        return this;
    }

    /** Removes {@code peer} from the deny list. */
    public FilterGater undenyPeer(PeerId peer) {
        deniedPeers.remove(peer);
        return this;
    }

    /** Adds {@code peer} to the allow list (which, once not empty, admits only its peers). */
    public FilterGater allowPeer(PeerId peer) {
        allowedPeers.add(peer);
        return this;
    }

    /** Removes {@code peer} from the allow list. */
    public FilterGater disallowPeer(PeerId peer) {
        allowedPeers.remove(peer);
        return this;
    }

    /** Refuses addresses in {@code network}. */
    public FilterGater denyNetwork(IpNetwork network) {
        deniedNetworks.add(network);
        return this;
    }

    /** Removes {@code network} from the deny list. */
    public FilterGater undenyNetwork(IpNetwork network) {
        deniedNetworks.remove(network);
        return this;
    }

    /** Adds {@code network} to the allow list (which, once not empty, admits only its addresses). */
    public FilterGater allowNetwork(IpNetwork network) {
        allowedNetworks.add(network);
        return this;
    }

    /** Removes {@code network} from the allow list. */
    public FilterGater disallowNetwork(IpNetwork network) {
        allowedNetworks.remove(network);
        return this;
    }

    /** Whether {@code peer} passes the peer lists. */
    public boolean admitsPeer(PeerId peer) {
        return !deniedPeers.contains(peer) && (allowedPeers.isEmpty() || allowedPeers.contains(peer));
    }

    /** Whether {@code address} passes the network lists. */
    public boolean admitsAddress(Multiaddr address) {
        Optional<InetSocketAddress> s = address.toSocketAddress();
        if (s.isEmpty()) {
            return true;
        }
        var ip = s.get().getAddress();
        if (deniedNetworks.stream().anyMatch(n -> n.contains(ip))) {
            return false;
        }
        return allowedNetworks.isEmpty() || allowedNetworks.stream().anyMatch(n -> n.contains(ip));
    }

    @Override
    public boolean interceptPeerDial(PeerId peer) {
        return admitsPeer(peer);
    }

    @Override
    public boolean interceptAddrDial(PeerId peer, Multiaddr address) {
        return admitsAddress(address);
    }

    @Override
    public boolean interceptAccept(Multiaddr local, Multiaddr remote) {
        return admitsAddress(remote);
    }

    @Override
    public boolean interceptSecured(Direction direction, PeerId peer, Multiaddr local, Multiaddr remote) {
        return admitsPeer(peer);
    }

    @Override
    public String toString() {
        return "FilterGater[deniedPeers=" + deniedPeers.size() + ", allowedPeers=" + allowedPeers.size()
                + ", deniedNetworks=" + deniedNetworks + ", allowedNetworks=" + allowedNetworks + "]";
    }
}
