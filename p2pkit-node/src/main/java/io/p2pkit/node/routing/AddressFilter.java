package io.p2pkit.node.routing;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * IPIP-484's {@code filter-addrs} and {@code filter-protocols}: which peers and addresses a
 * routing answer keeps. Names compare without case; {@code !name} excludes; {@code unknown}
 * keeps peers of which nothing is known.
 */
final class AddressFilter {
    /** The most names one filter takes; a longer list is a client error. */
    static final int MAX_NAMES = 64;

    private final List<String> addrsWanted = new ArrayList<>();
    private final List<String> addrsRefused = new ArrayList<>();
    private final List<String> protocolsWanted = new ArrayList<>();
    private final boolean addrsGiven;

    private AddressFilter(String addrs, String protocols) {
        this.addrsGiven = addrs != null && !addrs.isEmpty();
        for (String name : split(addrs)) {
            if (name.startsWith("!")) {
                addrsRefused.add(name.substring(1));
            } else {
                addrsWanted.add(name);
            }
        }
        protocolsWanted.addAll(split(protocols));
    }

    /**
     * The filter of a request's two parameters (either may be null).
     *
     * @throws IllegalArgumentException when a list is too long or a name too long
     */
    static AddressFilter of(String filterAddrs, String filterProtocols) {
        return new AddressFilter(filterAddrs, filterProtocols);
    }

    private static List<String> split(String list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : list.split(",")) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.length() > 63) {
                throw new IllegalArgumentException("a filter name is longer than 63 characters: " + n);
            }
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        if (names.size() > MAX_NAMES) {
            throw new IllegalArgumentException("more than " + MAX_NAMES + " filter names");
        }
        return names;
    }

    /** The peer as it should be answered, or empty when the filters drop it. */
    Optional<PeerRecord> apply(PeerRecord peer) {
        if (!protocolsWanted.isEmpty()) {
            boolean unknown = peer.protocols().isEmpty() && protocolsWanted.contains("unknown");
            boolean match = peer.protocols().stream().anyMatch(p -> protocolsWanted.contains(p.toLowerCase(Locale.ROOT)));
            if (!unknown && !match) {
                return Optional.empty();
            }
        }
        if (!addrsGiven) {
            return Optional.of(peer);
        }
        if (peer.addrs().isEmpty()) {
            return addrsWanted.contains("unknown") ? Optional.of(peer) : Optional.empty();
        }
        List<Multiaddr> kept = peer.addrs().stream().filter(this::keeps).toList();
        return kept.isEmpty() ? Optional.empty() : Optional.of(peer.withAddrs(kept));
    }

    private boolean keeps(Multiaddr addr) {
        Set<String> names = new java.util.HashSet<>();
        for (Protocol p : addr.protocols()) {
            names.add(p.name().toLowerCase(Locale.ROOT));
        }
        if (addrsRefused.stream().anyMatch(names::contains)) {
            return false;
        }
        return addrsWanted.isEmpty() || addrsWanted.stream().anyMatch(names::contains);
    }
}
