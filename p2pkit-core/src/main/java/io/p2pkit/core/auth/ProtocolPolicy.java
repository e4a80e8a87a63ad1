package io.p2pkit.core.auth;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use one protocol: allow and deny rules by peer ID, by network (CIDR) of the remote
 * address and by connection-manager tag, a default for peers no rule names, and whether the peer
 * must also prove a trusted key with {@value PeerAuthorization#PROTOCOL}. A deny rule always wins
 * over an allow rule. Immutable: each method returns a new policy.
 *
 * <pre>{@code
 * ProtocolPolicy.denyByDefault().allowNetwork("10.0.0.0/8").allowTag("trusted").denyPeer(mallory).requireAuth()
 * }</pre>
 *
 * <p>Addresses without an IP (relayed ones) match no network rule.
 */
public final class ProtocolPolicy {
    private final boolean allowByDefault;
    private final boolean requireAuth;
    private final Set<PeerId> allowedPeers;
    private final Set<PeerId> deniedPeers;
    private final List<IpNetwork> allowedNetworks;
    private final List<IpNetwork> deniedNetworks;
    private final Set<String> allowedTags;
    private final Set<String> deniedTags;

    private ProtocolPolicy(boolean allowByDefault, boolean requireAuth, Set<PeerId> allowedPeers, Set<PeerId> deniedPeers,
                           List<IpNetwork> allowedNetworks, List<IpNetwork> deniedNetworks, Set<String> allowedTags,
                           Set<String> deniedTags) {
        this.allowByDefault = allowByDefault;
        this.requireAuth = requireAuth;
        this.allowedPeers = Set.copyOf(allowedPeers);
        this.deniedPeers = Set.copyOf(deniedPeers);
        this.allowedNetworks = List.copyOf(allowedNetworks);
        this.deniedNetworks = List.copyOf(deniedNetworks);
        this.allowedTags = Set.copyOf(allowedTags);
        this.deniedTags = Set.copyOf(deniedTags);
    }

    /** Every peer no deny rule names may use the protocol. */
    public static ProtocolPolicy allowByDefault() {
        return new ProtocolPolicy(true, false, Set.of(), Set.of(), List.of(), List.of(), Set.of(), Set.of());
    }

    /** Only peers an allow rule names (and no deny rule) may use the protocol. */
    public static ProtocolPolicy denyByDefault() {
        return new ProtocolPolicy(false, false, Set.of(), Set.of(), List.of(), List.of(), Set.of(), Set.of());
    }

    /** Also allows {@code peer}. */
    public ProtocolPolicy allowPeer(PeerId peer) {
        return new ProtocolPolicy(allowByDefault, requireAuth, plus(allowedPeers, peer), deniedPeers, allowedNetworks,
                deniedNetworks, allowedTags, deniedTags);
    }

    /** Denies {@code peer}, whatever else allows it. */
    public ProtocolPolicy denyPeer(PeerId peer) {
        return new ProtocolPolicy(allowByDefault, requireAuth, allowedPeers, plus(deniedPeers, peer), allowedNetworks,
                deniedNetworks, allowedTags, deniedTags);
    }

    /** Also allows remote addresses in {@code cidr} (for example {@code 10.0.0.0/8} or {@code fd00::/8}). */
    public ProtocolPolicy allowNetwork(String cidr) {
        return new ProtocolPolicy(allowByDefault, requireAuth, allowedPeers, deniedPeers,
                plus(allowedNetworks, IpNetwork.parse(cidr)), deniedNetworks, allowedTags, deniedTags);
    }

    /** Denies remote addresses in {@code cidr}, whatever else allows them. */
    public ProtocolPolicy denyNetwork(String cidr) {
        return new ProtocolPolicy(allowByDefault, requireAuth, allowedPeers, deniedPeers, allowedNetworks,
                plus(deniedNetworks, IpNetwork.parse(cidr)), allowedTags, deniedTags);
    }

    /** Also allows peers carrying the connection-manager tag {@code tag}. */
    public ProtocolPolicy allowTag(String tag) {
        return new ProtocolPolicy(allowByDefault, requireAuth, allowedPeers, deniedPeers, allowedNetworks,
                deniedNetworks, plus(allowedTags, tag), deniedTags);
    }

    /** Denies peers carrying the connection-manager tag {@code tag}, whatever else allows them. */
    public ProtocolPolicy denyTag(String tag) {
        return new ProtocolPolicy(allowByDefault, requireAuth, allowedPeers, deniedPeers, allowedNetworks,
                deniedNetworks, allowedTags, plus(deniedTags, tag));
    }

    /** Peers the rules let through must also prove a trusted key before the handler runs. */
    public ProtocolPolicy requireAuth() {
        return new ProtocolPolicy(allowByDefault, true, allowedPeers, deniedPeers, allowedNetworks, deniedNetworks,
                allowedTags, deniedTags);
    }

    /** Whether peers must prove a trusted key. */
    public boolean requiresAuth() {
        return requireAuth;
    }

    /**
     * Why the rules refuse {@code peer} at {@code remote} with {@code tags}, or empty when they
     * let it through (a required proof of key comes on top).
     */
    public Optional<String> refusal(PeerId peer, Multiaddr remote, Set<String> tags) {
        InetAddress ip = remote.toSocketAddress().map(a -> a.getAddress()).orElse(null);
        if (deniedPeers.contains(peer)) {
            return Optional.of("the peer is denied");
        }
        for (IpNetwork n : deniedNetworks) {
            if (ip != null && n.contains(ip)) {
                return Optional.of("its address " + remote + " is in the denied network " + n);
            }
        }
        for (String t : tags) {
            if (deniedTags.contains(t)) {
                return Optional.of("it carries the denied tag " + t);
            }
        }
        if (allowByDefault || allowedPeers.contains(peer)
                || (ip != null && allowedNetworks.stream().anyMatch(n -> n.contains(ip)))
                || tags.stream().anyMatch(allowedTags::contains)) {
            return Optional.empty();
        }
        return Optional.of("no allow rule matches it (address " + remote + ") and the default is deny");
    }

    private static <T> Set<T> plus(Set<T> set, T item) {
        Set<T> out = new HashSet<>(set);
        out.add(java.util.Objects.requireNonNull(item));
        return out;
    }

    private static <T> List<T> plus(List<T> list, T item) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(item)).toList();
    }

    @Override
    public String toString() {
        return "ProtocolPolicy[default=" + (allowByDefault ? "allow" : "deny") + ", auth=" + requireAuth
                + ", allow=" + allowedPeers.size() + " peers " + allowedNetworks + " " + allowedTags
                + ", deny=" + deniedPeers.size() + " peers " + deniedNetworks + " " + deniedTags + "]";
    }
}
