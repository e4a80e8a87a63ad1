package io.p2pkit.node.config;

import java.time.Duration;

/** Go's {@code time.ParseDuration}, as Kubo reads durations: {@code 300ms}, {@code 1.5h}, {@code 2h45m}, {@code 0}. */
public final class GoDurations {
    private GoDurations() {
    }

    /**
     * Parses a Go duration; a negative one is clamped to zero, one beyond {@code Long.MAX_VALUE}
     * nanoseconds to that.
     *
     * @param text the duration
     * @return it, at nanosecond precision
     * @throws IllegalArgumentException with Go's text ({@code time: invalid duration "x"},
     *                                  {@code time: missing unit in duration "5"}, {@code time: unknown unit …})
     */
    public static Duration parse(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        int i = t.startsWith("-") || t.startsWith("+") ? 1 : 0;
        if (i == t.length()) {
            throw invalid(text);
        }
        double nanos = 0;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < t.length() && !Character.isDigit(t.charAt(i)) && t.charAt(i) != '.') {
                i++;
            }
            if (start == unitStart) {
                throw invalid(text);
            }
            if (unitStart == i) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
            }
            double value;
            try {
                value = Double.parseDouble(t.substring(start, unitStart));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            String unit = t.substring(unitStart, i);
            nanos += value * switch (unit) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \""
                        + text + "\"");
            };
        }
        if (t.startsWith("-")) {
            nanos = -nanos;
        }
        return Duration.ofNanos((long) Math.max(0, Math.min(nanos, Long.MAX_VALUE)));
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
