package io.p2pkit.core.metrics;

import java.util.List;

/**
 * One line of exposition: a sample name (the family name, or it with {@code _bucket}, {@code _sum},
 * {@code _count}), label names and values, and the value.
 */
public record Sample(String name, List<String> labelNames, List<String> labelValues, double value) {
    public Sample {
        labelNames = List.copyOf(labelNames);
        labelValues = List.copyOf(labelValues);
        if (labelNames.size() != labelValues.size()) {
            throw new IllegalArgumentException("label names and values differ in number");
        }
    }
}
