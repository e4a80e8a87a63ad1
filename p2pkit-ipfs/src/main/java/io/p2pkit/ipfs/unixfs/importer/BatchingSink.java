package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.BlockWrites;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects blocks and stores them with one {@link BlockWrites#putMany} per batch, through one
 * writer of the store: a flush stores every block collected so far and makes all of them durable,
 * so a disk store syncs each directory once per flush (an import), not once per batch. Safe for
 * the concurrent imports of one {@link Importer}.
 */
final class BatchingSink implements BlockSink {
    static final int MAX_BLOCKS = 64;
    static final long MAX_BYTES = 16L << 20;

    private final BlockWrites writes;
    private final int maxBlocks;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Block> batch;
    private long bytes;

    BatchingSink(Blockstore store, int maxBlocks, long maxBytes) {
        this.writes = store.writes();
        this.maxBlocks = maxBlocks;
        this.maxBytes = maxBytes;
        this.batch = new ArrayList<>(Math.min(maxBlocks, MAX_BLOCKS));
    }

    @Override
    public void put(Block block) throws IOException {
        lock.lock();
        try {
            batch.add(block);
            bytes += block.size();
            if (batch.size() >= maxBlocks || bytes >= maxBytes) {
                write();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            write();
            writes.sync();
        } finally {
            lock.unlock();
        }
    }

    /** Stores the batch (durable at the next flush); the lock is held. */
    private void write() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        try {
            writes.putMany(List.copyOf(batch));
        } finally {
            batch.clear();
            bytes = 0;
        }
    }
}
