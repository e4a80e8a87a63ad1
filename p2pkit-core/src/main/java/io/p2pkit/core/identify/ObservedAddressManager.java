package io.p2pkit.core.identify;

import io.p2pkit.core.multiaddr.Component;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Our own addresses as other peers observe them (identify's {@code observedAddr}), believed only
 * once enough distinct observers agree, as go-libp2p's observed-address manager does:
 *
 * <ul>
 *   <li>An observation counts only when the connection's local address is one of our listen
 *       addresses (after the unspecified IP is expanded) and the observed address has the same
 *       transport (same "thin waist": {@code /ip4|ip6} then {@code /tcp|udp}). Loopback,
 *       relayed and non-IP observations are ignored.</li>
 *   <li>Observers are grouped as go groups them: one per IPv4 address, one per IPv6 /56, so
 *       that one host with many connections or addresses counts once.</li>
 *   <li>An observed address is <em>activated</em> once {@link #ACTIVATION_THRESHOLD} observer
 *       groups report it for the same local address; at most {@link #MAX_PER_LOCAL_ADDRESS} of the
 *       most observed are kept per local address. Activated ones are mapped onto every listen
 *       address sharing the local thin waist (so {@code /ws} or {@code /quic-v1/webtransport}
 *       suffixes carry over) and advertised by the host.</li>
 *   <li>A connection's observation holds while the connection is open and for {@link #TTL} after
 *       it closes (go's {@code OwnObservedAddrTTL}); a new observation on the same connection
 *       replaces the old one.</li>
 * </ul>
 *
 * Bounded: at most {@link #MAX_OBSERVATIONS} observations are kept (the oldest closed ones go
 * first, then the oldest). Safe for concurrent use.
 */
public final class ObservedAddressManager {
    /** Observer groups needed before an observed address is believed (go's {@code ActivationThresh}). */
    public static final int ACTIVATION_THRESHOLD = 4;
    /** Most activated observed addresses per local address (go's {@code maxExternalThinWaistAddrsPerLocalAddr}). */
    public static final int MAX_PER_LOCAL_ADDRESS = 3;
    /** How long an observation outlives its connection. */
    public static final Duration TTL = Duration.ofMinutes(30);
    /** Most observations kept. */
    public static final int MAX_OBSERVATIONS = 1024;

    /** One connection's latest observation. */
    private record Observation(String localWaist, Multiaddr observedWaist, String observer, long closedAtNanos) {
        boolean live(long now, long ttlNanos) {
            return closedAtNanos == OPEN || now - closedAtNanos < ttlNanos;
        }

        Observation closed(long now) {
            return new Observation(localWaist, observedWaist, observer, now);
        }
    }

    private static final long OPEN = Long.MIN_VALUE;

    private final Supplier<List<Multiaddr>> localAddresses;
    private final LongSupplier nanoClock;
    private final Runnable onChange;
    private final long ttlNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** By connection ID, in insertion order (the eviction order). */
    private final LinkedHashMap<Long, Observation> observations = new LinkedHashMap<>();
    private List<Multiaddr> lastActivated = List.of();

    /**
     * @param localAddresses our listen addresses, unspecified IPs expanded ({@code Host::localAddresses})
     * @param nanoClock      the clock, in nanoseconds
     * @param onChange       run (outside any lock) when the activated addresses change
     */
    ObservedAddressManager(Supplier<List<Multiaddr>> localAddresses, LongSupplier nanoClock, Runnable onChange) {
        this(localAddresses, nanoClock, onChange, TTL);
    }

    ObservedAddressManager(Supplier<List<Multiaddr>> localAddresses, LongSupplier nanoClock, Runnable onChange,
                           Duration ttl) {
        this.localAddresses = localAddresses;
        this.nanoClock = nanoClock;
        this.onChange = onChange;
        this.ttlNanos = ttl.toNanos();
    }

    /** Records that the peer on {@code connection} sees us at {@code observed}. */
    public void record(Connection connection, Multiaddr observed) {
        if (connection.isClosed()) {
            return; // its observation (if any) is already aging
        }
        record(connection.id(), connection.localAddress(), connection.remoteAddress(), observed);
    }

    void record(long connectionId, Multiaddr local, Multiaddr remote, Multiaddr observed) {
        Optional<Multiaddr> observedWaist = thinWaist(observed).map(Waist::waist);
        Optional<Waist> localWaist = thinWaist(local);
        Optional<String> observer = observerGroup(remote);
        if (observedWaist.isEmpty() || localWaist.isEmpty() || observer.isEmpty() || isLoopback(observed)
                || observed.hasProtocol(Protocol.P2P_CIRCUIT)
                || !sameTransport(localWaist.get().waist(), observedWaist.get())) {
            return;
        }
        String localKey = localWaist.get().waist().toString();
        boolean listening = localAddresses.get().stream().map(ObservedAddressManager::thinWaist)
                .flatMap(Optional::stream).anyMatch(w -> w.waist().toString().equals(localKey));
        if (!listening) {
            return; // an outbound connection from an ephemeral port: nobody can dial that back
        }
        Observation o = new Observation(localKey, observedWaist.get(), observer.get(), OPEN);
        lock.lock();
        try {
            observations.remove(connectionId); // re-inserted last: the newest is evicted last
            observations.put(connectionId, o);
            evictIfFull();
        } finally {
            lock.unlock();
        }
        checkChanged();
    }

    /** The connection closed: its observation now ages out. */
    public void connectionClosed(Connection connection) {
        connectionClosed(connection.id());
    }

    void connectionClosed(long connectionId) {
        lock.lock();
        try {
            Observation o = observations.get(connectionId);
            if (o != null && o.closedAtNanos() == OPEN) {
                observations.put(connectionId, o.closed(nanoClock.getAsLong()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops observations past their time and reports a change of the activated addresses; run periodically. */
    public void expire() {
        checkChanged();
    }

    /**
     * Activated observed addresses mapped onto our listen addresses, most observed first: the
     * addresses the host advertises beyond its local ones.
     */
    public List<Multiaddr> addresses() {
        Map<String, List<Multiaddr>> activated = activatedByLocalWaist();
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr listen : localAddresses.get()) {
            Optional<Waist> w = thinWaist(listen);
            if (w.isEmpty()) {
                continue;
            }
            for (Multiaddr observed : activated.getOrDefault(w.get().waist().toString(), List.of())) {
                Multiaddr a = w.get().rest().isEmpty() ? observed : observed.encapsulate(w.get().rest());
                if (!out.contains(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /**
     * How many distinct observer groups currently report {@code observed} (its thin waist), for any
     * local address; whether or not that is enough to activate it.
     */
    public int observers(Multiaddr observed) {
        Optional<Waist> w = thinWaist(observed);
        if (w.isEmpty()) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        lock.lock();
        try {
            Set<String> who = new HashSet<>();
            for (Observation o : observations.values()) {
                if (o.live(now, ttlNanos) && o.observedWaist().equals(w.get().waist())) {
                    who.add(o.observer());
                }
            }
            return who.size();
        } finally {
            lock.unlock();
        }
    }

    /** Local thin waist → its activated observed thin waists, most observed first; drops expired observations. */
    private Map<String, List<Multiaddr>> activatedByLocalWaist() {
        long now = nanoClock.getAsLong();
        Map<String, Map<Multiaddr, Set<String>>> counts = new LinkedHashMap<>();
        lock.lock();
        try {
            observations.values().removeIf(o -> !o.live(now, ttlNanos));
            for (Observation o : observations.values()) {
                counts.computeIfAbsent(o.localWaist(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(o.observedWaist(), k -> new HashSet<>()).add(o.observer());
            }
        } finally {
            lock.unlock();
        }
        Map<String, List<Multiaddr>> out = new LinkedHashMap<>();
        counts.forEach((local, byObserved) -> {
            List<Multiaddr> top = byObserved.entrySet().stream()
                    .filter(e -> e.getValue().size() >= ACTIVATION_THRESHOLD)
                    // most observers first; ties broken by the address so the order is stable
                    .sorted(Comparator.<Map.Entry<Multiaddr, Set<String>>>comparingInt(e -> -e.getValue().size())
                            .thenComparing(e -> e.getKey().toString()))
                    .limit(MAX_PER_LOCAL_ADDRESS).map(Map.Entry::getKey).toList();
            if (!top.isEmpty()) {
                out.put(local, top);
            }
        });
        return out;
    }

    private void checkChanged() {
        List<Multiaddr> now = addresses();
        boolean changed;
        lock.lock();
        try {
            changed = !now.equals(lastActivated);
            lastActivated = now;
        } finally {
            lock.unlock();
        }
        if (changed) {
            onChange.run();
        }
    }

    private void evictIfFull() {
        if (observations.size() <= MAX_OBSERVATIONS) {
            return;
        }
        Long victim = observations.entrySet().stream().filter(e -> e.getValue().closedAtNanos() != OPEN)
                .map(Map.Entry::getKey).findFirst().orElse(observations.keySet().iterator().next());
        observations.remove(victim);
    }

    /** An address split after its IP and TCP/UDP port: {@code /ip4/1.2.3.4/udp/1} and {@code /quic-v1}. */
    private record Waist(Multiaddr waist, String rest) {
    }

    private static Optional<Waist> thinWaist(Multiaddr a) {
        List<Component> c = a.components();
        if (c.size() < 2 || (c.get(0).protocol() != Protocol.IP4 && c.get(0).protocol() != Protocol.IP6)
                || (c.get(1).protocol() != Protocol.TCP && c.get(1).protocol() != Protocol.UDP)) {
            return Optional.empty();
        }
        String waist = c.get(0).toString() + c.get(1);
        return Optional.of(new Waist(Multiaddr.parse(waist), a.toString().substring(waist.length())));
    }

    private static boolean sameTransport(Multiaddr a, Multiaddr b) {
        return a.protocols().equals(b.protocols());
    }

    private static boolean isLoopback(Multiaddr a) {
        return a.toSocketAddress().map(s -> s.getAddress().isLoopbackAddress()).orElse(false);
    }

    /** The observer's group: its IPv4 address, or the /56 prefix of its IPv6 address. */
    private static Optional<String> observerGroup(Multiaddr remote) {
        Optional<InetAddress> ip = remote.toSocketAddress().map(java.net.InetSocketAddress::getAddress);
        if (ip.isEmpty()) {
            return Optional.empty();
        }
        if (ip.get() instanceof Inet4Address) {
            return Optional.of(ip.get().getHostAddress());
        }
        byte[] prefix = Arrays.copyOf(ip.get().getAddress(), 7); // 56 bits
        return Optional.of("ip6/" + java.util.HexFormat.of().formatHex(prefix));
    }
}
