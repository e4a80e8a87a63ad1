package io.p2pkit.core.reputation;

import java.time.Duration;

/**
 * Settings of a {@link PeerReputation}.
 *
 * @param halfLife          evidence of every kind loses half its weight in this time
 * @param maxPeers          most peers tracked; past it the least relevant is forgotten
 * @param unknownLatency    the latency assumed of a peer with no latency sample yet
 * @param unknownThroughput the throughput, in bytes per second, assumed of a peer with no transfer sample yet
 */
public record ReputationConfig(Duration halfLife, int maxPeers, Duration unknownLatency, double unknownThroughput) {
    public ReputationConfig {
        if (halfLife.isZero() || halfLife.isNegative() || maxPeers <= 0 || unknownLatency.isNegative()
                || !(unknownThroughput > 0)) {
            throw new IllegalArgumentException("half-life, peer cap and throughput must be positive");
        }
    }

    /**
     * The defaults: a half-life of 10 minutes, 10,000 peers, an unknown peer assumed to answer in
     * 200 ms at 1 MiB/s.
     */
    public static ReputationConfig defaults() {
        return new ReputationConfig(Duration.ofMinutes(10), 10_000, Duration.ofMillis(200), 1 << 20);
    }

    /** The defaults with another half-life. */
    public ReputationConfig withHalfLife(Duration halfLife) {
        return new ReputationConfig(halfLife, maxPeers, unknownLatency, unknownThroughput);
    }

    /** The defaults with another peer cap. */
    public ReputationConfig withMaxPeers(int maxPeers) {
        return new ReputationConfig(halfLife, maxPeers, unknownLatency, unknownThroughput);
    }
}
