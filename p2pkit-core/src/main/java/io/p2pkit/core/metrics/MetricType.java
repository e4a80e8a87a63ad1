package io.p2pkit.core.metrics;

/** The Prometheus type of a metric family. */
public enum MetricType {
    COUNTER, GAUGE, HISTOGRAM;

    /** The name used in a {@code # TYPE} line. */
    public String textName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
