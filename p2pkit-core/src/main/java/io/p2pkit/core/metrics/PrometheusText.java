package io.p2pkit.core.metrics;

import java.util.List;

/**
 * Writes a {@link MetricRegistry} in the Prometheus text exposition format 0.0.4: for each family
 * a {@code # HELP} and a {@code # TYPE} line, then one line per sample with escaped label values.
 */
public final class PrometheusText {
    /** The HTTP content type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** The registry's exposition text. */
    public static String write(MetricRegistry registry) {
        StringBuilder sb = new StringBuilder();
        for (MetricFamily f : registry.families()) {
            sb.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
            sb.append("# TYPE ").append(f.name()).append(' ').append(f.type().textName()).append('\n');
            List<Sample> samples = f.samples();
            int own = f.labelNames().size();
            // Stable: a histogram's buckets, sum and count stay together and in order.
            samples.sort((a, b) -> a.labelValues().subList(0, own).toString()
                    .compareTo(b.labelValues().subList(0, own).toString()));
            for (Sample s : samples) {
                sb.append(s.name());
                if (!s.labelNames().isEmpty()) {
                    sb.append('{');
                    for (int i = 0; i < s.labelNames().size(); i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append(s.labelNames().get(i)).append("=\"").append(escapeLabel(s.labelValues().get(i)))
                                .append('"');
                    }
                    sb.append('}');
                }
                sb.append(' ').append(formatValue(s.value())).append('\n');
            }
        }
        return sb.toString();
    }

    /** A sample value as Prometheus writes it: integers without a fraction, {@code +Inf}, {@code NaN}. */
    public static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
    }
}
