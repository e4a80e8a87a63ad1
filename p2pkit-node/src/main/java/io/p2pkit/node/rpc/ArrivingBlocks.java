package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
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

/**
 * The blocks of a DAG that a Bitswap fetch brings in the background, for a command that streams
 * the DAG out while it comes, as Kubo's {@code cat} does: the fetch walks the whole DAG (256 blocks
 * at a time, in the depth-first order a reader wants them, storing each), and a read of a block
 * not here yet waits for the fetch to bring it. When the fetch has ended without a block (it is
 * outside the fetch's DAG) that block is fetched on its own, as {@link FetchingBlocks} does; when
 * the fetch failed, the read fails with its error. Close it to stop the fetch.
 */
final class ArrivingBlocks implements BlockSource, AutoCloseable {
    private final Blockstore local;
    private final FetchingBlocks alone;
    private final Cid root;
    private final Duration idle;
    private final Object lock = new Object();
    private final Thread fetch;
    private long arrivals; // guarded by lock: blocks the fetch has handed over so far
    private boolean ended; // guarded by lock
    private IOException failure; // guarded by lock

    private ArrivingBlocks(Blockstore local, FetchingBlocks alone, Bitswap bitswap, Cid root, LinkReader links,
                           Duration idle) {
        this.local = local;
        this.alone = alone;
        this.root = root;
        this.idle = idle;
        this.fetch = Thread.ofVirtual().name("fetch " + root).unstarted(() -> run(bitswap, links));
    }

    /** Starts fetching the DAG under {@code root} for a request's command (which must not be {@code offline}). */
    static ArrivingBlocks start(RpcRequest request, Cid root, LinkReader links) {
        var content = NodeContent.content(request);
        ArrivingBlocks blocks = new ArrivingBlocks(content.repository().blocks().local(), FetchingBlocks.of(request),
                content.bitswap(), root, links, NodeContent.FETCH_IDLE);
        blocks.fetch.start();
        return blocks;
    }

    private void run(Bitswap bitswap, LinkReader links) {
        IOException failed = null;
        try {
            // a block is stored before the fetch hands it over, so a reader woken here finds it
            bitswap.fetchDag(root, links, (block, fetched) -> arrived(), idle);
        } catch (IOException e) {
            failed = e;
        } catch (InterruptedException e) {
            failed = new InterruptedIOException("the fetch of " + root + " was stopped");
        }
        synchronized (lock) {
            ended = true;
            failure = failed;
            lock.notifyAll();
        }
    }

    private void arrived() {
        synchronized (lock) {
            arrivals++;
            lock.notifyAll();
        }
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        return here(cid) ? local.get(cid) : alone.get(cid);
    }

    @Override
    public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        return here(cid) ? local.read(cid, buffers) : alone.get(cid).map(b -> buffers.acquire(b.size()).put(b.data()).flip());
    }

    /**
     * Whether the block is here, waiting for the fetch to bring it; false once the fetch has ended
     * without it. Fails with the fetch's error when it failed, or when nothing arrived for the idle time.
     */
    private boolean here(Cid cid) throws IOException {
        long deadline = System.nanoTime() + idle.toNanos();
        while (true) {
            long seen;
            boolean over;
            synchronized (lock) {
                seen = arrivals;
                over = ended;
            }
            if (local.has(cid.multihash())) {
                return true;
            }
            synchronized (lock) {
                if (over) {
                    if (failure != null) {
                        throw RpcError.failed("could not fetch " + root + ": " + failure.getMessage());
                    }
                    return false;
                }
                while (arrivals == seen && !ended) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw RpcError.failed("could not fetch " + cid + ": nothing arrived for " + idle.toSeconds() + " s");
                    }
                    try {
                        lock.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for " + cid);
                    }
                }
                if (arrivals != seen) {
                    deadline = System.nanoTime() + idle.toNanos();
                }
            }
        }
    }

    /** Stops the fetch (a command that read all it wanted, or whose client went away). */
    @Override
    public void close() {
        fetch.interrupt();
    }
}
