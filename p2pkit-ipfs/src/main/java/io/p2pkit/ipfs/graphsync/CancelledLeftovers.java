package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocks that arrived on responses to requests this side had just cancelled. A paused request
 * is cancelled and asked again; until the responder has handled the cancel, it still counts what
 * it sent on the old request as sent, so the new request names those blocks "present, not sent"
 * (go-graphsync's {@code d}) and they exist only on the old request's responses. Bounded: at most
 * {@link #MAX_CANCELLED} recent cancels, kept {@link #KEEP_NANOS}, and {@link #MAX_BYTES} of
 * blocks, oldest dropped first.
 *
 * @param <K> what names one outgoing request
 */
final class CancelledLeftovers<K> {
    static final int MAX_CANCELLED = 64;
    static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long MAX_BYTES = 8L << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final LinkedHashMap<K, Long> cancelled = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, Long> eldest) {
            return size() > MAX_CANCELLED;
        }
    };
    private final LinkedHashMap<Cid, Block> blocks = new LinkedHashMap<>();
    private long bytes;

    /** Remembers that this side cancelled {@code request}. */
    void cancelled(K request) {
        lock.lock();
        try {
            cancelled.put(request, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code request} was cancelled here within {@link #KEEP_NANOS}. */
    boolean wasCancelled(K request) {
        lock.lock();
        try {
            Long at = cancelled.get(request);
            return at != null && System.nanoTime() - at < KEEP_NANOS;
        } finally {
            lock.unlock();
        }
    }

    /** Keeps a block a cancelled request's response carried. */
    void keep(Block b) {
        if (b.size() > MAX_BYTES) {
            return;
        }
        lock.lock();
        try {
            if (blocks.putIfAbsent(b.cid(), b) == null) {
                bytes += b.size();
                Iterator<Map.Entry<Cid, Block>> it = blocks.entrySet().iterator();
                while (bytes > MAX_BYTES) {
                    bytes -= it.next().getValue().size();
                    it.remove();
                }
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the block with {@code cid}, waiting up to {@code nanos} for it (the old request's
     * response may still be on its way).
     */
    Optional<Block> take(Cid cid, long nanos) throws InterruptedException {
        long left = nanos;
        lock.lock();
        try {
            while (true) {
                Block b = blocks.remove(cid);
                if (b != null) {
                    bytes -= b.size();
                    return Optional.of(b);
                }
                if (left <= 0 || cancelled.isEmpty()) {
                    return Optional.empty();
                }
                left = arrived.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }
}
