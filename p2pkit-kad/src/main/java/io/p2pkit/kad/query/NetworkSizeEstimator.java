package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.routing.KadKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
 *       {@link #MIN_SAMPLES} lookups, only lookups from the newest round on count.</li>
 * </ul>
 *
 * <p>An estimate is only {@link Status#USABLE usable} when it rests on at least
 * {@link #MIN_SAMPLES} lookups that are both recent (no older than the maximum age) and were made
 * while the routing table had about its present size. go keeps two hours of lookups and falls back
 * to the classic provide when it has fewer than 5 per rank; the table check is ours (a refresh's
 * lookups count with the table the refresh left, see {@link #endRound}): a node's table
 * holds about k peers per halving of the key space that the network fills, so it grows by about
 * k·log2(g) when the network grows by a factor g, and a change of k/2 or more means the network
 * measured is some 40 % off the present one (the simulation's early joiners, measured at a
 * quarter of the final size, are the case).
 */
public final class NetworkSizeEstimator {
    /** Most lookups kept. */
    public static final int WINDOW = 64;
    /** Lookups needed before an estimate is given (and before a new round replaces the old ones). */
    public static final int MIN_SAMPLES = 4;

    /** Whether an estimate may be used. */
    public enum Status {
        /** Enough recent lookups made with a routing table like the present one. */
        USABLE,
        /** Fewer than {@link #MIN_SAMPLES} lookups were ever recorded (or kept). */
        TOO_FEW_LOOKUPS,
        /** There are enough lookups, but too few recent ones. */
        OUTDATED,
        /** There are enough recent lookups, but the routing table changed size a lot since most of them. */
        TABLE_CHANGED
    }

    /**
     * The estimator's verdict.
     *
     * @param status  whether {@code size} may be used
     * @param size    the estimate: from the usable lookups when {@link Status#USABLE}, otherwise from
     *                all that are kept (for information), empty when there are too few
     * @param lookups how many lookups {@code size} rests on
     */
    public record Estimate(Status status, OptionalDouble size, int lookups) {
        /** Checks the fields. */
        public Estimate {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(size, "size");
        }

        /** Whether the estimate may be used. */
        public boolean usable() {
            return status == Status.USABLE;
        }
    }

    private record Measurement(double[] distances, long round, Instant at, int tableSize) {
    }

    private final ArrayDeque<Measurement> measurements = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final Duration maxAge;
    private final int tableTolerance;
    private long round;

    /**
     * An estimator.
     *
     * @param clock          the time measurements are stamped and aged with
     * @param maxAge         lookups older than this are not used
     * @param tableTolerance lookups made when the routing table's size differed from the present one
     *                       by this much or more are not used (k/2 in the DHT)
     */
    public NetworkSizeEstimator(Clock clock, Duration maxAge, int tableTolerance) {
        if (maxAge.isNegative() || maxAge.isZero() || tableTolerance < 1) {
            throw new IllegalArgumentException("maximum age and table tolerance must be positive");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = maxAge;
        this.tableTolerance = tableTolerance;
    }

    /**
     * Adds the outcome of a converged lookup for {@code target}.
     *
     * @param target    the lookup's target
     * @param closest   its closest peers, closest first (without the local node)
     * @param self      the local node, counted among the closest where its distance puts it
     * @param tableSize the routing table's size when the lookup ended
     */
    public void record(KadKey target, List<PeerId> closest, PeerId self, int tableSize) {
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
        Instant now = clock.instant();
        lock.lock();
        try {
            measurements.addLast(new Measurement(firstK, round, now, tableSize));
            if (measurements.size() > WINDOW) {
                measurements.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a measurement round (a routing table refresh): once it has {@link #MIN_SAMPLES}
     * usable lookups, the lookups of earlier rounds no longer count.
     */
    public void startRound() {
        lock.lock();
        try {
            round++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the current round (the refresh's lookups are done): its lookups count as made with a
     * table of {@code tableSize} peers, the size the refresh left. A node's table fills during its
     * own refresh (the first one, at bootstrap, starts from the bootstrap peers alone); that is not
     * the network changing, and comparing with the table at each lookup would call it stale.
     */
    public void endRound(int tableSize) {
        lock.lock();
        try {
            List<Measurement> kept = new ArrayList<>(measurements);
            measurements.clear();
            for (Measurement m : kept) {
                measurements.addLast(m.round() == round ? new Measurement(m.distances(), m.round(), m.at(), tableSize) : m);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The estimate given a routing table of {@code tableSize} peers now. */
    public Estimate estimate(int tableSize) {
        Instant oldest = clock.instant().minus(maxAge);
        List<double[]> usable = new ArrayList<>();
        List<double[]> usableThisRound = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        int recent = 0;
        lock.lock();
        try {
            for (Measurement m : measurements) {
                all.add(m.distances());
                if (m.at().isBefore(oldest)) {
                    continue;
                }
                recent++;
                if (Math.abs(m.tableSize() - tableSize) >= tableTolerance) {
                    continue;
                }
                usable.add(m.distances());
                if (m.round() == round) {
                    usableThisRound.add(m.distances());
                }
            }
        } finally {
            lock.unlock();
        }
        if (usable.size() >= MIN_SAMPLES) {
            List<double[]> used = usableThisRound.size() >= MIN_SAMPLES ? usableThisRound : usable;
            OptionalDouble size = fit(used);
            return new Estimate(size.isPresent() ? Status.USABLE : Status.TOO_FEW_LOOKUPS, size, used.size());
        }
        Status why = all.size() < MIN_SAMPLES ? Status.TOO_FEW_LOOKUPS
                : recent < MIN_SAMPLES ? Status.OUTDATED : Status.TABLE_CHANGED;
        return new Estimate(why, all.size() < MIN_SAMPLES ? OptionalDouble.empty() : fit(all), all.size());
    }

    /** The line through the origin fitted to the mean distance per rank: N = 1/slope − 1. */
    private static OptionalDouble fit(List<double[]> used) {
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
