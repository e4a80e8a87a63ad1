package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.routing.KadKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Estimates the number of DHT servers from converged lookups, after go-libp2p-kad-dht's
 * {@code netsize} package: in a network of N uniformly spread keys the i-th closest peer to a
 * target lies at normalised distance i/(N+1) on average.
 *
 * <p>The distances are averaged per rank over the lookups first, and the line through the origin is
 * fitted once to those means (least squares), giving N = 1/slope − 1. Fitting every lookup and
 * averaging the N's, as this class first did, averages 1/x and comes out biased (high by 3–5 % for
 * k = 20). Two things made the estimate run low in practice (545 for 1,000 nodes):
 * <ul>
 *   <li>The local node is a key of the network too, but a lookup's result leaves it out; for the
 *       self-lookup and the deep bucket refreshes, whose targets are near us, that shifts every rank
 *       by one. {@link #record} puts the local node back in by distance.</li>
 *   <li>Measurements outlive the network they measured: a node's lookups happen mostly when it
 *       joins and refreshes, and a growing network has doubled since the first node joined. A
 *       refresh (every 10 minutes, and at bootstrap) calls {@link #startRound()}; once the round has
 *       {@link #MIN_SAMPLES} lookups, only lookups from the newest round on count. go keeps two
 *       hours of measurements instead, which assumes the network size does not move.</li>
 * </ul>
 */
public final class NetworkSizeEstimator {
    /** Most lookups kept. */
    public static final int WINDOW = 64;
    /** Lookups needed before an estimate is given (and before a new round replaces the old ones). */
    public static final int MIN_SAMPLES = 4;

    private record Measurement(double[] distances, long round) {
    }

    private final ArrayDeque<Measurement> measurements = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long round;

    /**
     * Adds the outcome of a converged lookup for {@code target}.
     *
     * @param target  the lookup's target
     * @param closest its closest peers, closest first (without the local node)
     * @param self    the local node, counted among the closest where its distance puts it
     */
    public void record(KadKey target, List<PeerId> closest, PeerId self) {
        int k = closest.size();
        if (k < 3) {
            return;
        }
        double[] d = new double[k + 1];
        for (int i = 0; i < k; i++) {
            d[i] = normalisedDistance(target, KadKey.of(closest.get(i)));
        }
        d[k] = normalisedDistance(target, KadKey.of(self));
        Arrays.sort(d);
        double[] firstK = Arrays.copyOf(d, k);
        lock.lock();
        try {
            measurements.addLast(new Measurement(firstK, round));
            if (measurements.size() > WINDOW) {
                measurements.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a measurement round (a routing table refresh): once it has {@link #MIN_SAMPLES}
     * lookups, the lookups of earlier rounds no longer count.
     */
    public void startRound() {
        lock.lock();
        try {
            round++;
        } finally {
            lock.unlock();
        }
    }

    /** The current estimate, once {@link #MIN_SAMPLES} lookups were recorded. */
    public OptionalDouble estimate() {
        List<double[]> used = new ArrayList<>();
        lock.lock();
        try {
            for (Measurement m : measurements) {
                if (m.round() == round) {
                    used.add(m.distances());
                }
            }
            if (used.size() < MIN_SAMPLES) {
                used.clear();
                measurements.forEach(m -> used.add(m.distances()));
            }
        } finally {
            lock.unlock();
        }
        if (used.size() < MIN_SAMPLES) {
            return OptionalDouble.empty();
        }
        int ranks = used.stream().mapToInt(a -> a.length).min().orElseThrow();
        double sumXy = 0;
        double sumXx = 0;
        for (int i = 0; i < ranks; i++) {
            double mean = 0;
            for (double[] d : used) {
                mean += d[i];
            }
            mean /= used.size();
            sumXy += (i + 1) * mean;
            sumXx += (double) (i + 1) * (i + 1);
        }
        if (sumXy <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(sumXx / sumXy - 1);
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
