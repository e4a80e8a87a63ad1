package io.p2pkit.ipfs.blockstore;

import java.time.Duration;

/**
 * How the {@link TieredBlockstore} moves blocks between memory, disk and the network.
 *
 * <p>Heat is a decayed access count: each read of a block adds 1, and heat halves every
 * {@code halfLife}. A read from disk that brings a block's heat to {@code promoteAt} copies it
 * into memory; {@link TieredBlockstore#maintain()} drops from memory the blocks whose heat has
 * fallen below {@code demoteBelow}; a block from the network is written down to disk when it is
 * pinned, or when its heat reaches {@code writeDownAt} and the disk is within
 * {@code diskQuotaBytes}. The memory tier is also an LRU bounded by bytes and blocks.
 *
 * @param memoryMaxBytes    memory tier bound in bytes
 * @param memoryMaxBlocks   memory tier bound in blocks
 * @param diskQuotaBytes    above this many bytes on disk, unpinned blocks from the network stay in memory only
 * @param halfLife          heat halves in this time
 * @param promoteAt         heat at which a disk read copies the block into memory (at least 1: a first read gives 1)
 * @param demoteBelow       heat under which maintenance drops a block from memory; below {@code promoteAt}
 * @param writeDownAt       heat at which a block from the network is written to disk
 * @param maxHeatEntries    most blocks whose heat is tracked; the coldest are forgotten first
 * @param maintainInterval  reads run maintenance when it last ran this long ago
 * @param heatFlushInterval maintenance saves heat to the heat store when it was last saved this long ago
 */
public record TierPolicy(long memoryMaxBytes, int memoryMaxBlocks, long diskQuotaBytes, Duration halfLife,
                         double promoteAt, double demoteBelow, double writeDownAt, int maxHeatEntries,
                         Duration maintainInterval, Duration heatFlushInterval) {
    /** @throws IllegalArgumentException for a bound that is not positive or thresholds out of order */
    public TierPolicy {
        if (memoryMaxBytes <= 0 || memoryMaxBlocks <= 0 || diskQuotaBytes <= 0 || maxHeatEntries <= 0) {
            throw new IllegalArgumentException("tier bounds must be positive");
        }
        requirePositive(halfLife, "halfLife");
        requirePositive(maintainInterval, "maintainInterval");
        requirePositive(heatFlushInterval, "heatFlushInterval");
        if (!(promoteAt >= 1) || !(writeDownAt >= 1) || !Double.isFinite(promoteAt) || !Double.isFinite(writeDownAt)) {
            throw new IllegalArgumentException("promoteAt and writeDownAt must be finite and at least 1 (the heat of a first read)");
        }
        if (!(demoteBelow >= 0) || !(demoteBelow < promoteAt)) {
            throw new IllegalArgumentException("demoteBelow must be from 0 up to (not including) promoteAt: "
                    + demoteBelow + " vs " + promoteAt);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /**
     * 64 MiB and 16,384 blocks in memory, a 10 GB disk quota (Kubo's {@code StorageMax} default),
     * a 10-minute half-life, promotion at heat 2 (a second read within about a half-life),
     * demotion below 0.5, write-down at 2, 100,000 tracked blocks, maintenance every minute and
     * heat saved every 5 minutes.
     *
     * @return the defaults
     */
    public static TierPolicy defaults() {
        return new TierPolicy(64L << 20, 16_384, 10_000_000_000L, Duration.ofMinutes(10),
                2, 0.5, 2, 100_000, Duration.ofMinutes(1), Duration.ofMinutes(5));
    }

    /**
     * @param maxBytes  memory bound in bytes
     * @param maxBlocks memory bound in blocks
     * @return this policy with them
     */
    public TierPolicy withMemory(long maxBytes, int maxBlocks) {
        return new TierPolicy(maxBytes, maxBlocks, diskQuotaBytes, halfLife, promoteAt, demoteBelow, writeDownAt,
                maxHeatEntries, maintainInterval, heatFlushInterval);
    }

    /**
     * @param bytes the disk quota
     * @return this policy with it
     */
    public TierPolicy withDiskQuota(long bytes) {
        return new TierPolicy(memoryMaxBytes, memoryMaxBlocks, bytes, halfLife, promoteAt, demoteBelow, writeDownAt,
                maxHeatEntries, maintainInterval, heatFlushInterval);
    }

    /**
     * @param d the heat half-life
     * @return this policy with it
     */
    public TierPolicy withHalfLife(Duration d) {
        return new TierPolicy(memoryMaxBytes, memoryMaxBlocks, diskQuotaBytes, d, promoteAt, demoteBelow, writeDownAt,
                maxHeatEntries, maintainInterval, heatFlushInterval);
    }

    /**
     * @param promote   {@code promoteAt}
     * @param demote    {@code demoteBelow}
     * @param writeDown {@code writeDownAt}
     * @return this policy with them
     */
    public TierPolicy withThresholds(double promote, double demote, double writeDown) {
        return new TierPolicy(memoryMaxBytes, memoryMaxBlocks, diskQuotaBytes, halfLife, promote, demote, writeDown,
                maxHeatEntries, maintainInterval, heatFlushInterval);
    }

    /**
     * @param max most blocks whose heat is tracked
     * @return this policy with it
     */
    public TierPolicy withMaxHeatEntries(int max) {
        return new TierPolicy(memoryMaxBytes, memoryMaxBlocks, diskQuotaBytes, halfLife, promoteAt, demoteBelow, writeDownAt,
                max, maintainInterval, heatFlushInterval);
    }

    /**
     * @param maintain {@code maintainInterval}
     * @param flush    {@code heatFlushInterval}
     * @return this policy with them
     */
    public TierPolicy withIntervals(Duration maintain, Duration flush) {
        return new TierPolicy(memoryMaxBytes, memoryMaxBlocks, diskQuotaBytes, halfLife, promoteAt, demoteBelow, writeDownAt,
                maxHeatEntries, maintain, flush);
    }
}
