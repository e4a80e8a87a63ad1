package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.transport.SocketSafeInterrupt;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.bitswap.Bitswap;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The blocks of a DAG that a Bitswap fetch brings in the background, for a reader that streams
 * the DAG out while it comes, as Kubo's {@code cat} and gateway do: the fetch walks the whole DAG
 * (256 blocks at a time, in the depth-first order a reader wants them, storing each), and a read
 * of a block not here yet waits for the fetch to bring it. When the fetch has ended without the
 * block (it failed, was stopped, or the block is outside its DAG), or nothing arrived for the idle
 * time, the block is read from {@code alone} instead, which fetches it on its own or says it is
 * missing. Close it to stop the fetch.
 */
public final class ArrivingBlocks implements BlockSource, AutoCloseable {
    /** How long a fetch may go without a block arriving, by default: Kubo's commands' 60 s. */
    public static final Duration IDLE = Duration.ofSeconds(60);

    private final Blockstore local;
    private final BlockSource alone;
    private final Duration idle;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition change = lock.newCondition();
    private long arrivals; // guarded by lock: blocks the fetch has handed over so far
    private boolean ended; // guarded by lock
    private SocketSafeInterrupt fetch;

    private ArrivingBlocks(Blockstore local, BlockSource alone, Duration idle) {
        this.local = local;
        this.alone = alone;
        this.idle = idle;
    }

    /**
     * Starts fetching the DAG under {@code root} into {@code local}.
     *
     * @param bitswap the exchange that fetches
     * @param local   where it stores the blocks (the store {@code bitswap} was attached to)
     * @param alone   where a block the fetch did not bring is read from (a store that fetches it alone, or the local one)
     * @param root    the DAG's root
     * @param links   how to read a block's links
     * @param idle    how long the fetch, and a read, may go without a block arriving
     * @return the blocks, as they arrive; close them
     */
    public static ArrivingBlocks start(Bitswap bitswap, Blockstore local, BlockSource alone, Cid root, LinkReader links,
                                       Duration idle) {
        ArrivingBlocks blocks = new ArrivingBlocks(local, alone, idle);
        // the fetch writes wants to peers' streams: stopped through SocketSafeInterrupt, never in a socket write
        blocks.fetch = SocketSafeInterrupt.start(Thread.ofVirtual().name("fetch " + root),
                () -> blocks.run(bitswap, root, links));
        return blocks;
    }

    private void run(Bitswap bitswap, Cid root, LinkReader links) {
        try {
            // a block is stored before the fetch hands it over, so a reader woken here finds it
            bitswap.fetchDag(root, links, (block, fetched) -> signal(false), idle);
        } catch (IOException e) {
            // the reads left go to alone, which says what is missing
        } catch (InterruptedException e) {
            // closed
        } finally {
            signal(true);
        }
    }

    private void signal(boolean end) {
        lock.lock();
        try {
            if (end) {
                ended = true;
            } else {
                arrivals++;
            }
            change.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        return here(cid) ? local.get(cid) : alone.get(cid);
    }

    @Override
    public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        return here(cid) ? local.read(cid, buffers) : alone.read(cid, buffers);
    }

    /**
     * Whether the block is here, waiting while the fetch goes on and blocks keep arriving; false
     * once the fetch has ended without it, or nothing arrived for the idle time.
     */
    private boolean here(Cid cid) throws IOException {
        long deadline = System.nanoTime() + idle.toNanos();
        while (true) {
            long seen;
            boolean over;
            lock.lock();
            try {
                seen = arrivals;
                over = ended;
            } finally {
                lock.unlock();
            }
            if (local.has(cid.multihash())) {
                return true;
            }
            if (over) {
                return false;
            }
            lock.lock();
            try {
                while (arrivals == seen && !ended) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    change.await(left, TimeUnit.NANOSECONDS);
                }
                if (arrivals != seen) {
                    deadline = System.nanoTime() + idle.toNanos();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + cid);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops the fetch (a reader that read all it wanted, or whose client went away). */
    @Override
    public void close() {
        fetch.interrupt();
    }
}
