package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects blocks and stores them with one {@link Blockstore#putMany} per batch. Safe for the
 * concurrent imports of one {@link Importer}: a flush stores every block collected so far.
 */
final class BatchingSink implements BlockSink {
    static final int MAX_BLOCKS = 64;
    static final long MAX_BYTES = 16L << 20;

    private final Blockstore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Block> batch = new ArrayList<>(MAX_BLOCKS);
    private long bytes;

    BatchingSink(Blockstore store) {
        this.store = store;
    }

    @Override
    public void put(Block block) throws IOException {
        lock.lock();
        try {
            batch.add(block);
            bytes += block.size();
            if (batch.size() >= MAX_BLOCKS || bytes >= MAX_BYTES) {
                flush();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (batch.isEmpty()) {
                return;
            }
            try {
                store.putMany(List.copyOf(batch));
            } finally {
                batch.clear();
                bytes = 0;
            }
        } finally {
            lock.unlock();
        }
    }
}
