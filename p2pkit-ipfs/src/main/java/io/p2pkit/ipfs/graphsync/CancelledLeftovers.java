package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.ipfs.block.Block;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Blocks that arrived on responses to requests this side had just cancelled. A paused request
 * is cancelled and asked again; until the responder has handled the cancel, it still counts what
 * it sent on the old request as sent, so the new request names those blocks "present, not sent"
 * (go-graphsync's {@code d}) and they exist only on the old request's responses. Bounded: at most
 * {@link #MAX_CANCELLED} recent cancels, kept {@link #KEEP_NANOS}, and {@link #MAX_BYTES} of
 * blocks, oldest dropped first; a block not taken within {@link #KEEP_NANOS} is dropped too. Each kept block stays charged to the memory scope of the stream it
 * came on until it is taken or dropped; a block the scope refuses is not kept.
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
    private final LinkedHashMap<Cid, Kept> blocks = new LinkedHashMap<>();
    private final LongSupplier clock;
    private long bytes;

    CancelledLeftovers() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} (tests move it) */
    CancelledLeftovers(LongSupplier clock) {
        this.clock = clock;
    }

    /** Remembers that this side cancelled {@code request}. */
    void cancelled(K request) {
        lock.lock();
        try {
            cancelled.put(request, clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code request} was cancelled here within {@link #KEEP_NANOS}. */
    boolean wasCancelled(K request) {
        lock.lock();
        try {
            Long at = cancelled.get(request);
            return at != null && clock.getAsLong() - at < KEEP_NANOS;
        } finally {
            lock.unlock();
        }
    }

    /** A kept block, the scope its bytes are charged to, and when it came. */
    private record Kept(Block block, MemoryScope charged, long at) {
        void release() {
            charged.releaseMemory(block.size());
        }
    }

    /**
     * Keeps a block a cancelled request's response carried, charged to {@code memory} (the scope
     * of the stream it came on).
     *
     * @return whether it is kept: not when it is too big, already kept, or refused by the scope
     */
    boolean keep(Block b, MemoryScope memory) {
        if (b.size() > MAX_BYTES) {
            return false;
        }
        lock.lock();
        try {
            if (blocks.containsKey(b.cid())) {
                return false;
            }
            MemoryScope charged;
            try {
                charged = OutgoingRequest.charge(memory, b.size());
            } catch (ResourceLimitException e) {
                return false;
            }
            long now = clock.getAsLong();
            blocks.put(b.cid(), new Kept(b, charged, now));
            bytes += b.size();
            dropOldest(now);
            arrived.signalAll();
            return true;
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
                dropOldest(clock.getAsLong());
                Kept k = blocks.remove(cid);
                if (k != null) {
                    bytes -= k.block().size();
                    k.release();
                    return Optional.of(k.block());
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

    /** Drops the oldest blocks while over {@link #MAX_BYTES} or older than {@link #KEEP_NANOS}. */
    private void dropOldest(long now) {
        Iterator<Map.Entry<Cid, Kept>> it = blocks.entrySet().iterator();
        while (it.hasNext()) {
            Kept oldest = it.next().getValue();
            if (bytes <= MAX_BYTES && now - oldest.at() < KEEP_NANOS) {
                return;
            }
            it.remove();
            bytes -= oldest.block().size();
            oldest.release();
        }
    }
}
