package io.p2pkit.core.metrics;

import java.util.List;
import java.util.regex.Pattern;

/** A named metric with help text, a type and label names, whose samples are read at scrape time. */
public abstract class MetricFamily {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final String help;
    private final List<String> labelNames;

    MetricFamily(String name, String help, List<String> labelNames) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
        for (String l : labelNames) {
            if (!LABEL.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                throw new IllegalArgumentException("bad label name " + l);
            }
        }
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
    }

    /** The family's name. */
    public String name() {
        return name;
    }

    /** Its help text. */
    public String help() {
        return help;
    }

    /** Its label names. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Its type. */
    public abstract MetricType type();

    /** Its samples now. */
    public abstract List<Sample> samples();

    List<String> checkValues(String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " needs " + labelNames.size() + " label values, got "
                    + values.length);
        }
        for (String v : values) {
            if (v == null) {
                throw new IllegalArgumentException("null label value for " + name);
            }
        }
        return List.of(values);
    }
}
