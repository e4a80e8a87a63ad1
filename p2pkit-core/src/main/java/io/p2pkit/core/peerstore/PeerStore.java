package io.p2pkit.core.peerstore;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.version.ProtocolFamily;
import io.p2pkit.core.version.SemanticVersion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the node knows about other peers: addresses with expiry times, public keys, supported
 * protocols, agent and protocol versions and other metadata, and signed peer records.
 *
 * <p>Certified addresses (from a peer record signed by the peer itself) are preferred: while a
 * peer has a valid signed record, unsigned addresses for it are not added, and its certified
 * addresses come first. Everything is bounded: at most {@link #MAX_PEERS} peers (those without
 * a live connection-lifetime address are evicted first), {@link #MAX_ADDRESSES_PER_PEER}
 * addresses, {@link #MAX_PROTOCOLS_PER_PEER} protocols and {@link #MAX_METADATA_PER_PEER}
 * metadata entries per peer.
 */
public final class PeerStore {
    /** At most this many peers are remembered. */
    public static final int MAX_PEERS = 10_000;
    /** At most this many addresses per peer. */
    public static final int MAX_ADDRESSES_PER_PEER = 64;
    /** At most this many protocols per peer. */
    public static final int MAX_PROTOCOLS_PER_PEER = 256;
    /** At most this many metadata entries per peer. */
    public static final int MAX_METADATA_PER_PEER = 32;

    /** Metadata key of the agent version identify reports. */
    public static final String AGENT_VERSION = "AgentVersion";
    /** Metadata key of the protocol version identify reports. */
    public static final String PROTOCOL_VERSION = "ProtocolVersion";

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Entry> peers = new LinkedHashMap<>(16, 0.75f, true);

    /** A peerstore on the system clock. */
    public PeerStore() {
        this(Clock.systemUTC());
    }

    /** A peerstore on {@code clock}, for tests. */
    public PeerStore(Clock clock) {
        this.clock = clock;
    }

    /** When an address expires, and the TTL it was added with (so a TTL class can be updated as a whole). */
    private record Expiry(Instant at, Duration ttl) {
    }

    private static final class Entry {
        final Map<Multiaddr, Expiry> addrs = new LinkedHashMap<>();
        final Set<Multiaddr> certified = new LinkedHashSet<>();
        final Set<String> protocols = new LinkedHashSet<>();
        final Map<String, Object> metadata = new ConcurrentHashMap<>();
        PublicKey publicKey;
        Envelope record;
        long recordSeq = -1;
    }

    // ---------------------------------------------------------------- addresses

    /**
     * Adds addresses that expire after {@code ttl}; an address already known keeps the later
     * expiry. Ignored while the peer has a signed record (certified addresses win). A trailing
     * {@code /p2p/<id>} is removed; addresses naming another peer are dropped.
     */
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
        lock.lock();
        try {
            Entry e = entry(peer);
            if (e.record != null) {
                return;
            }
            putAddresses(e, peer, addresses, ttl, false);
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the expiry of every address of {@code peer} with {@code ttl}, e.g. on disconnect. */
    public void updateAddressTtl(PeerId peer, Duration oldTtl, Duration newTtl) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e == null) {
                return;
            }
            Expiry updated = new Expiry(expiry(clock.instant(), newTtl), newTtl);
            e.addrs.replaceAll((a, exp) -> exp.ttl().equals(oldTtl) ? updated : exp);
        } finally {
            lock.unlock();
        }
    }

    /** The addresses of {@code peer} that have not expired, certified ones first. */
    public List<Multiaddr> addresses(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e == null) {
                return List.of();
            }
            Instant now = clock.instant();
            e.addrs.values().removeIf(exp -> !exp.at().isAfter(now));
            e.certified.retainAll(e.addrs.keySet());
            List<Multiaddr> out = new ArrayList<>(e.certified);
            for (Multiaddr a : e.addrs.keySet()) {
                if (!e.certified.contains(a)) {
                    out.add(a);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every address of {@code peer}. */
    public void clearAddresses(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e != null) {
                e.addrs.clear();
                e.certified.clear();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- signed records

    /**
     * Stores a signed peer record and makes its addresses the peer's certified addresses, replacing
     * earlier ones. A record older than (or as old as) the one held is ignored.
     *
     * @return whether the record was newer and is now held
     */
    public boolean consumePeerRecord(Envelope envelope, Duration ttl) {
        PeerRecord record = PeerRecord.fromEnvelope(envelope);
        lock.lock();
        try {
            Entry e = entry(record.peerId());
            if (e.record != null && Long.compareUnsigned(record.seq(), e.recordSeq) <= 0) {
                return false;
            }
            e.record = envelope;
            e.recordSeq = record.seq();
            e.certified.clear();
            e.addrs.clear();
            putAddresses(e, record.peerId(), record.addresses(), ttl, true);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The signed peer record held for {@code peer}. */
    public Optional<Envelope> peerRecord(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return Optional.ofNullable(e == null ? null : e.record);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- keys

    /**
     * Remembers {@code peer}'s public key.
     *
     * @throws IllegalArgumentException if the key does not belong to {@code peer}
     */
    public void putPublicKey(PeerId peer, PublicKey key) {
        if (!key.toPeerId().equals(peer)) {
            throw new IllegalArgumentException("public key belongs to " + key.toPeerId() + ", not " + peer);
        }
        lock.lock();
        try {
            entry(peer).publicKey = key;
        } finally {
            lock.unlock();
        }
    }

    /** {@code peer}'s public key, if known. */
    public Optional<PublicKey> publicKey(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return Optional.ofNullable(e == null ? null : e.publicKey);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- protocols

    /** Replaces the protocols {@code peer} supports (at most {@link #MAX_PROTOCOLS_PER_PEER} are kept). */
    public void setProtocols(PeerId peer, Collection<String> protocols) {
        lock.lock();
        try {
            Entry e = entry(peer);
            e.protocols.clear();
            addBounded(e.protocols, protocols);
        } finally {
            lock.unlock();
        }
    }

    /** Adds protocols {@code peer} supports. */
    public void addProtocols(PeerId peer, Collection<String> protocols) {
        lock.lock();
        try {
            addBounded(entry(peer).protocols, protocols);
        } finally {
            lock.unlock();
        }
    }

    /** The protocols {@code peer} is known to support. */
    public Set<String> protocols(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return e == null ? Set.of() : Set.copyOf(e.protocols);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code peer} is known to support {@code protocol}. */
    public boolean supports(PeerId peer, String protocol) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return e != null && e.protocols.contains(protocol);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The versions of the protocol family {@code family} ({@code /myapp/sync}, say) {@code peer} is
     * known to speak, highest first: those of its protocols of the form {@code family/1.4.2} (see
     * {@link ProtocolFamily}); protocols whose version part does not parse strictly are left out.
     */
    public List<SemanticVersion> versions(PeerId peer, String family) {
        List<SemanticVersion> out = new ArrayList<>();
        for (String p : protocols(peer)) {
            ProtocolFamily.versionOf(family, p).ifPresent(out::add);
        }
        out.sort(java.util.Comparator.reverseOrder());
        return out;
    }

    // ---------------------------------------------------------------- metadata

    /** Stores a metadata value (agent version, latency, …). */
    public void put(PeerId peer, String key, Object value) {
        lock.lock();
        try {
            Entry e = entry(peer);
            if (e.metadata.size() >= MAX_METADATA_PER_PEER && !e.metadata.containsKey(key)) {
                return;
            }
            e.metadata.put(key, value);
        } finally {
            lock.unlock();
        }
    }

    /** A metadata value. */
    public Optional<Object> get(PeerId peer, String key) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return Optional.ofNullable(e == null ? null : e.metadata.get(key));
        } finally {
            lock.unlock();
        }
    }

    /** The agent version identify reported, if any. */
    public Optional<String> agentVersion(PeerId peer) {
        return get(peer, AGENT_VERSION).map(Object::toString);
    }

    // ---------------------------------------------------------------- peers

    /** Every peer the store holds something about. */
    public List<PeerId> peers() {
        lock.lock();
        try {
            return List.copyOf(peers.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Forgets everything about {@code peer}. */
    public void remove(PeerId peer) {
        lock.lock();
        try {
            peers.remove(peer);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- internals (under lock)

    private Entry entry(PeerId peer) {
        Entry e = peers.get(peer);
        if (e == null) {
            if (peers.size() >= MAX_PEERS) {
                evictOne();
            }
            e = new Entry();
            peers.put(peer, e);
        }
        return e;
    }

    /** Evicts the least recently used peer, preferring one without a connection-lifetime address. */
    private void evictOne() {
        PeerId victim = null;
        for (Map.Entry<PeerId, Entry> en : peers.entrySet()) {
            boolean connected = en.getValue().addrs.values().stream().anyMatch(x -> x.ttl().equals(AddressTtl.CONNECTED));
            if (!connected) {
                victim = en.getKey();
                break;
            }
        }
        if (victim == null) {
            victim = peers.keySet().iterator().next();
        }
        peers.remove(victim);
    }

    private void putAddresses(Entry e, PeerId peer, Collection<Multiaddr> addresses, Duration ttl, boolean certified) {
        Expiry exp = new Expiry(expiry(clock.instant(), ttl), ttl);
        for (Multiaddr a : addresses) {
            Optional<PeerId> named = a.peerId();
            if (named.isPresent() && !named.get().equals(peer)) {
                continue;
            }
            Multiaddr bare = a.withoutPeerId();
            if (bare.isEmpty()) {
                continue;
            }
            if (!e.addrs.containsKey(bare) && e.addrs.size() >= MAX_ADDRESSES_PER_PEER) {
                continue;
            }
            e.addrs.merge(bare, exp, (x, y) -> x.at().isAfter(y.at()) ? x : y);
            if (certified) {
                e.certified.add(bare);
            }
        }
    }

    private static void addBounded(Set<String> target, Collection<String> values) {
        for (String v : values) {
            if (target.size() >= MAX_PROTOCOLS_PER_PEER) {
                return;
            }
            target.add(v);
        }
    }

    private static Instant expiry(Instant now, Duration ttl) {
        // the permanent and connected TTLs pass Instant.MAX: answered without an exception, as they are common
        if (ttl.getSeconds() >= Instant.MAX.getEpochSecond() - now.getEpochSecond()) {
            return Instant.MAX;
        }
        try {
            return now.plus(ttl);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Instant.MAX;
        }
    }
}
