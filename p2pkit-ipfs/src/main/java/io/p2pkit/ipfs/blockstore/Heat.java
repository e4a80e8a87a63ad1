package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Multihash;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Access counts that decay exponentially: every touch adds 1 and a block's heat halves every
 * half-life, so heat(t) = sum over its touches of 2^-((t - touch time) / half-life).
 *
 * <p>Each entry keeps one number that does not change as time passes, its rank
 * {@code log2(heat at t) + t / half-life} (t counted from this tracker's creation); the heat at
 * any later time is {@code 2^(rank - now / half-life)}. Since all heats decay at the same rate,
 * ordering by rank is ordering by heat at every instant, so the coldest entry is the first of a
 * sorted set and the table stays bounded by dropping it: O(log n) per touch, no sweeps.
 *
 * <p>The saved heat is loaded on first use, so that a store whose blocks are not read never
 * parses it, and is saved again only when a touch or a removal changed it: heat that nothing
 * touched decays from the saved snapshot's time exactly as it would from a newer one.
 */
final class Heat {
    private static final System.Logger LOG = LazyLogger.of(Heat.class);
    /** Heat restored from a snapshot below this is not worth an entry. */
    static final double NEGLIGIBLE = 1e-6;

    private record Entry(Multihash key, double rank, long seq) {
    }

    // a class, not Comparator.comparingDouble(...): method references are classes spun at run time
    // in every fresh command that opens a repository
    private static final Comparator<Entry> COLDEST_FIRST = new ColdestFirst();

    private static final class ColdestFirst implements Comparator<Entry> {
        @Override
        public int compare(Entry a, Entry b) {
            int byRank = Double.compare(a.rank, b.rank);
            return byRank != 0 ? byRank : Long.compare(a.seq, b.seq);
        }
    }

    private final Clock clock;
    private final double halfLifeMillis;
    private final int maxEntries;
    private final long baseMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Multihash, Entry> byKey = new HashMap<>();
    private final TreeSet<Entry> coldestFirst = new TreeSet<>(COLDEST_FIRST);
    private long seq;
    // where the saved heat comes from until it is loaded; null once loaded (or with nothing to load)
    private HeatStore toLoad;
    private long changes;
    private long savedChanges;

    /** Heat that must be written down: a snapshot and the number of changes it holds. */
    record Unsaved(HeatSnapshot snapshot, long changes) {
    }

    Heat(Clock clock, Duration halfLife, int maxEntries) {
        this(clock, halfLife, maxEntries, null);
    }

    /** A tracker that adds {@code saved}'s heat on first use (none when null). */
    Heat(Clock clock, Duration halfLife, int maxEntries, HeatStore saved) {
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("half-life must be positive: " + halfLife);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("heat table needs room for at least one entry");
        }
        this.clock = clock;
        this.halfLifeMillis = halfLife.toMillis() == 0 ? 1 : halfLife.toMillis();
        this.maxEntries = maxEntries;
        this.baseMillis = clock.millis();
        this.toLoad = saved;
    }

    /** Loads the saved heat, under the lock, the first time anything asks. */
    private void load() {
        HeatStore from = toLoad;
        if (from == null) {
            return;
        }
        toLoad = null;
        try {
            restoreUnchanged(from.loadHeat());
        } catch (IOException | RuntimeException e) {
            // heat is a hint: blocks start cold
            LOG.log(System.Logger.Level.WARNING, () -> "could not load the saved block heat; starting without it: " + e);
        }
    }

    /** Now, in half-lives since creation. */
    private double now() {
        return (clock.millis() - baseMillis) / halfLifeMillis;
    }

    private static double heat(Entry e, double now) {
        return e == null ? 0 : Math.pow(2, e.rank - now);
    }

    /** Counts one access; returns the heat after it. */
    double touch(Multihash key) {
        lock.lock();
        try {
            load();
            changes++;
            double t = now();
            Entry old = byKey.get(key);
            double h = heat(old, t) + 1;
            put(key, old, t + log2(h));
            return h;
        } finally {
            lock.unlock();
        }
    }

    /** The heat of {@code key} now; 0 when it has none. */
    double heatOf(Multihash key) {
        lock.lock();
        try {
            load();
            return heat(byKey.get(key), now());
        } finally {
            lock.unlock();
        }
    }

    void forget(Multihash key) {
        lock.lock();
        try {
            load();
            Entry e = byKey.remove(key);
            if (e != null) {
                coldestFirst.remove(e);
                changes++;
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            load();
            return byKey.size();
        } finally {
            lock.unlock();
        }
    }

    /** The heat to save when something changed it since it was loaded or last saved; else null. */
    Unsaved unsaved() {
        lock.lock();
        try {
            return toLoad != null || changes == savedChanges ? null : new Unsaved(snapshotLocked(), changes);
        } finally {
            lock.unlock();
        }
    }

    /** {@code written} is saved: later changes are still to save. */
    void saved(Unsaved written) {
        lock.lock();
        try {
            savedChanges = Math.max(savedChanges, written.changes());
        } finally {
            lock.unlock();
        }
    }

    /** Every entry's heat now. */
    private HeatSnapshot snapshotLocked() {
        Instant at = clock.instant();
        double t = now();
        Map<Multihash, Double> out = new HashMap<>(byKey.size() * 2);
        for (Entry e : byKey.values()) {
            out.put(e.key, heat(e, t));
        }
        return new HeatSnapshot(at, out);
    }

    /**
     * Adds the heat of a snapshot, decayed from when it was taken to now (a snapshot from the
     * future counts as taken now). Non-finite and negligible values are skipped.
     */
    void restore(HeatSnapshot snapshot) {
        lock.lock();
        try {
            load();
            changes++;
            restoreUnchanged(snapshot);
        } finally {
            lock.unlock();
        }
    }

    private void restoreUnchanged(HeatSnapshot snapshot) {
        double t = now();
        double elapsed = Math.max(0, clock.millis() - snapshot.at().toEpochMilli()) / halfLifeMillis;
        for (Map.Entry<Multihash, Double> s : snapshot.heat().entrySet()) {
            double h = s.getValue() * Math.pow(2, -elapsed);
            if (!Double.isFinite(h) || h < NEGLIGIBLE) {
                continue;
            }
            Entry old = byKey.get(s.getKey());
            put(s.getKey(), old, t + log2(heat(old, t) + h));
        }
    }

    private void put(Multihash key, Entry old, double rank) {
        if (old != null) {
            coldestFirst.remove(old);
        }
        Entry e = new Entry(key, rank, seq++);
        byKey.put(key, e);
        coldestFirst.add(e);
        while (byKey.size() > maxEntries) {
            Entry coldest = coldestFirst.pollFirst();
            byKey.remove(coldest.key);
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
