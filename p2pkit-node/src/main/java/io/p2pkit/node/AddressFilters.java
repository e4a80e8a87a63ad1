package io.p2pkit.node;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.FilterGater;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The networks a node neither dials nor accepts connections from: Kubo's {@code Swarm.AddrFilters}
 * and {@code ipfs swarm filters}. Each filter is a go-multiaddr mask,
 * {@code /ip4/192.168.0.0/ipcidr/16} or {@code /ip6/fe80::/ipcidr/10}; the node's connection gater
 * refuses an address in one when dialing it, and a connection from one when it arrives (and again
 * once secured), as Kubo's filters do. Connections made before a filter was added stay open.
 * Filters can change while the node runs; they are kept in the order they were added, each once.
 *
 * <pre>{@code
 * node.addressFilters().add("/ip4/10.0.0.0/ipcidr/8");
 * node.addressFilters().list();   // [/ip4/10.0.0.0/ipcidr/8]
 * }</pre>
 */
public final class AddressFilters {
    /** The most filters kept: each is checked for every address dialed and connection accepted. */
    public static final int MAX_FILTERS = 4096;

    private record Filter(String text, IpNetwork network) {
    }

    private final FilterGater gater;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Filter> filters = new ArrayList<>();

    AddressFilters(FilterGater gater) {
        this.gater = gater;
    }

    /**
     * A mask in go-multiaddr's canonical form ({@code /ip4/10.1.0.0/ipcidr/8} is
     * {@code /ip4/10.0.0.0/ipcidr/8}), as Kubo's {@code swarm filters} lists it.
     *
     * @param mask {@code /ip4|ip6/<ip>/ipcidr/<bits>}
     * @return its canonical text
     * @throws IllegalArgumentException with Kubo's message when it is not a mask
     */
    public static String canonical(String mask) {
        return parse(mask).text();
    }

    private static Filter parse(String mask) {
        String[] parts = mask.split("/", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !(parts[1].equals("ip4") || parts[1].equals("ip6"))
                || !parts[3].equals("ipcidr")) {
            throw new IllegalArgumentException("invalid multiaddr-filter format");
        }
        IpNetwork network;
        try {
            network = IpNetwork.parse(parts[2] + "/" + parts[4]);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + parts[2] + "/" + parts[4]);
        }
        // the network's family decides the prefix, as go's ConvertIPNet does, not the mask's label
        String cidr = network.toString();
        int slash = cidr.lastIndexOf('/');
        String ip = cidr.substring(0, slash);
        String family = ip.contains(":") ? "ip6" : "ip4";
        return new Filter(Multiaddr.parse("/" + family + "/" + ip + "/ipcidr/" + cidr.substring(slash + 1)).toString(),
                network);
    }

    /**
     * Adds a filter (nothing when it is already there).
     *
     * @throws IllegalArgumentException with Kubo's message when {@code mask} is not a mask, or when
     *                                  {@link #MAX_FILTERS} are kept already
     */
    public void add(String mask) {
        Filter f = parse(mask);
        lock.lock();
        try {
            if (filters.stream().anyMatch(x -> x.network().equals(f.network()))) {
                return;
            }
            if (filters.size() >= MAX_FILTERS) {
                throw new IllegalArgumentException("too many address filters: at most " + MAX_FILTERS);
            }
            filters.add(f);
            gater.denyNetwork(f.network());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the filter of the network {@code mask} names.
     *
     * @return whether there was one
     * @throws IllegalArgumentException with Kubo's message when {@code mask} is not a mask
     */
    public boolean remove(String mask) {
        Filter f = parse(mask);
        lock.lock();
        try {
            boolean removed = filters.removeIf(x -> x.network().equals(f.network()));
            gater.undenyNetwork(f.network());
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Removes every filter. */
    public void clear() {
        lock.lock();
        try {
            filters.forEach(f -> gater.undenyNetwork(f.network()));
            filters.clear();
        } finally {
            lock.unlock();
        }
    }

    /** @return the filters, canonical, in the order they were added */
    public List<String> list() {
        lock.lock();
        try {
            return filters.stream().map(Filter::text).toList();
        } finally {
            lock.unlock();
        }
    }
}
