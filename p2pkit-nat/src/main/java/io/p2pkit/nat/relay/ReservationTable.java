package io.p2pkit.nat.relay;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.MemoryScope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The relay's state, owned here behind one lock: the reservations (one per peer, with the IP and
 * the ASN it came from, its expiry and where its memory is charged) and the count of relayed connections per
 * peer. Expired reservations are dropped whenever the table is asked, and by {@link #expire}.
 */
final class ReservationTable {
    /** What a reservation is charged in its connection's resource scope: its share of the relay's bookkeeping. */
    static final long RESERVATION_BYTES = 512;

    /** {@code asn} 0: unknown, counted under no ASN. */
    private record Entry(Instant expires, String ip, long asn, MemoryScope memory) {
    }

    private final RelayConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Entry> reservations = new HashMap<>();
    private final Map<PeerId, Integer> circuits = new HashMap<>();

    ReservationTable(RelayConfig config) {
        this.config = config;
    }

    /**
     * Reserves (or renews) a slot for {@code peer} until {@code expires}, charging it to
     * {@code memory}; a renewal replaces the previous reservation and its charge. {@code asn} is
     * the autonomous system of {@code ip}, 0 when unknown (then no per-ASN limit applies, as in go).
     *
     * @return why not, if refused
     */
    Optional<String> reserve(PeerId peer, String ip, long asn, Instant now, Instant expires, MemoryScope memory) {
        lock.lock();
        try {
            dropExpired(now);
            Entry previous = reservations.remove(peer);
            if (previous != null) {
                previous.memory().releaseMemory(RESERVATION_BYTES);
            }
            if (reservations.size() >= config.maxReservations()) {
                return Optional.of("too many reservations (" + config.maxReservations() + ")");
            }
            long fromIp = reservations.values().stream().filter(e -> e.ip().equals(ip)).count();
            if (fromIp >= config.maxReservationsPerIp()) {
                return Optional.of("too many reservations from " + ip + " (" + config.maxReservationsPerIp() + ")");
            }
            long fromAsn = asn == 0 ? 0 : reservations.values().stream().filter(e -> e.asn() == asn).count();
            if (fromAsn >= config.maxReservationsPerAsn()) {
                return Optional.of("too many reservations from AS" + asn + " (" + config.maxReservationsPerAsn() + ")");
            }
            try {
                memory.reserveMemory(RESERVATION_BYTES, io.p2pkit.core.resource.MemoryPriority.HIGH);
            } catch (io.p2pkit.core.resource.ResourceLimitException e) {
                return Optional.of("resource limit: " + e.getMessage());
            }
            reservations.put(peer, new Entry(expires, ip, asn, memory));
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code peer} holds a reservation that has not expired. */
    boolean has(PeerId peer, Instant now) {
        lock.lock();
        try {
            dropExpired(now);
            return reservations.containsKey(peer);
        } finally {
            lock.unlock();
        }
    }

    /** Drops {@code peer}'s reservation (it disconnected); whether it had one. */
    boolean drop(PeerId peer) {
        lock.lock();
        try {
            Entry e = reservations.remove(peer);
            if (e != null) {
                e.memory().releaseMemory(RESERVATION_BYTES);
            }
            return e != null;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every reservation expired at {@code now} and returns their peers. */
    List<PeerId> expire(Instant now) {
        lock.lock();
        try {
            return dropExpired(now);
        } finally {
            lock.unlock();
        }
    }

    private List<PeerId> dropExpired(Instant now) {
        List<PeerId> dropped = new ArrayList<>();
        for (Iterator<Map.Entry<PeerId, Entry>> it = reservations.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PeerId, Entry> e = it.next();
            if (!e.getValue().expires().isAfter(now)) {
                e.getValue().memory().releaseMemory(RESERVATION_BYTES);
                it.remove();
                dropped.add(e.getKey());
            }
        }
        return dropped;
    }

    /** How many live reservations there are. */
    int size(Instant now) {
        lock.lock();
        try {
            dropExpired(now);
            return reservations.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts a relayed connection from {@code source} to {@code target}, if neither has
     * {@link RelayConfig#maxCircuits()} already.
     */
    boolean openCircuit(PeerId source, PeerId target) {
        lock.lock();
        try {
            if (circuits.getOrDefault(source, 0) >= config.maxCircuits()
                    || circuits.getOrDefault(target, 0) >= config.maxCircuits()) {
                return false;
            }
            circuits.merge(source, 1, Integer::sum);
            circuits.merge(target, 1, Integer::sum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A relayed connection counted by {@link #openCircuit} ended. */
    void closeCircuit(PeerId source, PeerId target) {
        lock.lock();
        try {
            circuits.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
            circuits.computeIfPresent(target, (k, n) -> n > 1 ? n - 1 : null);
        } finally {
            lock.unlock();
        }
    }

    /** Relayed connections open now, counted once each. */
    int circuitCount() {
        lock.lock();
        try {
            return circuits.values().stream().mapToInt(Integer::intValue).sum() / 2;
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything (the service closes). */
    void clear() {
        lock.lock();
        try {
            reservations.values().forEach(e -> e.memory().releaseMemory(RESERVATION_BYTES));
            reservations.clear();
        } finally {
            lock.unlock();
        }
    }
}
