package io.p2pkit.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A small registry of metric families (counters, gauges, histograms with labels), written out in
 * the Prometheus text format by {@link PrometheusText}. Registering a name twice returns the
 * existing family if its type and labels agree.
 */
public final class MetricRegistry {
    private final Map<String, MetricFamily> families = new ConcurrentHashMap<>();

    /** An empty registry. */
    public MetricRegistry() {
    }

    /** A counter family. */
    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, List.of(labelNames)), Counter.class);
    }

    /** A gauge family set by the code. */
    public Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(name, help, List.of(labelNames), null), Gauge.class);
    }

    /** A gauge family computed by {@code values} (label values → value) at each scrape. */
    public Gauge gaugeCallback(String name, String help, List<String> labelNames,
                               Supplier<Map<List<String>, Double>> values) {
        return register(new Gauge(name, help, labelNames, values), Gauge.class);
    }

    /** A histogram family with these bucket upper bounds. */
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return register(new Histogram(name, help, List.of(labelNames), buckets), Histogram.class);
    }

    /**
     * A histogram family computed at each scrape from {@code values} (label values → the values to
     * count), for distributions of the current state.
     */
    public SnapshotHistogram histogramCallback(String name, String help, double[] buckets, List<String> labelNames,
                                               Supplier<Map<List<String>, List<Double>>> values) {
        return register(new SnapshotHistogram(name, help, labelNames, buckets, values), SnapshotHistogram.class);
    }

    private <T extends MetricFamily> T register(T family, Class<T> type) {
        MetricFamily existing = families.putIfAbsent(family.name(), family);
        if (existing == null) {
            return family;
        }
        if (!type.isInstance(existing) || !existing.labelNames().equals(family.labelNames())) {
            throw new IllegalArgumentException("metric " + family.name() + " is already registered as "
                    + existing.type().textName() + " with labels " + existing.labelNames());
        }
        return type.cast(existing);
    }

    /** The registered families, sorted by name. */
    public List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>(families.values());
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** The family called {@code name}, if registered. */
    public java.util.Optional<MetricFamily> family(String name) {
        return java.util.Optional.ofNullable(families.get(name));
    }

    @Override
    public String toString() {
        return "MetricRegistry" + Arrays.toString(families.keySet().toArray());
    }
}
