package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.metrics.BandwidthMeter;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bytes per second as Kubo's meters give them (go-flow-metrics): once a second the bytes since the
 * previous tick, scaled to one second, are the instant rate, and the rate moves toward it by
 * {@link #ALPHA}; a rate of zero takes the instant rate whole, and one that falls to
 * {@link #IDLE} or below is zero again. Kept for all traffic, for each protocol and for each
 * connected peer (a peer's rates go with its counters, when it disconnects); ticking starts with
 * the first reading, as Kubo's sweeper starts with its first meter.
 */
final class MovingRates {
    /** go-flow-metrics' weight of a new second: {@code 1 - e^-1}. */
    static final double ALPHA = 1 - Math.exp(-1.0);
    /** At or below this a rate is idle, and zero. */
    static final double IDLE = 1e-13;
    /** The key of all traffic (protocol names are never empty). */
    static final String ALL = "";

    /** One flow's totals at the last tick and its rates. */
    record Flow(long totalIn, long totalOut, double rateIn, double rateOut) {
        static final Flow NONE = new Flow(0, 0, 0, 0);
    }

    private final MetricRegistry registry;
    private final Map<String, Flow> flows = new ConcurrentHashMap<>(); // written by the ticking thread only
    private final Map<PeerId, Flow> peerFlows = new ConcurrentHashMap<>(); // likewise
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Supplier<Map<PeerId, long[]>> peers = Map::of;
    private long lastTick;

    MovingRates(MetricRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts ticking on {@code scheduler} (once; later calls do nothing), with the connected
     * peers' totals ({@code {in, out}}) read from {@code peers}.
     */
    void start(ScheduledExecutorService scheduler, Supplier<Map<PeerId, long[]>> peers) {
        if (started.compareAndSet(false, true)) {
            this.peers = peers;
            // the baseline, before the ticks (submitting the task publishes it to their thread)
            lastTick = System.nanoTime();
            read().forEach((k, t) -> flows.put(k, new Flow(t[0], t[1], 0, 0)));
            peers.get().forEach((p, t) -> peerFlows.put(p, new Flow(t[0], t[1], 0, 0)));
            scheduler.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                tick(read(), now - lastTick);
                tickPeers(this.peers.get(), now - lastTick);
                lastTick = now;
            }, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** The rates of all traffic, or of one protocol's. */
    Flow flow(Optional<String> protocol) {
        return flows.getOrDefault(protocol.orElse(ALL), Flow.NONE);
    }

    /** The rates of one peer's traffic (none for a peer not connected). */
    Flow peer(PeerId peer) {
        return peerFlows.getOrDefault(peer, Flow.NONE);
    }

    /** One tick of the peers' rates; a peer no longer counted (disconnected) is dropped. */
    void tickPeers(Map<PeerId, long[]> totals, long elapsedNanos) {
        peerFlows.keySet().retainAll(totals.keySet());
        tick(peerFlows, totals, elapsedNanos);
    }

    private Map<String, long[]> read() {
        Map<String, long[]> totals = new HashMap<>(BandwidthMeter.totalsByProtocol(registry));
        long[] all = new long[2];
        totals.values().forEach(t -> {
            all[0] += t[0];
            all[1] += t[1];
        });
        totals.put(ALL, all);
        return totals;
    }

    /** One tick: {@code totals} by key, {@code elapsedNanos} since the previous tick. */
    void tick(Map<String, long[]> totals, long elapsedNanos) {
        tick(flows, totals, elapsedNanos);
    }

    private static <K> void tick(Map<K, Flow> rates, Map<K, long[]> totals, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return;
        }
        double perSecond = 1e9 / elapsedNanos;
        totals.forEach((key, t) -> {
            Flow before = rates.getOrDefault(key, Flow.NONE);
            rates.put(key, new Flow(t[0], t[1], next(before.rateIn(), perSecond * (t[0] - before.totalIn())),
                    next(before.rateOut(), perSecond * (t[1] - before.totalOut()))));
        });
    }

    static double next(double rate, double instant) {
        double r = rate == 0 ? instant : rate + ALPHA * (instant - rate);
        return r <= IDLE ? 0 : r;
    }
}
