package io.p2pkit.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A family of gauges: either set by the code, one per combination of label values, or computed at
 * scrape time by a callback (for values that already live elsewhere, such as resource usage).
 */
public final class Gauge extends MetricFamily {
    private final Map<List<String>, Double> children = new ConcurrentHashMap<>();
    private final Supplier<Map<List<String>, Double>> callback;

    Gauge(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> callback) {
        super(name, help, labelNames);
        this.callback = callback;
    }

    /** Sets the gauge with these label values. */
    public void set(double value, String... labelValues) {
        requireSettable();
        children.put(checkValues(labelValues), value);
    }

    /** Adds {@code delta} (may be negative) to the gauge with these label values. */
    public void add(double delta, String... labelValues) {
        requireSettable();
        children.merge(checkValues(labelValues), delta, Double::sum);
    }

    /** The gauge's value for these label values (0 if unset). */
    public double value(String... labelValues) {
        List<String> key = checkValues(labelValues);
        Map<List<String>, Double> m = callback != null ? callback.get() : children;
        return m.getOrDefault(key, 0.0);
    }

    private void requireSettable() {
        if (callback != null) {
            throw new IllegalStateException(name() + " is computed by a callback");
        }
    }

    @Override
    public MetricType type() {
        return MetricType.GAUGE;
    }

    @Override
    public List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        Map<List<String>, Double> m = callback != null ? callback.get() : children;
        m.forEach((k, v) -> {
            if (k.size() != labelNames().size()) {
                throw new IllegalStateException(name() + ": callback gave " + k.size() + " label values");
            }
            out.add(new Sample(name(), labelNames(), k, v));
        });
        return out;
    }
}
