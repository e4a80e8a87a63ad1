package io.p2pkit.node.cli;

import java.time.Duration;

/** Parses durations as Go and Kubo write them on the command line: {@code 250ms}, {@code 1s}, {@code 2m}, {@code 1h30m}. */
public final class DurationOption {
    private DurationOption() {
    }

    /**
     * @throws UsageException if {@code text} is not a sequence of number-unit pairs (ns, us, ms, s, m, h)
     */
    public static Duration parse(String option, String text) {
        if (text.isEmpty()) {
            throw new UsageException("--" + option + " needs a duration such as 1s or 500ms");
        }
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < text.length() && Character.isLetter(text.charAt(i))) {
                i++;
            }
            if (start == unitStart || unitStart == i) {
                throw new UsageException("--" + option + ": '" + text + "' is not a duration (examples: 500ms, 1s, 2m)");
            }
            double value;
            try {
                value = Double.parseDouble(text.substring(start, unitStart));
            } catch (NumberFormatException e) {
                throw new UsageException("--" + option + ": bad number in '" + text + "'");
            }
            long nanosPerUnit = switch (text.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new UsageException("--" + option + ": unknown unit in '" + text + "' (use ns, us, ms, s, m, h)");
            };
            total = total.plusNanos((long) (value * nanosPerUnit));
        }
        return total;
    }
}
