package io.p2pkit.core.network.dial;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Backs off from keys (a peer, or a peer's address) that failed: after the n-th failure in a row
 * the key is skipped for {@code base + step · n²}, at most {@code max}, stretched by a random
 * jitter of up to {@code jitter} so that many nodes do not retry in step (go-libp2p's formula, plus
 * the jitter). A success forgets the key. At most {@code capacity} keys are remembered; the oldest
 * go first.
 *
 * @param <K> the key type
 */
public final class Backoff<K> {
    private final Duration base;
    private final Duration step;
    private final Duration max;
    private final double jitter;
    private final int capacity;
    private final LongSupplier clock;
    private final DoubleSupplier random;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<K, Entry> entries = new LinkedHashMap<>();

    private record Entry(int failures, long until) {
    }

    /**
     * @param clock  nanoseconds, monotonic
     * @param random uniform in [0, 1)
     */
    public Backoff(Duration base, Duration step, Duration max, double jitter, int capacity, LongSupplier clock,
                   DoubleSupplier random) {
        this.base = base;
        this.step = step;
        this.max = max;
        this.jitter = jitter;
        this.capacity = capacity;
        this.clock = clock;
        this.random = random;
    }

    /** Records a failure of {@code key} and returns how long it is now backed off. */
    public Duration failed(K key) {
        lock.lock();
        try {
            Entry e = entries.remove(key);
            int n = e == null ? 1 : Math.min(e.failures() + 1, 1 << 16);
            long nanos = Math.min(max.toNanos(), base.toNanos() + step.toNanos() * (long) n * n);
            nanos += (long) (nanos * jitter * random.getAsDouble());
            entries.put(key, new Entry(n, clock.getAsLong() + nanos));
            while (entries.size() > capacity) {
                K oldest = entries.keySet().iterator().next();
                entries.remove(oldest);
            }
            return Duration.ofNanos(nanos);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code key} (it worked). */
    public void succeeded(K key) {
        lock.lock();
        try {
            entries.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** How much longer {@code key} is backed off; zero when it may be tried. */
    public Duration remaining(K key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null) {
                return Duration.ZERO;
            }
            long left = e.until() - clock.getAsLong();
            return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
        } finally {
            lock.unlock();
        }
    }

    /** How many keys are remembered. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every key matching {@code filter}. */
    public void forgetIf(java.util.function.Predicate<K> filter) {
        lock.lock();
        try {
            entries.keySet().removeIf(filter);
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the remembered keys with their consecutive failures. */
    public Map<K, Integer> failures() {
        lock.lock();
        try {
            Map<K, Integer> out = new LinkedHashMap<>();
            entries.forEach((k, v) -> out.put(k, v.failures()));
            return out;
        } finally {
            lock.unlock();
        }
    }
}
