package io.p2pkit.ipfs.filestore;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sink of {@code add --nocopy}: leaves become filestore references, recorded in batches;
 * every other block goes to the sink below. References are recorded before any block that comes
 * after them, so a parent is never stored before its children are.
 */
final class ReferencingSink implements BlockSink {
    /** References recorded in one commit at most. */
    static final int MAX_BATCH = 1024;

    private final Filestore filestore;
    private final BlockSink below;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Filestore.Placed> pending = new ArrayList<>();

    ReferencingSink(Filestore filestore, BlockSink below) {
        this.filestore = filestore;
        this.below = below;
    }

    @Override
    public void putReference(Block block, Path file, long offset) throws IOException {
        lock.lock();
        try {
            pending.add(new Filestore.Placed(block.cid().multihash(), block.size(), file, offset));
            if (pending.size() >= MAX_BATCH) {
                record();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(Block block) throws IOException {
        lock.lock();
        try {
            record();
            below.put(block);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            record();
            below.flush();
        } finally {
            lock.unlock();
        }
    }

    private void record() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        try {
            filestore.putReferences(List.copyOf(pending));
        } finally {
            pending.clear();
        }
    }
}
