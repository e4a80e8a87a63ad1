package io.p2pkit.node.cli.content;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Go's {@code time.Time} texts, in the daemon's time zone as Go writes them. */
public final class GoTime {
    /** Go's zero time in JSON, what a time never set reads as. */
    public static final String ZERO = "0001-01-01T00:00:00Z";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    /** Go's {@code time.Stamp}: {@code Jan _2 15:04:05}, the day padded with a space. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    /** Kubo's ls --long times: {@code Jan 02 15:04} when recent, {@code Jan 02  2006} when not. */
    private static final DateTimeFormatter RECENT = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter OLD = DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ROOT);

    private GoTime() {
    }

    /** {@code time.Time}'s JSON (RFC 3339 with nanoseconds): the fraction's trailing zeros left out, {@code Z} for UTC. */
    public static String rfc3339(Instant t) {
        OffsetDateTime local = t.atZone(ZoneId.systemDefault()).toOffsetDateTime();
        String fraction = String.format("%09d", local.getNano()).replaceFirst("0+$", "");
        String offset = local.getOffset().getTotalSeconds() == 0 ? "Z" : local.getOffset().getId();
        return SECONDS.format(local) + (fraction.isEmpty() ? "" : "." + fraction) + offset;
    }

    /** {@code t.Format(time.Stamp)}: {@code Nov  5 11:40:02}. */
    public static String stamp(Instant t) {
        return STAMP.format(t.atZone(ZoneId.systemDefault()));
    }

    /**
     * Kubo's {@code ls --long} time column, in the time's own offset: {@code Jan 02 15:04} within
     * the six months before {@code now} (and up to a day after it), else {@code Jan 02  2006}.
     *
     * @param t   the modification time, or null when none is stored
     * @param now the present, in the zone the six months are counted in
     * @return the column, {@code -} for no time
     */
    public static String lsStamp(OffsetDateTime t, ZonedDateTime now) {
        if (t == null) {
            return "-";
        }
        boolean recent = t.toInstant().isAfter(now.minusMonths(6).toInstant())
                && t.toInstant().isBefore(now.plusHours(24).toInstant());
        return (recent ? RECENT : OLD).format(t);
    }
}
