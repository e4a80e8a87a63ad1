package io.p2pkit.node.rpc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Go's {@code time.Time} texts, in the daemon's time zone as Go writes them. */
final class GoTime {
    /** Go's zero time in JSON, what a time never set reads as. */
    static final String ZERO = "0001-01-01T00:00:00Z";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    /** Go's {@code time.Stamp}: {@code Jan _2 15:04:05}, the day padded with a space. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private GoTime() {
    }

    /** {@code time.Time}'s JSON (RFC 3339 with nanoseconds): the fraction's trailing zeros left out, {@code Z} for UTC. */
    static String rfc3339(Instant t) {
        OffsetDateTime local = t.atZone(ZoneId.systemDefault()).toOffsetDateTime();
        String fraction = String.format("%09d", local.getNano()).replaceFirst("0+$", "");
        String offset = local.getOffset().getTotalSeconds() == 0 ? "Z" : local.getOffset().getId();
        return SECONDS.format(local) + (fraction.isEmpty() ? "" : "." + fraction) + offset;
    }

    /** {@code t.Format(time.Stamp)}: {@code Nov  5 11:40:02}. */
    static String stamp(Instant t) {
        return STAMP.format(t.atZone(ZoneId.systemDefault()));
    }
}
