package io.p2pkit.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** A family of histograms with fixed bucket bounds, one per combination of label values. */
public final class Histogram extends MetricFamily {
    private final double[] bounds;
    private final Map<List<String>, Child> children = new ConcurrentHashMap<>();

    private static final class Child {
        final ReentrantLock lock = new ReentrantLock();
        final long[] counts;
        double sum;
        long count;

        Child(int n) {
            counts = new long[n];
        }
    }

    Histogram(String name, String help, List<String> labelNames, double[] bounds) {
        super(name, help, labelNames);
        if (labelNames.contains("le")) {
            throw new IllegalArgumentException("le is reserved");
        }
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase");
            }
        }
        this.bounds = bounds.clone();
    }

    /** {@code count} bounds starting at {@code start}, each {@code factor} times the previous. */
    public static double[] exponentialBuckets(double start, double factor, int count) {
        double[] b = new double[count];
        double v = start;
        for (int i = 0; i < count; i++) {
            b[i] = v;
            v *= factor;
        }
        return b;
    }

    /** Records one observation in the histogram with these label values. */
    public void observe(double value, String... labelValues) {
        Child c = children.computeIfAbsent(checkValues(labelValues), k -> new Child(bounds.length));
        c.lock.lock();
        try {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    c.counts[i]++;
                    break;
                }
            }
            c.sum += value;
            c.count++;
        } finally {
            c.lock.unlock();
        }
    }

    /** Makes the histogram with these label values exist, with no observations. */
    void touch(String... labelValues) {
        children.computeIfAbsent(checkValues(labelValues), k -> new Child(bounds.length));
    }

    /** How many observations the histogram with these label values has. */
    public long count(String... labelValues) {
        Child c = children.get(checkValues(labelValues));
        if (c == null) {
            return 0;
        }
        c.lock.lock();
        try {
            return c.count;
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public MetricType type() {
        return MetricType.HISTOGRAM;
    }

    @Override
    public List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        List<String> bucketLabels = new ArrayList<>(labelNames());
        bucketLabels.add("le");
        children.forEach((k, c) -> {
            long[] counts;
            double sum;
            long count;
            c.lock.lock();
            try {
                counts = c.counts.clone();
                sum = c.sum;
                count = c.count;
            } finally {
                c.lock.unlock();
            }
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i];
                List<String> values = new ArrayList<>(k);
                values.add(PrometheusText.formatValue(bounds[i]));
                out.add(new Sample(name() + "_bucket", bucketLabels, values, cumulative));
            }
            List<String> inf = new ArrayList<>(k);
            inf.add("+Inf");
            out.add(new Sample(name() + "_bucket", bucketLabels, inf, count));
            out.add(new Sample(name() + "_sum", labelNames(), k, sum));
            out.add(new Sample(name() + "_count", labelNames(), k, count));
        });
        return out;
    }
}
