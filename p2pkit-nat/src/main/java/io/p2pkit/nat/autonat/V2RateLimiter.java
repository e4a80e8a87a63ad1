package io.p2pkit.nat.autonat;

import io.p2pkit.core.identity.PeerId;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The v2 server's limits, as go's: sliding one-minute windows over all requests, each peer's
 * requests and the requests that need dial data, and a cap on each peer's requests in progress.
 * Bounded by the limits themselves: a window never holds more entries than its limit.
 */
final class V2RateLimiter {
    private static final long WINDOW = TimeUnit.MINUTES.toNanos(1);

    private record Entry(PeerId peer, long at) {
    }

    private final AutoNatConfig.V2Limits limits;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> requests = new ArrayDeque<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    private final ArrayDeque<Long> dialData = new ArrayDeque<>();
    private final Map<PeerId, Integer> inProgress = new HashMap<>();

    V2RateLimiter(AutoNatConfig.V2Limits limits, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** Admits a request from {@code peer}; each admitted one must be {@linkplain #done finished}. */
    boolean accept(PeerId peer) {
        lock.lock();
        try {
            cleanUp(clock.getAsLong());
            if (inProgress.getOrDefault(peer, 0) >= limits.concurrentPerPeer()
                    || requests.size() >= limits.perMinute()
                    || perPeer.getOrDefault(peer, 0) >= limits.perPeerPerMinute()) {
                return false;
            }
            inProgress.merge(peer, 1, Integer::sum);
            requests.add(new Entry(peer, clock.getAsLong()));
            perPeer.merge(peer, 1, Integer::sum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Admits a request that needs dial data. */
    boolean acceptDialData() {
        lock.lock();
        try {
            cleanUp(clock.getAsLong());
            if (dialData.size() >= limits.dialDataPerMinute()) {
                return false;
            }
            dialData.add(clock.getAsLong());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A request of {@code peer} admitted by {@link #accept} is over. */
    void done(PeerId peer) {
        lock.lock();
        try {
            inProgress.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
        } finally {
            lock.unlock();
        }
    }

    private void cleanUp(long now) {
        while (!requests.isEmpty() && now - requests.peekFirst().at() >= WINDOW) {
            Entry e = requests.pollFirst();
            perPeer.computeIfPresent(e.peer(), (p, n) -> n <= 1 ? null : n - 1);
        }
        while (!dialData.isEmpty() && now - dialData.peekFirst() >= WINDOW) {
            dialData.pollFirst();
        }
    }
}
