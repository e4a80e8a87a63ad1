package io.p2pkit.ipfs.pin;

/**
 * What a garbage collection did.
 *
 * @param marked       blocks found reachable from pins and protected roots
 * @param kept         stored blocks kept
 * @param removed      stored blocks removed
 * @param removedBytes bytes they held
 */
public record GcResult(long marked, long kept, long removed, long removedBytes) {
}
