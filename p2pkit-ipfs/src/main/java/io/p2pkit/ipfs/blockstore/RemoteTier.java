package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tier below the disk: blocks this node does not have, asked of the network through a
 * {@link BlockFetcher}. Read-only; what it returns is checked against the CID (a mismatch is a
 * {@link io.p2pkit.ipfs.block.BlockMismatchException}) and against the size limit (a
 * {@link BlockTooLargeException}) before the tiered store keeps it.
 */
public final class RemoteTier implements BlockSource {
    private final BlockFetcher fetcher;
    private final Duration timeout;
    private final boolean allowBigBlocks;
    private final LongAdder fetched = new LongAdder();
    private final LongAdder missed = new LongAdder();

    /**
     * @param fetcher        how to ask the network
     * @param timeout        how long one get waits for the network
     * @param allowBigBlocks accept blocks over {@link Block#MAX_SIZE}
     */
    public RemoteTier(BlockFetcher fetcher, Duration timeout, boolean allowBigBlocks) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("remote timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
        this.allowBigBlocks = allowBigBlocks;
    }

    /**
     * Fetches and verifies a block.
     *
     * @throws InterruptedIOException when interrupted while waiting (the interrupt flag is kept)
     */
    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        Optional<byte[]> bytes;
        try {
            bytes = fetcher.fetch(cid, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while fetching " + cid);
            ie.initCause(e);
            throw ie;
        }
        if (bytes.isEmpty()) {
            missed.increment();
            return Optional.empty();
        }
        byte[] data = bytes.get();
        int limit = SizeLimit.of(allowBigBlocks);
        if (data.length > limit) {
            throw new BlockTooLargeException(cid, data.length, limit);
        }
        Block block = Block.verified(cid, data);
        fetched.increment();
        return Optional.of(block);
    }

    /** @return how many blocks were fetched and verified */
    public long fetched() {
        return fetched.sum();
    }

    /** @return how many gets the network could not answer */
    public long missed() {
        return missed.sum();
    }
}
