package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.chunker.Chunker;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A file's leaves made on worker threads: each worker cuts the next chunk (one worker at a time,
 * so chunks keep their order) and then makes its leaf block and hashes it on the same core, while
 * the chunk's bytes are still in that core's cache. SHA-256 of a chunk another thread has just
 * read runs at about three quarters of the speed (docs/PERFORMANCE.md, "Leaves hashed where they
 * were read").
 *
 * <p>The first {@link #SYNC_BYTES} of a stream are cut on the calling thread and their leaves left
 * for it to make ({@link Leaf#cid()} null), so a small file never starts a thread. Beyond that at
 * most {@link #AHEAD} leaves are cut and not yet taken. An exception from the chunker or the hash
 * reaches {@link #next} after the leaves before it, as it was thrown. {@link #close} stops the
 * workers without waiting for them: a read under way ends when its stream returns or is closed,
 * and its leaf is dropped.
 */
final class LeafPipeline implements AutoCloseable {
    /** Bytes cut on the calling thread before the workers start. */
    static final long SYNC_BYTES = 1024 * 1024;
    /** Workers: every core may hash, though only one cuts at a time. */
    static final int WORKERS = Math.min(8, Math.max(2, Runtime.getRuntime().availableProcessors()));
    /** Leaves that may be cut and not yet taken (each holds a chunk and its block). */
    static final int AHEAD = WORKERS + 2;

    /**
     * One leaf.
     *
     * @param data  the chunk
     * @param block the leaf block made from it, or null when {@link #cid} is null
     * @param cid   the block's CID, or null when the caller makes the leaf itself
     */
    record Leaf(byte[] data, byte[] block, Cid cid) {
    }

    private final Chunker chunker;
    private final Function<byte[], byte[]> shape;
    private final Function<byte[], Cid> name;
    // made when the workers start: a small file never needs them
    private ReentrantLock lock;
    private Condition changed;
    private Map<Long, Leaf> made;
    private long syncBytes;
    private boolean started;
    private long taken;                  // sequence number of the next leaf next() returns
    private long cut;                    // sequence number of the next chunk to cut
    private boolean cutting;             // a worker is in the chunker
    private long end = Long.MAX_VALUE;   // sequence number the chunker ended or failed at
    private Throwable failure;           // why it failed there, or null when it ended
    private boolean closed;

    /**
     * @param chunker the file's chunks
     * @param shape   a chunk's leaf block (the chunk itself for raw leaves)
     * @param name    a leaf block's CID
     */
    LeafPipeline(Chunker chunker, Function<byte[], byte[]> shape, Function<byte[], Cid> name) {
        this.chunker = chunker;
        this.shape = shape;
        this.name = name;
    }

    /** @return the next leaf, or null when the file has ended */
    Leaf next() throws IOException {
        if (!started) {
            if (syncBytes < SYNC_BYTES) {
                byte[] chunk = chunker.next();
                syncBytes += chunk == null ? SYNC_BYTES : chunk.length;
                return chunk == null ? null : new Leaf(chunk, null, null);
            }
            started = true;
            lock = new ReentrantLock();
            changed = lock.newCondition();
            made = new HashMap<>();
            for (int i = 0; i < WORKERS; i++) {
                Thread.ofVirtual().name("unixfs-leaves-" + i).start(this::work);
            }
        }
        lock.lock();
        try {
            while (!made.containsKey(taken) && taken < end && !closed) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the input");
                }
            }
            if (closed) {
                throw new IOException("the import's input was closed");
            }
            Leaf leaf = made.remove(taken);
            if (leaf != null) {
                taken++;
                changed.signalAll();
                return leaf;
            }
            if (failure instanceof IOException e) {
                throw e; // as it was thrown: callers tell failures apart by type
            } else if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            long seq;
            lock.lock();
            try {
                while (!closed && cut < end && (cutting || cut >= taken + AHEAD)) {
                    changed.awaitUninterruptibly();
                }
                if (closed || cut >= end) {
                    return;
                }
                cutting = true;
                seq = cut;
            } finally {
                lock.unlock();
            }
            byte[] chunk;
            try {
                chunk = chunker.next();
            } catch (Throwable t) {
                fail(seq, t, true);
                return;
            }
            lock.lock();
            try {
                cutting = false;
                if (chunk == null) {
                    end = Math.min(end, seq);
                } else {
                    cut = seq + 1;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (chunk == null) {
                return;
            }
            Leaf leaf;
            try {
                byte[] block = shape.apply(chunk);
                leaf = new Leaf(chunk, block, name.apply(block));
            } catch (Throwable t) {
                fail(seq, t, false);
                return;
            }
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                made.put(seq, leaf);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void fail(long seq, Throwable t, boolean inChunker) {
        lock.lock();
        try {
            if (inChunker) {
                cutting = false;
            }
            if (seq < end) {
                end = seq;
                failure = t;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers and drops the leaves not taken; does not wait for a read under way. */
    @Override
    public void close() {
        if (lock == null) {
            return; // no worker started
        }
        lock.lock();
        try {
            closed = true;
            made.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
