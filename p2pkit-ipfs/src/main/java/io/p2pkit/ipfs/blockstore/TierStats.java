package io.p2pkit.ipfs.blockstore;

/**
 * What the tiered store holds and has done since it was opened.
 *
 * @param memoryBlocks   blocks in memory
 * @param memoryBytes    bytes in memory
 * @param unsavedBlocks  blocks in memory only (from the network, neither pinned nor hot yet)
 * @param diskBlocks     blocks on disk
 * @param diskBytes      bytes on disk
 * @param heatEntries    blocks whose heat is tracked
 * @param memoryHits     reads answered from memory
 * @param diskHits       reads answered from disk
 * @param remoteHits     reads answered by the network
 * @param misses         reads nobody could answer
 * @param promotions     blocks copied from disk into memory
 * @param demotions      blocks dropped from memory by maintenance (LRU evictions not included)
 * @param evictions      blocks dropped from memory to stay within its bounds
 * @param writeDowns     blocks from the network written to disk
 */
public record TierStats(long memoryBlocks, long memoryBytes, long unsavedBlocks, long diskBlocks, long diskBytes,
                        int heatEntries, long memoryHits, long diskHits, long remoteHits, long misses,
                        long promotions, long demotions, long evictions, long writeDowns) {
}
