package io.p2pkit.node.metrics;

import io.p2pkit.core.metrics.MetricFamily;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.metrics.Sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node's traffic over time: every second, the bytes its streams carried in and out (from the
 * host's {@code libp2p_bandwidth_protocol_bytes_total}), kept for the last {@link #HISTORY}
 * seconds, for the console's chart and the RPC API's {@code stats/bw}.
 */
public final class BandwidthMeter implements AutoCloseable {
    /** Seconds of history kept. */
    public static final int HISTORY = 300;
    private static final String FAMILY = "libp2p_bandwidth_protocol_bytes_total";

    /**
     * One second's traffic.
     *
     * @param epochMillis when it was sampled
     * @param totalIn     bytes received since the node started
     * @param totalOut    bytes sent since the node started
     * @param rateIn      bytes per second received over the last second
     * @param rateOut     bytes per second sent over the last second
     */
    public record Point(long epochMillis, long totalIn, long totalOut, double rateIn, double rateOut) {
    }

    private final MetricRegistry registry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Point> points = new ArrayDeque<>(HISTORY + 1);
    private final ScheduledFuture<?> task;

    private BandwidthMeter(MetricRegistry registry, ScheduledExecutorService scheduler) {
        this.registry = registry;
        sample();
        this.task = scheduler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** Samples {@code registry} every second on {@code scheduler} until closed. */
    public static BandwidthMeter start(MetricRegistry registry, ScheduledExecutorService scheduler) {
        return new BandwidthMeter(registry, scheduler);
    }

    /**
     * The bytes the host's streams carried so far, in and out, of one protocol or all of them.
     *
     * @return {@code {in, out}}
     */
    public static long[] totals(MetricRegistry registry, java.util.Optional<String> protocol) {
        long in = 0;
        long out = 0;
        MetricFamily family = registry.family(FAMILY).orElse(null);
        if (family != null) {
            for (Sample s : family.samples()) {
                int dir = s.labelNames().indexOf("dir");
                int proto = s.labelNames().indexOf("protocol");
                if (protocol.isPresent() && (proto < 0 || !s.labelValues().get(proto).equals(protocol.get()))) {
                    continue;
                }
                if (dir >= 0 && s.labelValues().get(dir).equals("in")) {
                    in += (long) s.value();
                } else if (dir >= 0 && s.labelValues().get(dir).equals("out")) {
                    out += (long) s.value();
                }
            }
        }
        return new long[]{in, out};
    }

    /**
     * The bytes the host's streams carried so far, in and out, by protocol.
     *
     * @return {@code {in, out}} for each protocol that has carried bytes
     */
    public static java.util.Map<String, long[]> totalsByProtocol(MetricRegistry registry) {
        java.util.Map<String, long[]> totals = new java.util.TreeMap<>();
        registry.family(FAMILY).ifPresent(family -> {
            for (Sample s : family.samples()) {
                int dir = s.labelNames().indexOf("dir");
                int proto = s.labelNames().indexOf("protocol");
                if (dir < 0 || proto < 0) {
                    continue;
                }
                long[] t = totals.computeIfAbsent(s.labelValues().get(proto), p -> new long[2]);
                switch (s.labelValues().get(dir)) {
                    case "in" -> t[0] += (long) s.value();
                    case "out" -> t[1] += (long) s.value();
                    default -> { }
                }
            }
        });
        return totals;
    }

    private void sample() {
        long[] totals = totals(registry, java.util.Optional.empty());
        long in = totals[0];
        long out = totals[1];
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            Point last = points.peekLast();
            double seconds = last == null ? 1 : Math.max(0.001, (now - last.epochMillis()) / 1000.0);
            Point p = last == null ? new Point(now, in, out, 0, 0)
                    : new Point(now, in, out, (in - last.totalIn()) / seconds, (out - last.totalOut()) / seconds);
            points.addLast(p);
            while (points.size() > HISTORY) {
                points.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The samples kept, oldest first. */
    public List<Point> history() {
        lock.lock();
        try {
            return new ArrayList<>(points);
        } finally {
            lock.unlock();
        }
    }

    /** The latest sample. */
    public Point latest() {
        lock.lock();
        try {
            return points.getLast();
        } finally {
            lock.unlock();
        }
    }

    /** Stops sampling. */
    @Override
    public void close() {
        task.cancel(false);
    }
}
