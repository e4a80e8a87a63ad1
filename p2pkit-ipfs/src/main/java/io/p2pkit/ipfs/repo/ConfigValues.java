package io.p2pkit.ipfs.repo;

import java.time.Duration;

/** The strict text forms of the config file's values, both ways. */
final class ConfigValues {
    private record Unit(String suffix, long factor) {
    }

    // largest first, so formatting picks the largest unit that divides exactly
    private static final Unit[] SIZES = {
        new Unit("TiB", 1L << 40), new Unit("TB", 1_000_000_000_000L), new Unit("GiB", 1L << 30),
        new Unit("GB", 1_000_000_000L), new Unit("MiB", 1L << 20), new Unit("MB", 1_000_000L),
        new Unit("KiB", 1L << 10), new Unit("KB", 1_000L), new Unit("B", 1),
    };
    private static final Unit[] TIMES = {
        new Unit("d", 86_400_000L), new Unit("h", 3_600_000L), new Unit("m", 60_000L), new Unit("s", 1_000L),
        new Unit("ms", 1),
    };
    private static final int MAX_DIGITS = 15;
    private static final int MAX_FRACTION_DIGITS = 20;

    private ConfigValues() {
    }

    static boolean bool(String key, String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new RepoConfigException(key, "'" + text + "' is not true or false");
        };
    }

    static int positiveInt(String key, String text) {
        long v = digits(key, text, text);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new RepoConfigException(key, v + " is not from 1 to " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** Bytes: digits and an optional unit (B, KB, MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of 1024). */
    static long size(String key, String text) {
        return withUnit(key, text, SIZES, "B", "a size such as 64MiB or 10GB");
    }

    /** A duration: digits and a unit (ms, s, m, h, d). */
    static Duration duration(String key, String text) {
        return Duration.ofMillis(withUnit(key, text, TIMES, null, "a duration such as 500ms, 30s, 10m or 2h"));
    }

    /** A finite non-negative decimal: digits, optionally a point and more digits. */
    static double decimal(String key, String text) {
        int dot = text.indexOf('.');
        String whole = dot < 0 ? text : text.substring(0, dot);
        String fraction = dot < 0 ? "0" : text.substring(dot + 1);
        requireDigits(key, whole, text, MAX_DIGITS);
        requireDigits(key, fraction, text, MAX_FRACTION_DIGITS);
        return Double.parseDouble(text);
    }

    /**
     * {@code d} in plain digits without trailing zeros, as {@code BigDecimal}'s
     * {@code valueOf(d).stripTrailingZeros().toPlainString()}. That is only asked for the forms
     * {@link Double#toString} writes with an exponent: {@code BigDecimal}'s class initialisation
     * costs a fresh process about 20 ms, a sixth of {@code p2pkit init}.
     */
    static String formatDecimal(double d) {
        if (!Double.isFinite(d)) {
            throw new NumberFormatException("not a finite number: " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String text = Double.toString(d); // the shortest digits that read back as d; no trailing zeros
        return text.indexOf('E') < 0 ? text
                : java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static String formatSize(long bytes) {
        return format(bytes, SIZES);
    }

    static String formatDuration(Duration d) {
        return format(d.toMillis(), TIMES);
    }

    private static String format(long value, Unit[] units) {
        for (Unit u : units) {
            if (value % u.factor == 0 && value != 0) {
                return value / u.factor + u.suffix;
            }
        }
        return value + units[units.length - 1].suffix;
    }

    private static long withUnit(String key, String text, Unit[] units, String defaultUnit, String what) {
        int end = 0;
        while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
            end++;
        }
        String suffix = text.substring(end);
        long factor = -1;
        if (suffix.isEmpty() && defaultUnit != null) {
            factor = 1;
        }
        for (Unit u : units) {
            if (u.suffix.equals(suffix)) {
                factor = u.factor;
            }
        }
        if (factor < 0) {
            throw new RepoConfigException(key, "'" + text + "' is not " + what);
        }
        long n = digits(key, text.substring(0, end), text);
        if (n > Long.MAX_VALUE / factor) {
            throw new RepoConfigException(key, "'" + text + "' is too large");
        }
        return n * factor;
    }

    private static long digits(String key, String digits, String whole) {
        requireDigits(key, digits, whole, MAX_DIGITS);
        return Long.parseLong(digits);
    }

    private static void requireDigits(String key, String digits, String whole, int max) {
        if (digits.isEmpty() || digits.length() > max) {
            throw new RepoConfigException(key, "'" + whole + "' is not a number of at most " + max + " digits");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new RepoConfigException(key, "'" + whole + "' is not a number");
            }
        }
    }
}
