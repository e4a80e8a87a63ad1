package io.p2pkit.node.config;

import java.time.Duration;

/**
 * Go's durations as Kubo reads and prints them: {@code time.ParseDuration} ({@code 300ms},
 * {@code 1.5h}, {@code 2h45m}, {@code 0}) and {@code Duration.String} ({@code 5m0s}).
 */
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

    /**
     * Writes a duration as Go's {@code Duration.String} does: {@code 0s}, {@code 750ns},
     * {@code 1.5µs}, {@code 300ms}, {@code 1.5s}, {@code 5m0s}, {@code 2h45m0s}.
     *
     * @param d the duration (beyond {@code Long.MAX_VALUE} nanoseconds it is written as that)
     * @return Go's text
     */
    public static String format(Duration d) {
        long n;
        try {
            n = d.toNanos();
        } catch (ArithmeticException e) {
            n = d.isNegative() ? Long.MIN_VALUE + 1 : Long.MAX_VALUE;
        }
        if (n == 0) {
            return "0s";
        }
        String sign = n < 0 ? "-" : "";
        long u = n == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(n);
        if (u < 1_000L) {
            return sign + u + "ns";
        }
        if (u < 1_000_000L) {
            return sign + fraction(u, 3) + "µs";
        }
        if (u < 1_000_000_000L) {
            return sign + fraction(u, 6) + "ms";
        }
        long seconds = u / 1_000_000_000L;
        StringBuilder b = new StringBuilder(sign);
        if (seconds >= 3600) {
            b.append(seconds / 3600).append('h');
        }
        if (seconds >= 60) {
            b.append(seconds / 60 % 60).append('m');
        }
        return b.append(fraction(seconds % 60 * 1_000_000_000L + u % 1_000_000_000L, 9)).append('s').toString();
    }

    /** {@code v} over 10^digits, the fraction's trailing zeros (and a bare point) left out, as Go's fmtFrac. */
    private static String fraction(long v, int digits) {
        long scale = (long) Math.pow(10, digits);
        String frac = String.format("%0" + digits + "d", v % scale).replaceFirst("0+$", "");
        return (v / scale) + (frac.isEmpty() ? "" : "." + frac);
    }
}
