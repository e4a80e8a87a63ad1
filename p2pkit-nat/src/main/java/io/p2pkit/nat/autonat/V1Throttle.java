package io.p2pkit.nat.autonat;

import io.p2pkit.core.identity.PeerId;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The v1 server's throttle, as go's: at most so many requests per period from everyone and from
 * each peer; the counts start again when a period (with a random jitter) is over.
 */
final class V1Throttle {
    private final AutoNatConfig.V1Limits limits;
    private final java.util.function.LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    private int global;
    private long periodEnds;

    V1Throttle(AutoNatConfig.V1Limits limits, java.util.function.LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
        this.periodEnds = clock.getAsLong() + nextPeriod();
    }

    /** Counts a request from {@code peer}; false when it is over a limit (then it is not counted). */
    boolean accept(PeerId peer) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (now - periodEnds >= 0) {
                perPeer.clear();
                global = 0;
                periodEnds = now + nextPeriod();
            }
            int mine = perPeer.getOrDefault(peer, 0);
            if (mine >= limits.perPeerPerPeriod() || (limits.globalPerPeriod() > 0 && global >= limits.globalPerPeriod())) {
                return false;
            }
            perPeer.put(peer, mine + 1);
            global++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private long nextPeriod() {
        long jitter = limits.periodJitter().toNanos();
        return limits.period().toNanos() + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter) : 0);
    }
}
