package io.p2pkit.ipfs.unixfs.pb;

import java.time.Instant;

/**
 * A UnixFS modification time ({@code IPFSTimestamp}): seconds since the Unix epoch (may be
 * negative) and a fraction in nanoseconds, 0 when absent.
 *
 * @param seconds seconds since 1970-01-01T00:00:00Z
 * @param nanos   the fraction, 0 to 999,999,999 (0 is written as absent, as Kubo does)
 */
public record Mtime(long seconds, int nanos) {
    /** @throws IllegalArgumentException when {@code nanos} is out of range */
    public Mtime {
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("nanos out of range: " + nanos);
        }
    }

    /** @return the time of {@code instant} */
    public static Mtime of(Instant instant) {
        return new Mtime(instant.getEpochSecond(), instant.getNano());
    }

    /** @return this time as an instant */
    public Instant toInstant() {
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
