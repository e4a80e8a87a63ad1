package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multihash;

import java.time.Instant;
import java.util.Map;

/**
 * Block heat at one instant, as a {@link HeatStore} keeps it between runs.
 *
 * @param at   when the values were taken
 * @param heat each block's heat at {@code at}
 */
public record HeatSnapshot(Instant at, Map<Multihash, Double> heat) {
    /** @param heat copied */
    public HeatSnapshot {
        heat = Map.copyOf(heat);
    }

    /** @return a snapshot with no heat */
    public static HeatSnapshot empty() {
        return new HeatSnapshot(Instant.EPOCH, Map.of());
    }
}
