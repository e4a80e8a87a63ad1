package io.p2pkit.node.cli.content;

import java.util.Locale;

/**
 * Sizes as Kubo prints them with {@code --human} and in {@code dag stat}: go-humanize's
 * {@code Bytes}, powers of 1000 ({@code 9 B}, {@code 12 kB}, {@code 1.2 MB}, {@code 10 GB}).
 */
public final class HumanBytes {
    private static final String[] SUFFIXES = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

    private HumanBytes() {
    }

    /**
     * @param bytes a size, 0 or more
     * @return the size as go-humanize writes it
     */
    public static String si(long bytes) {
        if (bytes < 10) {
            return bytes + " B";
        }
        int e = (int) Math.floor(Math.log(bytes) / Math.log(1000));
        double value = Math.floor(bytes / Math.pow(1000, e) * 10 + 0.5) / 10;
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, SUFFIXES[e]);
    }
}
