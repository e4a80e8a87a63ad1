package io.p2pkit.node.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sweeping reprovider's counts behind {@link SweepStats}: totals since the start, the sweeps
 * under way, and what each sweep of the last interval did (go-libp2p-kad-dht keeps its figures
 * over one reprovide interval too).
 */
final class SweepCounters {
    /** Sweeps remembered at most: a busy provide queue's many small sweeps forget the oldest first. */
    static final int MAX_REMEMBERED = 4096;

    /**
     * What one sweep did.
     *
     * @param periodic  the cycle's (else the provide queue's)
     * @param slices    slices of the cycle this sweep finished (its batches are counted apart, with 0)
     * @param keys      keys swept
     * @param nanos     time spent
     * @param records   provider records sent
     * @param regions   regions of the DHT the sweep found
     * @param peers     servers given records
     * @param reachable those that took them all
     */
    record Sweep(Instant at, boolean periodic, int slices, long keys, long nanos, long records, int regions, int peers,
                 int reachable) {
    }

    /** The last interval's sweeps summed, by kind. */
    record Window(Sweep periodic, Sweep burst) {
    }

    private final Instant started = Instant.now();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong keysProvided = new AtomicLong();
    private final AtomicLong keysFailed = new AtomicLong();
    private final AtomicLong ongoingBurstRegions = new AtomicLong();
    private final AtomicLong ongoingBurstKeys = new AtomicLong();
    private final AtomicLong ongoingPeriodicRegions = new AtomicLong();
    private final AtomicLong ongoingPeriodicKeys = new AtomicLong();
    private final AtomicLong activeBurst = new AtomicLong();
    private final AtomicLong activePeriodic = new AtomicLong();
    /** Guards {@link #recent}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Sweep> recent = new ArrayDeque<>();

    Instant started() {
        return started;
    }

    /** A sweep of {@code keys} in {@code slices} slices begins. */
    void begin(boolean periodic, int slices, int keys) {
        (periodic ? activePeriodic : activeBurst).incrementAndGet();
        (periodic ? ongoingPeriodicRegions : ongoingBurstRegions).addAndGet(slices);
        (periodic ? ongoingPeriodicKeys : ongoingBurstKeys).addAndGet(keys);
    }

    /** The sweep {@link #begin} announced ended, {@code unplaced} of its keys taken by no server. */
    void end(boolean periodic, int slices, int keys, long nanos, int unplaced, long sent, int regions, int peers,
             int reachable) {
        (periodic ? activePeriodic : activeBurst).decrementAndGet();
        (periodic ? ongoingPeriodicRegions : ongoingBurstRegions).addAndGet(-slices);
        (periodic ? ongoingPeriodicKeys : ongoingBurstKeys).addAndGet(-keys);
        records.addAndGet(sent);
        keysProvided.addAndGet(keys - unplaced);
        keysFailed.addAndGet(unplaced);
        remember(new Sweep(Instant.now(), periodic, 0, keys, nanos, sent, regions, peers, reachable));
    }

    /** The cycle finished {@code slices} slices. */
    void slicesSwept(int slices) {
        if (slices > 0) {
            remember(new Sweep(Instant.now(), true, slices, 0, 0, 0, 0, 0, 0));
        }
    }

    private void remember(Sweep s) {
        lock.lock();
        try {
            recent.addLast(s);
            while (recent.size() > MAX_REMEMBERED) {
                recent.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The sweeps of the {@code window} before {@code now}, summed by kind (the older are forgotten). */
    Window window(Instant now, Duration window) {
        Instant from = now.minus(window);
        long[] p = new long[8];
        long[] b = new long[8];
        lock.lock();
        try {
            while (!recent.isEmpty() && recent.peekFirst().at().isBefore(from)) {
                recent.removeFirst();
            }
            for (Sweep s : recent) {
                long[] t = s.periodic() ? p : b;
                t[0] += s.slices();
                t[1] += s.keys();
                t[2] += s.nanos();
                t[3] += s.records();
                t[4] += s.regions();
                t[5] += s.peers();
                t[6] += s.reachable();
            }
        } finally {
            lock.unlock();
        }
        return new Window(sum(now, true, p), sum(now, false, b));
    }

    private static Sweep sum(Instant now, boolean periodic, long[] t) {
        return new Sweep(now, periodic, (int) t[0], t[1], t[2], t[3], (int) t[4], (int) t[5], (int) t[6]);
    }

    long records() {
        return records.get();
    }

    long keysProvided() {
        return keysProvided.get();
    }

    long keysFailed() {
        return keysFailed.get();
    }

    /** Slices and keys of the sweeps under way, the queue's then the cycle's, then how many of each sweep. */
    long[] ongoing() {
        return new long[]{ongoingBurstRegions.get(), ongoingBurstKeys.get(), ongoingPeriodicRegions.get(),
                ongoingPeriodicKeys.get(), activeBurst.get(), activePeriodic.get()};
    }
}
