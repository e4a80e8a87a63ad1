package io.p2pkit.ipfs.block;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Heap arrays that blocks are read into when they are only passing through, as the blocks a
 * Bitswap server reads from disk to send: each would otherwise be a new array of a block's size,
 * written to a peer once and then left to the garbage collector (a gigabyte of them per gigabyte
 * served). A block read with {@link BlockSource#get(io.p2pkit.core.multiformats.Cid, BlockArrays)}
 * may hold an array from here; whoever is done with it gives it back with {@link #release}.
 *
 * <p>Arrays are exactly the size asked for: a file's leaves are all one size, so they come back
 * for the next block. Only arrays this pool lent are taken back; any other array given to
 * {@link #release} (a block a store shares, held in memory) is ignored, so a caller may release
 * every block it read this way. Arrays under {@link #MIN_BYTES} are plain new arrays (cheap to
 * make, and many small ones would make the pool's bookkeeping the cost). At most
 * {@link #MAX_IDLE_BYTES} are kept idle, the oldest dropped first, and at most
 * {@link #MAX_LENT_BYTES} are tracked while lent: beyond that an array is lent untracked, and never
 * comes back, so a caller that forgets to release can hold no more than that here. Thread-safe.
 */
public final class BlockArrays {
    /** The most bytes kept idle for reuse. */
    public static final long MAX_IDLE_BYTES = 16L << 20;
    /** The most bytes of lent arrays tracked (to be taken back). */
    public static final long MAX_LENT_BYTES = 64L << 20;
    /** Smaller arrays are not pooled. */
    public static final int MIN_BYTES = 16 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, ArrayDeque<byte[]>> idleBySize = new HashMap<>();
    private final ArrayDeque<byte[]> idleOldestFirst = new ArrayDeque<>();
    private final Set<byte[]> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private long idleBytes;
    private long lentBytes;

    /**
     * @param size the array's length
     * @return an array of exactly {@code size} bytes (stale contents), lent until {@link #release}
     */
    public byte[] acquire(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size);
        }
        if (size < MIN_BYTES || size > MAX_IDLE_BYTES) {
            return new byte[size];
        }
        lock.lock();
        try {
            ArrayDeque<byte[]> shelf = idleBySize.get(size);
            byte[] a = shelf == null ? null : shelf.pollLast();
            if (a != null) {
                idleOldestFirst.removeFirstOccurrence(a);
                idleBytes -= a.length;
            } else {
                a = new byte[size];
            }
            if (lentBytes + size <= MAX_LENT_BYTES) {
                lent.add(a);
                lentBytes += size;
            }
            return a;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back an array {@link #acquire} lent; nothing happens for any other array or null. The
     * caller must not touch the array afterwards.
     */
    public void release(byte[] array) {
        if (array == null) {
            return;
        }
        lock.lock();
        try {
            if (!lent.remove(array)) {
                return;
            }
            lentBytes -= array.length;
            while (idleBytes + array.length > MAX_IDLE_BYTES) {
                byte[] oldest = idleOldestFirst.pollFirst();
                ArrayDeque<byte[]> shelf = idleBySize.get(oldest.length);
                shelf.removeFirstOccurrence(oldest);
                if (shelf.isEmpty()) {
                    idleBySize.remove(oldest.length);
                }
                idleBytes -= oldest.length;
            }
            idleBySize.computeIfAbsent(array.length, k -> new ArrayDeque<>()).addLast(array);
            idleOldestFirst.addLast(array);
            idleBytes += array.length;
        } finally {
            lock.unlock();
        }
    }

    /** @return the bytes kept idle now */
    public long idleBytes() {
        lock.lock();
        try {
            return idleBytes;
        } finally {
            lock.unlock();
        }
    }

    /** @return the arrays lent and not given back */
    public int lent() {
        lock.lock();
        try {
            return lent.size();
        } finally {
            lock.unlock();
        }
    }
}
