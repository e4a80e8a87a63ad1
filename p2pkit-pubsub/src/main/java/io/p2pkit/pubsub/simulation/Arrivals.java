package io.p2pkit.pubsub.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each honest message first reached each honest node: the latency from its publish, by
 * message and node. Thread-safe, for the real-time simulation's subscriber threads.
 */
final class Arrivals {
    /** Not arrived yet. */
    private static final long NONE = 0;
    /** The node published the message: not counted. */
    private static final long PUBLISHER = -1;

    private final AtomicLongArray[] latency;
    private final CountDownLatch outstanding;

    /** Room for {@code messages} messages reaching {@code nodes} nodes (all but the publisher). */
    Arrivals(int messages, int nodes) {
        latency = new AtomicLongArray[messages];
        for (int i = 0; i < messages; i++) {
            latency[i] = new AtomicLongArray(nodes);
        }
        outstanding = new CountDownLatch(messages * (nodes - 1));
    }

    /** Whether {@code message} is one of the measured messages. */
    boolean measured(int message) {
        return message >= 0 && message < latency.length;
    }

    /** {@code node} published {@code message}. */
    void published(int message, int node) {
        latency[message].set(node, PUBLISHER);
    }

    /** {@code message} reached {@code node} after {@code nanos}; later arrivals are ignored. */
    void arrived(int message, int node, long nanos) {
        if (latency[message].compareAndSet(node, NONE, Math.max(1, nanos))) {
            outstanding.countDown();
        }
    }

    /** How many measured messages never reached {@code node} (its own message not counted). */
    long missed(int node) {
        long n = 0;
        for (AtomicLongArray a : latency) {
            n += a.get(node) == NONE ? 1 : 0;
        }
        return n;
    }

    /** Whether every message reached every node. */
    boolean complete() {
        return outstanding.getCount() == 0;
    }

    /** Waits until every message reached every node, or the timeout passes. */
    boolean await(long timeoutMillis) throws InterruptedException {
        return outstanding.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * What arrived.
     *
     * @param ratio       arrivals / (messages × nodes other than the publisher)
     * @param nodeZero    the same for node 0 alone (the eclipse victim)
     * @param medianMillis median latency of the arrivals
     * @param p99Millis   99th percentile latency of the arrivals
     * @param ratioByWindow the ratio of each successive group of {@code window} messages (the last
     *                    group may be smaller): how delivery changed over the run
     */
    record Summary(double ratio, double nodeZero, double medianMillis, double p99Millis, List<Double> ratioByWindow) {
    }

    /** What arrived, with the ratio also given per group of {@code window} successive messages. */
    Summary summary(int window) {
        long delivered = 0;
        long expected = 0;
        long zeroDelivered = 0;
        long zeroExpected = 0;
        List<Long> latencies = new ArrayList<>();
        List<Double> byWindow = new ArrayList<>();
        long windowDelivered = 0;
        long windowExpected = 0;
        for (int m = 0; m < latency.length; m++) {
            AtomicLongArray a = latency[m];
            for (int n = 0; n < a.length(); n++) {
                long v = a.get(n);
                if (v == PUBLISHER) {
                    continue;
                }
                expected++;
                windowExpected++;
                zeroExpected += n == 0 ? 1 : 0;
                if (v > 0) {
                    delivered++;
                    windowDelivered++;
                    latencies.add(v);
                    zeroDelivered += n == 0 ? 1 : 0;
                }
            }
            if ((m + 1) % window == 0 || m == latency.length - 1) {
                byWindow.add(windowExpected == 0 ? 0 : (double) windowDelivered / windowExpected);
                windowDelivered = 0;
                windowExpected = 0;
            }
        }
        latencies.sort(null);
        return new Summary(expected == 0 ? 0 : (double) delivered / expected,
                zeroExpected == 0 ? 1 : (double) zeroDelivered / zeroExpected,
                percentile(latencies, 0.5), percentile(latencies, 0.99), List.copyOf(byWindow));
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1)));
        return sorted.get(i) / 1e6;
    }
}
