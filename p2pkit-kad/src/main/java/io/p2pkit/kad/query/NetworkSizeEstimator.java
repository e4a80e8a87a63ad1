package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.routing.KadKey;

import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Estimates the number of DHT servers from finished lookups: in a network of N uniformly spread
 * keys the i-th closest peer to a random target lies at normalised distance about i/(N+1), so a
 * least-squares fit of the k closest distances gives N. The estimate averages the last
 * {@link #WINDOW} lookups (go-libp2p-kad-dht's optimistic provide uses the same idea).
 */
public final class NetworkSizeEstimator {
    /** Lookups averaged. */
    public static final int WINDOW = 64;
    /** Lookups needed before an estimate is given. */
    public static final int MIN_SAMPLES = 4;

    private final ArrayDeque<Double> estimates = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    /** Adds the outcome of a converged lookup for {@code target}: its closest peers, closest first. */
    public void record(KadKey target, List<PeerId> closest) {
        if (closest.size() < 3) {
            return;
        }
        double sumSq = 0;
        double sumXd = 0;
        for (int i = 0; i < closest.size(); i++) {
            double d = normalisedDistance(target, KadKey.of(closest.get(i)));
            sumSq += (double) (i + 1) * (i + 1);
            sumXd += (i + 1) * d;
        }
        if (sumXd <= 0) {
            return;
        }
        double n = sumSq / sumXd - 1;
        lock.lock();
        try {
            estimates.addLast(n);
            if (estimates.size() > WINDOW) {
                estimates.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The current estimate, once {@link #MIN_SAMPLES} lookups were recorded. */
    public OptionalDouble estimate() {
        lock.lock();
        try {
            if (estimates.size() < MIN_SAMPLES) {
                return OptionalDouble.empty();
            }
            return estimates.stream().mapToDouble(Double::doubleValue).average();
        } finally {
            lock.unlock();
        }
    }

    /** The XOR distance of {@code a} and {@code b} as a fraction of the key space, from its top 64 bits. */
    public static double normalisedDistance(KadKey a, KadKey b) {
        byte[] d = a.distance(b);
        long top = 0;
        for (int i = 0; i < 8; i++) {
            top = (top << 8) | (d[i] & 0xFF);
        }
        // Unsigned long to [0, 1).
        return ((top >>> 11) * 0x1.0p-53);
    }
}
