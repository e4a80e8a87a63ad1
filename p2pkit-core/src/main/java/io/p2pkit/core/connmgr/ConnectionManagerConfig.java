package io.p2pkit.core.connmgr;

import java.time.Duration;

/**
 * Watermarks and timings of the {@link ConnectionManager}.
 *
 * @param lowWater      trimming closes connections until at most this many remain
 * @param highWater     more connections than this start a trim
 * @param gracePeriod   a peer's connections are never trimmed this soon after the first of them opened
 * @param silencePeriod at most one trim per this interval, so that trimming cannot oscillate
 */
public record ConnectionManagerConfig(int lowWater, int highWater, Duration gracePeriod, Duration silencePeriod) {
    public ConnectionManagerConfig {
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException("need 0 <= low watermark <= high watermark, got " + lowWater + " and "
                    + highWater);
        }
        if (gracePeriod.isNegative() || silencePeriod.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** go-libp2p's defaults: low 160, high 192, one minute of grace, at most one trim per 10 s. */
    public static ConnectionManagerConfig defaults() {
        return new ConnectionManagerConfig(160, 192, Duration.ofMinutes(1), Duration.ofSeconds(10));
    }

    /** These watermarks and grace, with the default silence period. */
    public static ConnectionManagerConfig of(int lowWater, int highWater, Duration gracePeriod) {
        return new ConnectionManagerConfig(lowWater, highWater, gracePeriod, Duration.ofSeconds(10));
    }
}
