package io.p2pkit.core.buffer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-wide recycling of the large I/O buffers of connections (Noise frames, yamux writes,
 * socket reads).
 *
 * <p>Connections hold their buffers only while bytes are in flight and hand them back before
 * they wait for the remote, so an idle connection costs no buffer; this pool keeps that from
 * turning into an allocation (and zeroing) of 64–128 KiB per frame on busy connections. It keeps
 * at most {@link #MAX_PER_SIZE} arrays of each of at most {@link #MAX_SIZES} sizes; anything
 * beyond is left to the garbage collector, so the pool's own footprint is bounded.
 *
 * <p>Arrays come back with stale contents: callers must track what they wrote, as they do with
 * any reused buffer. An array must not be used after {@link #give(byte[])}.
 */
public final class BufferPool {
    /** Arrays kept per size. */
    public static final int MAX_PER_SIZE = 64;
    /** Distinct sizes kept. */
    public static final int MAX_SIZES = 16;
    /** Larger arrays are never kept. */
    public static final int MAX_BYTES = 1 << 20;

    private static final ConcurrentHashMap<Integer, Shelf> SHELVES = new ConcurrentHashMap<>();

    private BufferPool() {
    }

    /** An array of exactly {@code size} bytes, recycled when one is available. */
    public static byte[] take(int size) {
        Shelf shelf = SHELVES.get(size);
        if (shelf != null) {
            byte[] b = shelf.arrays.pollFirst();
            if (b != null) {
                shelf.count.decrementAndGet();
                return b;
            }
        }
        return new byte[size];
    }

    /** Hands {@code array} back for reuse; the caller must drop its reference. Null is ignored. */
    public static void give(byte[] array) {
        if (array == null || array.length == 0 || array.length > MAX_BYTES) {
            return;
        }
        Shelf shelf = SHELVES.get(array.length);
        if (shelf == null) {
            if (SHELVES.size() >= MAX_SIZES) {
                return;
            }
            shelf = SHELVES.computeIfAbsent(array.length, k -> new Shelf());
        }
        if (shelf.count.incrementAndGet() > MAX_PER_SIZE) {
            shelf.count.decrementAndGet();
            return;
        }
        shelf.arrays.addFirst(array);
    }

    /** The arrays currently kept, over all sizes (for tests and metrics). */
    public static int kept() {
        int n = 0;
        for (Shelf s : SHELVES.values()) {
            n += s.count.get();
        }
        return n;
    }

    private static final class Shelf {
        final ConcurrentLinkedDeque<byte[]> arrays = new ConcurrentLinkedDeque<>();
        final AtomicInteger count = new AtomicInteger();
    }
}
