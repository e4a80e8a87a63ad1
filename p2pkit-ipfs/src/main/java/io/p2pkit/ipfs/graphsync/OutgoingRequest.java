package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.ipfs.block.Block;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request this node made, as its responses arrive: the links the responder reports, in its
 * traversal order, each with its block when one came, waiting for the local traversal to reach
 * them. Responses are added by the stream reader; the traversal takes them in order. The bytes
 * of blocks waiting are capped: a peer that sends further ahead fails the request. They are also
 * charged to the memory scope of the stream they came on until the traversal takes them; a
 * refusal fails the request.
 */
final class OutgoingRequest {
    /** One link as the responder reported it; {@code block} is null when none came with it. */
    record Entry(Cid link, Message.LinkAction action, Block block) {
    }

    /** An entry and where its block's bytes are charged. */
    private record Held(Entry entry, MemoryScope charged) {
    }

    /** What {@link #add} answers for a request this side had already ended. */
    static final int ENDED = -1;

    /** A block the request had received but the traversal never took, and the scope it was charged to. */
    record Untaken(Block block, MemoryScope scope) {
    }

    /** What the traversal finds next. */
    sealed interface Next permits Link, Finished, Failed {
    }

    /** The next link the responder reported. */
    record Link(Entry entry) implements Next {
    }

    /** The responder ended the request and every reported link was taken. */
    record Finished(ResponseStatus status) implements Next {
    }

    /** The request failed (the peer broke the protocol, or sent too much). */
    record Failed(String reason) implements Next {
    }

    final PeerId peer;
    final Message.RequestId id;
    private final long maxBufferedBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Held> entries = new ArrayDeque<>();
    private boolean memoryRefused;
    private boolean ended;
    private long bufferedBytes;
    private ResponseStatus finalStatus;
    private String failure;

    OutgoingRequest(PeerId peer, Message.RequestId id, long maxBufferedBytes) {
        this.peer = peer;
        this.id = id;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /**
     * Adds a response and the blocks of its message that it names.
     *
     * @return how many links came after the response that ended the request (nothing should), or
     *     {@link #ENDED} when this side had already ended the request and took nothing
     */
    int add(Message.Response r, Map<Cid, Block> blocks, MemoryScope memory) {
        lock.lock();
        try {
            if (ended) {
                return ENDED;
            }
            if (finalStatus != null || failure != null) {
                return r.metadata().size();
            }
            for (Message.Metadatum d : r.metadata()) {
                Block b = d.action() == Message.LinkAction.PRESENT ? blocks.get(d.link()) : null;
                MemoryScope charged = MemoryScope.UNLIMITED;
                if (b != null) {
                    try {
                        charged = charge(memory, b.size());
                    } catch (ResourceLimitException e) {
                        memoryRefused = true;
                        failure = "the resource manager refused memory for the blocks received (" + e.getMessage() + ")";
                        changed.signalAll();
                        return 0;
                    }
                    bufferedBytes += b.size();
                }
                entries.add(new Held(new Entry(d.link(), d.action(), b), charged));
            }
            if (bufferedBytes > maxBufferedBytes) {
                failure = "the peer sent more than " + maxBufferedBytes + " bytes of blocks ahead of the traversal";
            } else if (r.status().terminal()) {
                finalStatus = r.status();
            }
            changed.signalAll();
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /** Reserves in {@code scope}, or in none once its stream has closed (the buffer cap still bounds it). */
    static MemoryScope charge(MemoryScope scope, long bytes) throws ResourceLimitException {
        try {
            scope.reserveMemory(bytes, MemoryPriority.MEDIUM);
            return scope;
        } catch (IllegalStateException closedScope) {
            return MemoryScope.UNLIMITED;
        }
    }

    /**
     * Releases what blocks still waiting hold, once the request has ended.
     *
     * @return those blocks, which the traversal never took (a cancelled request's may be needed
     *     by the request that replaces it), each with the scope it was charged to
     */
    List<Untaken> release() {
        lock.lock();
        try {
            List<Untaken> untaken = new ArrayList<>();
            for (Held h : entries) {
                if (h.entry().block() != null) {
                    h.charged().releaseMemory(h.entry().block().size());
                    untaken.add(new Untaken(h.entry().block(), h.charged()));
                }
            }
            entries.clear();
            bufferedBytes = 0;
            ended = true;
            return untaken;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the request failed because memory was refused */
    boolean memoryRefused() {
        lock.lock();
        try {
            return memoryRefused;
        } finally {
            lock.unlock();
        }
    }

    /** Fails the request (from outside: a closed stream, a malformed message). */
    void fail(String reason) {
        lock.lock();
        try {
            if (failure == null) {
                failure = reason;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next link, the end, or a failure.
     *
     * @param idleNanos how long to wait for something to arrive
     * @return what came, or null when nothing came in time
     */
    Next next(long idleNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = idleNanos;
            while (true) {
                if (failure != null) {
                    return new Failed(failure);
                }
                Held h = entries.poll();
                if (h != null) {
                    Entry e = h.entry();
                    if (e.block() != null) {
                        bufferedBytes -= e.block().size();
                        h.charged().releaseMemory(e.block().size());
                    }
                    return new Link(e);
                }
                if (finalStatus != null) {
                    return new Finished(finalStatus);
                }
                if (left <= 0) {
                    return null;
                }
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the links reported but never taken by the traversal (after it ended) */
    int leftOver() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the final status once the traversal is done; null when it did not come in time. */
    ResponseStatus awaitFinal(long idleNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = idleNanos;
            while (finalStatus == null && failure == null && left > 0) {
                left = changed.awaitNanos(left);
            }
            return finalStatus;
        } finally {
            lock.unlock();
        }
    }

    static long nanos(java.time.Duration d) {
        return TimeUnit.NANOSECONDS.convert(d);
    }
}
