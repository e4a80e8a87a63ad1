package io.p2pkit.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** A family of monotonically increasing counters, one per combination of label values. */
public final class Counter extends MetricFamily {
    private final Map<List<String>, DoubleAdder> children = new ConcurrentHashMap<>();

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
    }

    /** Adds one to the counter with these label values. */
    public void inc(String... labelValues) {
        add(1, labelValues);
    }

    /** Adds {@code amount} (not negative) to the counter with these label values. */
    public void add(double amount, String... labelValues) {
        if (amount < 0) {
            throw new IllegalArgumentException("a counter only goes up");
        }
        children.computeIfAbsent(checkValues(labelValues), k -> new DoubleAdder()).add(amount);
    }

    /**
     * The counter with these label values as a function to add to, for hot paths: the labels are
     * looked up once here instead of on every call.
     */
    public java.util.function.LongConsumer adder(String... labelValues) {
        DoubleAdder a = children.computeIfAbsent(checkValues(labelValues), k -> new DoubleAdder());
        return n -> {
            if (n < 0) {
                throw new IllegalArgumentException("a counter only goes up");
            }
            a.add(n);
        };
    }

    /** The counter's value for these label values (0 if never touched). */
    public double value(String... labelValues) {
        DoubleAdder a = children.get(checkValues(labelValues));
        return a == null ? 0 : a.sum();
    }

    @Override
    public MetricType type() {
        return MetricType.COUNTER;
    }

    @Override
    public List<Sample> samples() {
        List<Sample> out = new ArrayList<>();
        children.forEach((k, v) -> out.add(new Sample(name(), labelNames(), k, v.sum())));
        return out;
    }
}
