package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.transport.SocketSafeInterrupt;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;

/**
 * The blocks one file reader needs next, read ahead in virtual threads so that reading them (from
 * disk, or from the network through the remote tier) overlaps with writing out the bytes before
 * them, as boxo's DAG reader does. Bounded twice: at most {@link #WINDOW} blocks ahead per reader,
 * and a budget of bytes shared by every reader of one {@link Exporter}, so a thousand stalled
 * readers hold no more than the budget (a reader that finds it spent reads block by block).
 * Blocks are read into buffers from a {@link DirectBuffers} pool ({@link BlockSource#read}), which
 * the reader gives back when it is done with each. Used by the one thread that reads the file;
 * {@link #close} drops what was not taken and gives its buffers back.
 */
final class BlockPrefetch implements AutoCloseable {
    /** Blocks asked for ahead of the one being read. */
    static final int WINDOW = 4;
    /** The most one block can weigh (the largest block a Bitswap peer sends), for a child whose size is not known yet. */
    private static final long MAX_BLOCK = 2L << 20;

    private final BlockSource blocks;
    private final Semaphore budgetKib;
    private final DirectBuffers buffers;
    private final Map<Cid, Pending> pending = new HashMap<>();

    /** A read ahead; {@code runner} cancels it without closing a connection it may be writing a want to. */
    private record Pending(FutureTask<Optional<ByteBuffer>> task, SocketSafeInterrupt runner, int kib) {
        void cancel() {
            if (task.cancel(false)) {
                runner.interrupt();
            }
        }
    }

    /**
     * @param blocks    where blocks come from
     * @param budgetKib the KiB of blocks read ahead that all readers together may hold
     * @param buffers   where the buffers blocks are read into come from
     */
    BlockPrefetch(BlockSource blocks, Semaphore budgetKib, DirectBuffers buffers) {
        this.blocks = blocks;
        this.budgetKib = budgetKib;
        this.buffers = buffers;
    }

    /**
     * Starts reading {@code cid} unless the window is full or the budget spent.
     *
     * @param fileBytes the file bytes under it (its blocksize in its parent): a leaf weighs about
     *                  that, an inner node at most a block
     */
    void ask(Cid cid, long fileBytes) {
        if (pending.size() >= WINDOW || pending.containsKey(cid)) {
            return;
        }
        int kib = (int) (Math.min(fileBytes, MAX_BLOCK) / 1024) + 1;
        if (!budgetKib.tryAcquire(kib)) {
            return;
        }
        FutureTask<Optional<ByteBuffer>> task = new FutureTask<>(() -> blocks.read(cid, buffers));
        pending.put(cid, new Pending(task, SocketSafeInterrupt.start(Thread.ofVirtual().name("unixfs-prefetch"), task),
                kib));
    }

    /** Whether the window has room for another block. */
    boolean hasRoom() {
        return pending.size() < WINDOW;
    }

    /**
     * @return the block's bytes (read ahead, or now); give the buffer back with {@link #release}
     */
    Optional<ByteBuffer> read(Cid cid) throws IOException {
        Pending p = pending.remove(cid);
        if (p == null) {
            return blocks.read(cid, buffers);
        }
        try {
            return p.task().get();
        } catch (InterruptedException e) {
            p.cancel();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + cid);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("reading " + cid + " failed", e.getCause());
        } finally {
            budgetKib.release(p.kib());
        }
    }

    /** Gives a buffer {@link #read} returned back to the pool. */
    void release(ByteBuffer buffer) {
        buffers.release(buffer);
    }

    /**
     * Stops the reads still running and gives their share of the budget back, and the buffers of
     * those that finished (one cancelled half way leaves its buffer to the garbage collector).
     */
    @Override
    public void close() {
        for (Pending p : pending.values()) {
            p.cancel();
            if (p.task().state() == Future.State.SUCCESS) {
                p.task().resultNow().ifPresent(buffers::release);
            }
            budgetKib.release(p.kib());
        }
        pending.clear();
    }
}
