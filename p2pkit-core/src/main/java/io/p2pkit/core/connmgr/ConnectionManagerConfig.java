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

    /**
     * go-libp2p's defaults, lowered when needed so that the high watermark stays at 90 % of the
     * resource manager's system connection limits (total and inbound), with the low watermark at
     * five sixths of it: the connection manager then trims before the resource manager refuses.
     */
    public static ConnectionManagerConfig fitting(io.p2pkit.core.resource.ResourceManagerConfig limits) {
        return defaults().fittedTo(limits);
    }

    /**
     * These watermarks, lowered when needed so that the high watermark stays at 90 % of the
     * resource manager's system connection limits (total and inbound), with the low watermark at
     * five sixths of it; grace and silence kept.
     */
    public ConnectionManagerConfig fittedTo(io.p2pkit.core.resource.ResourceManagerConfig limits) {
        long cap = Math.min(limits.system().limit(io.p2pkit.core.resource.Resource.CONNECTIONS),
                limits.system().limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS));
        if (cap == Long.MAX_VALUE || highWater <= cap * 9 / 10) {
            return this;
        }
        int high = (int) Math.max(1, cap * 9 / 10);
        return new ConnectionManagerConfig(Math.min(lowWater, high * 5 / 6), high, gracePeriod, silencePeriod);
    }

    /**
     * A manager that never trims (Kubo's {@code Swarm.ConnMgr.Type} {@code none}): the resource
     * manager's limits are then the only bound on connections.
     */
    public static ConnectionManagerConfig none() {
        return new ConnectionManagerConfig(Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ZERO, Duration.ofSeconds(10));
    }

    /** @return whether connections are ever trimmed: false for {@link #none()} */
    public boolean trims() {
        return highWater != Integer.MAX_VALUE;
    }

    /** These watermarks and grace, with the default silence period. */
    public static ConnectionManagerConfig of(int lowWater, int highWater, Duration gracePeriod) {
        return new ConnectionManagerConfig(lowWater, highWater, gracePeriod, Duration.ofSeconds(10));
    }
}
