package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a whole DAG with bounded parallelism: a walk from the root that keeps up to
 * {@link BitswapConfig#dagParallelism} blocks wanted in one session, follows the links of each
 * block as it arrives (or as it is found locally), and fails when no block arrives for the idle timeout.
 */
public final class DagFetch {
    /** Told of each block of the DAG, fetched or found. */
    @FunctionalInterface
    public interface Progress {
        /** Tells nobody. */
        Progress NONE = (block, fetched) -> {
        };

        /**
         * @param block   a block of the DAG
         * @param fetched whether it came from the network (else it was local)
         * @throws IOException to end the fetch with this failure
         */
        void block(Block block, boolean fetched) throws IOException;
    }

    /**
     * What a fetch did.
     *
     * @param blocks       blocks in the DAG
     * @param fetched      of those, blocks that came from the network
     * @param fetchedBytes their bytes
     */
    public record Result(long blocks, long fetched, long fetchedBytes) {
    }

    private record Arrival(Cid cid, Block block, Throwable error) {
    }

    private final BitswapSession session;
    private final Blockstore local;
    private final LinkReader links;
    private final Progress progress;
    private final Duration idleTimeout;
    private final int parallelism;

    DagFetch(BitswapSession session, Blockstore local, LinkReader links, Progress progress, Duration idleTimeout) {
        this.session = session;
        this.local = local;
        this.links = links;
        this.progress = progress;
        this.idleTimeout = idleTimeout;
        this.parallelism = Math.max(1, session.parallelism());
    }

    Result run(Cid root) throws IOException, InterruptedException {
        Deque<Cid> todo = new ArrayDeque<>();
        Set<Multihash> seen = new HashSet<>();
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        todo.add(root);
        long blocks = 0;
        long fetched = 0;
        long bytes = 0;
        int inFlight = 0;
        try (session) {
            while (!todo.isEmpty() || inFlight > 0) {
                while (!todo.isEmpty() && inFlight < parallelism) {
                    Cid c = todo.pollFirst();
                    if (!seen.add(c.multihash())) {
                        continue;
                    }
                    Optional<Block> here = c.multihash().code() == Multicodec.IDENTITY
                            ? Optional.of(Block.of(c, c.multihash().digest())) : stored(c);
                    if (here.isPresent()) {
                        blocks++;
                        progress.block(here.get(), false);
                        follow(here.get(), todo);
                        continue;
                    }
                    inFlight++;
                    session.want(c).whenComplete((b, e) -> arrivals.add(new Arrival(c, b, e)));
                }
                if (inFlight == 0) {
                    continue;
                }
                Arrival a = arrivals.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (a == null) {
                    throw new IOException("no block of the DAG under " + root + " arrived for " + idleTimeout.toSeconds()
                            + " s (" + inFlight + " wanted, " + blocks + " had); no connected peer seems to have them");
                }
                inFlight--;
                if (a.error != null) {
                    throw new IOException("fetching " + a.cid + " failed: " + a.error, a.error);
                }
                blocks++;
                fetched++;
                bytes += a.block.size();
                progress.block(a.block, true);
                follow(a.block, todo);
            }
        }
        return new Result(blocks, fetched, bytes);
    }

    /** The block if it is stored here; asked with {@code has} first, which is cheap for the blocks a fetch does not have yet. */
    private Optional<Block> stored(Cid c) throws IOException {
        return local.has(c.multihash()) ? local.get(c) : Optional.empty();
    }

    /** Children go to the front, in link order, so that the walk stays close to depth-first (a file's bytes arrive in order). */
    private void follow(Block b, Deque<Cid> todo) throws IOException {
        List<Cid> children;
        try {
            children = links.links(b);
        } catch (DecodeException e) {
            throw new IOException("block " + b.cid() + " does not decode as its codec says: " + e.getMessage(), e);
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            todo.addFirst(children.get(i));
        }
    }
}
