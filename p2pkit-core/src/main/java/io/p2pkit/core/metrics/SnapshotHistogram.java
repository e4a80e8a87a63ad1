package io.p2pkit.core.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A histogram family computed afresh at each scrape from the values a callback returns (label
 * values → the values to count), for distributions of current state such as connections per peer.
 */
public final class SnapshotHistogram extends MetricFamily {
    private final double[] bounds;
    private final Supplier<Map<List<String>, List<Double>>> values;

    SnapshotHistogram(String name, String help, List<String> labelNames, double[] bounds,
                      Supplier<Map<List<String>, List<Double>>> values) {
        super(name, help, labelNames);
        // Validates the bounds and labels the same way as an observed histogram.
        new Histogram(name, help, labelNames, bounds);
        this.bounds = bounds.clone();
        this.values = values;
    }

    @Override
    public MetricType type() {
        return MetricType.HISTOGRAM;
    }

    @Override
    public List<Sample> samples() {
        Histogram now = new Histogram(name(), help(), labelNames(), bounds);
        values.get().forEach((labels, observed) -> {
            String[] l = labels.toArray(String[]::new);
            now.touch(l); // an empty list still exports the labels' series, all zero
            for (double v : observed) {
                now.observe(v, l);
            }
        });
        return now.samples();
    }
}
