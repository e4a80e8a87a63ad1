package io.p2pkit.core.reputation;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.network.NetworkObserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Each peer's reputation, from what was observed of it: successes, failed dials, timeouts,
 * protocol errors, DONT_HAVE answers ({@link Outcome}), latencies and transfer sizes.
 *
 * <p><b>Formula.</b> Every outcome adds its {@linkplain Outcome#goodWeight() good} or
 * {@linkplain Outcome#badWeight() bad} weight to the peer's evidence {@code G} or {@code B}. All
 * evidence decays exponentially: after a time {@code t} it weighs {@code 2^(-t / halfLife)} of
 * what it weighed. The score is
 *
 * <pre>    score = (G - B) / (G + B + 1)</pre>
 *
 * <p>which lies in (-1, 1), is 0 for a peer nothing is known of, needs several outcomes to come
 * near ±1, and drifts back towards 0 as its evidence decays (an old fault is forgiven). Answers
 * under {@value #MIN_THROUGHPUT_SAMPLE} bytes are latency samples, larger ones throughput samples
 * (a small answer measures the round trip, a large one the bandwidth). Latency is the decayed mean
 * of the latency samples; throughput the decayed sum of bytes over the decayed sum of their
 * transfer times.
 *
 * <p><b>Choosing peers.</b> {@link #best} ranks candidates for fetching {@code size} bytes by the
 * expected time {@code latency + size / throughput} (unknowns assumed from the config), multiplied
 * by {@code 4^(-score)}: so for small content latency decides, for large content throughput, and
 * a peer with score +1 looks four times faster, one with score -1 four times slower.
 *
 * <p><b>Memory.</b> At most {@link ReputationConfig#maxPeers()} peers are tracked. When a new peer
 * would pass the cap, among the {@value #EVICTION_SAMPLE} least recently touched peers the one with
 * the least evidence left is forgotten, so the cost of an insert stays constant.
 *
 * <p>Thread-safe: one short lock, never held while calling out. Time comes from the clock given
 * (monotonic nanoseconds), so tests can run it on virtual time.
 */
public final class PeerReputation {
    /** Transfers smaller than this give no throughput sample. */
    public static final long MIN_THROUGHPUT_SAMPLE = 16 * 1024;
    /** How many of the least recently touched peers eviction looks at. */
    static final int EVICTION_SAMPLE = 16;
    /** The factor a score of ±1 applies to the expected fetch time in {@link #best}. */
    private static final double SCORE_FACTOR = 4;

    private final ReputationConfig config;
    private final LongSupplier clock;
    private final double halfLifeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** In access order: the first entries are the least recently touched. */
    private final LinkedHashMap<PeerId, Evidence> peers = new LinkedHashMap<>(16, 0.75f, true);

    /** One peer's evidence, decayed up to {@code at}. Touched under the lock only. */
    private static final class Evidence {
        long at;
        double good;
        double bad;
        double latencyWeight;
        double latencyNanos;
        double bytes;
        double transferNanos;

        Evidence(long at) {
            this.at = at;
        }

        void decayTo(long now, double halfLifeNanos) {
            if (now > at) {
                double f = Math.pow(0.5, (now - at) / halfLifeNanos);
                good *= f;
                bad *= f;
                latencyWeight *= f;
                latencyNanos *= f;
                bytes *= f;
                transferNanos *= f;
                at = now;
            }
        }

        double score() {
            return (good - bad) / (good + bad + 1);
        }

        double weight() {
            return good + bad + latencyWeight;
        }
    }

    /** A tracker with the defaults on the system clock. */
    public PeerReputation() {
        this(ReputationConfig.defaults(), System::nanoTime);
    }

    /**
     * @param clock nanoseconds, monotonic (the host's; a virtual one in tests)
     */
    public PeerReputation(ReputationConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.halfLifeNanos = config.halfLife().toNanos();
    }

    /** The settings. */
    public ReputationConfig config() {
        return config;
    }

    /** Records one outcome of {@code peer}. */
    public void record(PeerId peer, Outcome outcome) {
        update(peer, e -> {
            e.good += outcome.goodWeight();
            e.bad += outcome.badWeight();
        });
    }

    /**
     * Records a success of {@code peer} that took {@code latency} from request to answer and moved
     * {@code bytes} (0 when only the answer's timing matters). An answer under
     * {@value #MIN_THROUGHPUT_SAMPLE} bytes is a latency sample, a larger one a throughput sample.
     */
    public void success(PeerId peer, Duration latency, long bytes) {
        long nanos = Math.max(0, latency.toNanos());
        update(peer, e -> {
            e.good += Outcome.SUCCESS.goodWeight();
            if (bytes < MIN_THROUGHPUT_SAMPLE) {
                e.latencyWeight += 1;
                e.latencyNanos += nanos;
            } else if (nanos > 0) {
                e.bytes += bytes;
                e.transferNanos += nanos;
            }
        });
    }

    /** The score of {@code peer} now, in (-1, 1); 0 when nothing is known of it. */
    public double score(PeerId peer) {
        lock.lock();
        try {
            Evidence e = peers.get(peer);
            if (e == null) {
                return 0;
            }
            e.decayTo(clock.getAsLong(), halfLifeNanos);
            return e.score();
        } finally {
            lock.unlock();
        }
    }

    /** What is known of {@code peer} now, if anything. */
    public Optional<PeerScore> details(PeerId peer) {
        lock.lock();
        try {
            Evidence e = peers.get(peer);
            if (e == null) {
                return Optional.empty();
            }
            e.decayTo(clock.getAsLong(), halfLifeNanos);
            return Optional.of(snapshot(peer, e));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The expected time to fetch {@code size} bytes from {@code peer}, weighted by its score: the
     * key {@link #best} sorts by (see the class comment).
     */
    public Duration cost(PeerId peer, long size) {
        lock.lock();
        try {
            Evidence e = peers.get(peer);
            if (e != null) {
                e.decayTo(clock.getAsLong(), halfLifeNanos);
            }
            return Duration.ofNanos((long) Math.min(Long.MAX_VALUE, costNanos(e, size)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The {@code n} best of {@code candidates} to fetch {@code size} bytes from, best first (the
     * lowest {@link #cost}); candidates that cost the same keep their order. Duplicates count once.
     */
    public List<PeerId> best(Collection<PeerId> candidates, long size, int n) {
        record Ranked(PeerId peer, double cost) {
        }
        List<Ranked> ranked = new ArrayList<>();
        lock.lock();
        try {
            long now = clock.getAsLong();
            for (PeerId p : new java.util.LinkedHashSet<>(candidates)) {
                Evidence e = peers.get(p);
                if (e != null) {
                    e.decayTo(now, halfLifeNanos);
                }
                ranked.add(new Ranked(p, costNanos(e, size)));
            }
        } finally {
            lock.unlock();
        }
        ranked.sort(Comparator.comparingDouble(Ranked::cost));
        return ranked.stream().limit(Math.max(0, n)).map(Ranked::peer).toList();
    }

    /** Every tracked peer's score now (for metrics). */
    public List<Double> scores() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            List<Double> out = new ArrayList<>(peers.size());
            for (Evidence e : peers.values()) {
                e.decayTo(now, halfLifeNanos);
                out.add(e.score());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** How many peers are tracked. */
    public int size() {
        lock.lock();
        try {
            return peers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code peer}. */
    public void forget(PeerId peer) {
        lock.lock();
        try {
            peers.remove(peer);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An observer to add to a host's network: a peer dial that connects is a
     * {@link Outcome#SUCCESS}, one that failed on every address tried a {@link Outcome#DIAL_FAILURE}.
     */
    public NetworkObserver dialObserver() {
        return new NetworkObserver() {
            @Override
            public void peerDialed(PeerId peer, boolean success) {
                record(peer, success ? Outcome.SUCCESS : Outcome.DIAL_FAILURE);
            }
        };
    }

    private double costNanos(Evidence e, long size) {
        double latency = config.unknownLatency().toNanos();
        double throughput = config.unknownThroughput() / 1e9; // bytes per nanosecond
        double score = 0;
        if (e != null) {
            if (e.latencyWeight > 1e-9) {
                latency = e.latencyNanos / e.latencyWeight;
            }
            if (e.transferNanos > 1e-3) {
                throughput = e.bytes / e.transferNanos;
            }
            score = e.score();
        }
        return (latency + Math.max(0, size) / throughput) * Math.pow(SCORE_FACTOR, -score);
    }

    private PeerScore snapshot(PeerId peer, Evidence e) {
        Optional<Duration> latency = e.latencyWeight > 1e-9
                ? Optional.of(Duration.ofNanos((long) (e.latencyNanos / e.latencyWeight))) : Optional.empty();
        OptionalDouble throughput = e.transferNanos > 1e-3
                ? OptionalDouble.of(e.bytes / e.transferNanos * 1e9) : OptionalDouble.empty();
        return new PeerScore(peer, e.score(), e.good, e.bad, latency, throughput);
    }

    private void update(PeerId peer, java.util.function.Consumer<Evidence> change) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            Evidence e = peers.get(peer);
            if (e == null) {
                if (peers.size() >= config.maxPeers()) {
                    evictOne(now);
                }
                e = new Evidence(now);
                peers.put(peer, e);
            }
            e.decayTo(now, halfLifeNanos);
            change.accept(e);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the peer with the least evidence among the least recently touched ones. Under the lock. */
    private void evictOne(long now) {
        PeerId victim = null;
        double least = Double.MAX_VALUE;
        Iterator<Map.Entry<PeerId, Evidence>> it = peers.entrySet().iterator();
        for (int i = 0; i < EVICTION_SAMPLE && it.hasNext(); i++) {
            Map.Entry<PeerId, Evidence> en = it.next();
            Evidence e = en.getValue();
            double w = e.weight() * Math.pow(0.5, Math.max(0, now - e.at) / halfLifeNanos);
            if (w < least) {
                least = w;
                victim = en.getKey();
            }
        }
        if (victim != null) {
            peers.remove(victim);
        }
    }
}
