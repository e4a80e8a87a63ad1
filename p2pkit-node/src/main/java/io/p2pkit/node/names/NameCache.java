package io.p2pkit.node.names;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.node.NodeConfig;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What IPNS names and DNSLink domains resolved to, as Kubo's name system keeps it
 * ({@code Ipns.ResolveCacheSize}, {@code Ipns.MaxCacheTTL}): each step of a resolution (one name to
 * the path its record or TXT record holds) is kept for the record's TTL, at most the cap, so that a
 * gateway serving a site under {@code /ipns/} or a script running {@code cat /ipns/…} does not walk
 * the DHT on every request. Names published here go in at once. Bounded: the least recently used
 * entry leaves first. Fixed names (Kubo's {@code IPFS_NS_MAP}, for tests and debugging) are answered
 * first, with a TTL of zero, and never leave.
 */
public final class NameCache {
    private final int size;
    private final Optional<Duration> maxTtl;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Kept> entries;
    private final Map<String, String> fixed;

    /** The variable Kubo reads fixed names from: {@code name:/ipfs/…,other:/ipns/…}. */
    public static final String NS_MAP_VARIABLE = "IPFS_NS_MAP";

    /**
     * A name's value: a cache hit, or what a lookup found.
     *
     * @param value the path the name led to ({@code /ipfs/…} or {@code /ipns/…})
     * @param ttl   how long a caller may keep it: the record's TTL, shortened as a cached entry ages
     */
    public record Hit(String value, Duration ttl) {
    }

    private record Kept(String value, Duration ttl, Instant until) {
    }

    /** A cache that keeps nothing: every name is looked up ({@code name resolve --nocache}, a short-lived node). */
    public static final NameCache NONE = new NameCache(new NodeConfig.IpnsCache(0, Optional.empty()));

    /** How a name is looked up when the cache does not have it. */
    @FunctionalInterface
    public interface Lookup {
        /**
         * @return the path the name leads to, and how long that may be kept
         * @throws IOException when it cannot be looked up (or leads nowhere)
         */
        Hit lookUp() throws IOException;
    }

    /** A cache of {@code config}'s size and longest TTL. */
    public NameCache(NodeConfig.IpnsCache config) {
        this(config, Map.of());
    }

    /**
     * A cache of {@code config}'s size and longest TTL that answers {@code fixed} (keys as
     * {@link #fixedNames} gives them) before anything else.
     */
    public NameCache(NodeConfig.IpnsCache config, Map<String, String> fixed) {
        this(config, Clock.systemUTC(), fixed);
    }

    NameCache(NodeConfig.IpnsCache config, Clock clock) {
        this(config, clock, Map.of());
    }

    private NameCache(NodeConfig.IpnsCache config, Clock clock, Map<String, String> fixed) {
        this.fixed = Map.copyOf(fixed);
        this.size = config.size();
        this.maxTtl = config.maxTtl();
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                return size() > NameCache.this.size;
            }
        };
    }

    /**
     * Kubo's {@code IPFS_NS_MAP}: comma-separated {@code name:path} pairs, each name (a DNSLink
     * domain or an IPNS key) resolving to its {@code /ipfs/} or {@code /ipns/} path.
     *
     * @param map the variable's value; null or blank for none
     * @return the names, keyed as the cache keys them
     * @throws IllegalArgumentException naming the pair that is not one
     */
    public static Map<String, String> fixedNames(String map) {
        if (map == null || map.isBlank()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : map.split(",")) {
            int colon = pair.indexOf(':');
            String name = colon < 0 ? "" : pair.substring(0, colon).strip();
            String path = colon < 0 ? "" : pair.substring(colon + 1).strip();
            if (name.isEmpty() || !(path.startsWith("/ipfs/") || path.startsWith("/ipns/")) || path.length() < 7) {
                throw new IllegalArgumentException(NS_MAP_VARIABLE + ": '" + pair + "' is not name:/ipfs/… or name:/ipns/…");
            }
            out.put(keyOf(name), path);
        }
        if (out.size() > 10_000) {
            throw new IllegalArgumentException(NS_MAP_VARIABLE + " names more than 10,000 names");
        }
        return out;
    }

    /** The key of a name as given: an IPNS key in any of its forms, else a domain. */
    private static String keyOf(String name) {
        try {
            return key(PeerId.parse(name));
        } catch (RuntimeException notAKey) {
            return key(name);
        }
    }

    /**
     * Whether the first name of {@code path} ({@code /ipns/name/…}, or a bare name) is a fixed one,
     * which resolves with nothing asked.
     */
    public boolean fixes(String path) {
        if (fixed.isEmpty()) {
            return false;
        }
        String rest = path.startsWith("/ipns/") ? path.substring(6) : path;
        int slash = rest.indexOf('/');
        return fixed.containsKey(keyOf(slash < 0 ? rest : rest.substring(0, slash)));
    }

    /** A cache of the same fixed names that keeps nothing else: every other name is looked up ({@code --nocache}). */
    public NameCache uncached() {
        return new NameCache(new NodeConfig.IpnsCache(0, maxTtl), clock, fixed);
    }

    /** The key of an IPNS name: its CIDv1 in base36, as Kubo's cache and the gateway write it. */
    public static String key(PeerId name) {
        return name.toCid().toString(Multibase.Encoding.BASE36);
    }

    /** The key of a DNSLink domain. */
    public static String key(String domain) {
        return domain.toLowerCase(Locale.ROOT);
    }

    /**
     * How long a record's value may be cached, as Kubo's resolver reckons it: its TTL, no longer
     * than it stays valid, zero once it has lapsed. A TTL past Go's longest duration is zero, as
     * Kubo reads it (the unsigned value turns negative and is floored).
     */
    public Duration ttlOf(IpnsRecord record) {
        long nanos = record.ttlNanos();
        Duration ttl = nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
        Duration left = Duration.between(clock.instant(), record.validUntil());
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        return left.compareTo(ttl) < 0 ? left : ttl;
    }

    /** The cached value of {@code key}, while its time lasts. */
    public Optional<Hit> get(String key) {
        lock.lock();
        try {
            Kept e = entries.get(key);
            if (e == null) {
                return Optional.empty();
            }
            Duration left = Duration.between(clock.instant(), e.until);
            if (left.isNegative() || left.isZero()) {
                entries.remove(key);
                return Optional.empty();
            }
            return Optional.of(new Hit(e.value, left.compareTo(e.ttl) < 0 ? left : e.ttl));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The cached value of {@code key} while its time lasts, else what {@code lookup} finds, kept
     * for the TTL it gives.
     *
     * @throws IOException as {@code lookup} does
     */
    public Hit getOrLookUp(String key, Lookup lookup) throws IOException {
        String given = fixed.get(key);
        if (given != null) {
            return new Hit(given, Duration.ZERO);
        }
        Optional<Hit> hit = get(key);
        if (hit.isPresent()) {
            return hit.get();
        }
        Hit found = lookup.lookUp();
        put(key, found.value(), found.ttl());
        return found;
    }

    /**
     * Keeps {@code value} as what {@code key} resolves to, for {@code ttl} or the cap if shorter;
     * nothing is kept for a TTL of zero.
     */
    public void put(String key, String value, Duration ttl) {
        Duration kept = maxTtl.isPresent() && maxTtl.get().compareTo(ttl) < 0 ? maxTtl.get() : ttl;
        if (size == 0 || kept.isNegative() || kept.isZero()) {
            return;
        }
        Instant now = clock.instant();
        Instant until = Duration.between(now, Instant.MAX).compareTo(kept) <= 0 ? Instant.MAX : now.plus(kept);
        lock.lock();
        try {
            entries.put(key, new Kept(value, ttl, until));
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code key} (a publish that failed part-way, a record put here). */
    public void invalidate(String key) {
        lock.lock();
        try {
            entries.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A TTL as resolution reports it (a gateway's {@code Cache-Control}): no longer than the cap
     * when one is set above zero; a zero cap turns caching off here without changing what
     * callers are told, as in Kubo.
     */
    public Duration reported(Duration ttl) {
        return maxTtl.isPresent() && !maxTtl.get().isZero() && maxTtl.get().compareTo(ttl) < 0 ? maxTtl.get() : ttl;
    }

    /** How many entries are kept now (expired ones included until they are read or pushed out). */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
