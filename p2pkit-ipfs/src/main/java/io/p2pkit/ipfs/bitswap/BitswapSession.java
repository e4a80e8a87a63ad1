package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Wants fetched together: the peers that answer one want are asked first for the next. Thread-safe.
 * Closing it cancels what it still wants.
 */
public final class BitswapSession implements AutoCloseable {
    private final ClientEngine client;
    private final ClientEngine.SessionState state = new ClientEngine.SessionState();
    private final Set<Cid> outstanding = ConcurrentHashMap.newKeySet();

    private final int parallelism;

    BitswapSession(ClientEngine client, int parallelism) {
        this.client = client;
        this.parallelism = parallelism;
    }

    /** How many blocks a DAG fetch in this session keeps wanted. */
    int parallelism() {
        return parallelism;
    }

    /**
     * Wants a block. The future completes with the block (verified against {@code cid}, and already
     * in the local store) or is cancelled when the want is.
     */
    public CompletableFuture<Block> want(Cid cid) {
        outstanding.add(cid);
        CompletableFuture<Block> f = client.want(state, cid);
        f.whenComplete((b, e) -> outstanding.remove(cid));
        return f;
    }

    /** Withdraws a want. */
    public void cancel(Cid cid) {
        outstanding.remove(cid);
        client.cancel(state, cid);
    }

    /**
     * Fetches one block and waits for it.
     *
     * @return the block, or empty when no peer sent it within {@code timeout} (the want is withdrawn)
     * @throws InterruptedIOException when interrupted
     */
    public Optional<Block> get(Cid cid, Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<Block> f = want(cid);
        try {
            return Optional.of(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | CancellationException e) {
            cancel(cid);
            return Optional.empty();
        } catch (ExecutionException e) {
            cancel(cid);
            throw new IOException("fetching " + cid + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            cancel(cid);
            throw e;
        }
    }

    /** Cancels everything the session still wants. */
    @Override
    public void close() {
        for (Cid c : Set.copyOf(outstanding)) {
            cancel(c);
        }
    }
}
