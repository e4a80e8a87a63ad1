package io.p2pkit.ipfs.block;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers that block reads reuse. A file streamed out block by block (a gateway response,
 * {@code cat}) would otherwise allocate, zero and later collect a heap array per block, and the
 * JDK would copy each one through a temporary direct buffer on its way to and from the kernel:
 * with a reused direct buffer the bytes go from the file to the socket with no copy in Java.
 *
 * <p>Buffers come in power-of-two capacities from 64 KiB up to {@link Block#MAX_SIZE}; a larger
 * request gets a buffer of its own that is never kept. At most {@link #MAX_IDLE_BYTES} of
 * released buffers are kept for reuse; beyond that they are left to the garbage collector. A
 * buffer that is never released is merely not reused. Thread-safe.
 */
public final class DirectBuffers {
    /** The most kept for reuse, in bytes: enough for several readers' blocks read ahead. */
    static final long MAX_IDLE_BYTES = 32L << 20;
    private static final int MIN_SHIFT = 16;
    private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(Block.MAX_SIZE);

    /** The pool the exporter and the blockstores share (after the sizes it needs). */
    public static final DirectBuffers SHARED = new DirectBuffers();

    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<ByteBuffer>[] idle = new ConcurrentLinkedQueue[MAX_SHIFT - MIN_SHIFT + 1];
    private final AtomicLong idleBytes = new AtomicLong();
    private final AtomicLong lent = new AtomicLong();
    private final AtomicLong lentBytes = new AtomicLong();

    /** A pool of its own; most users want {@link #SHARED}. */
    public DirectBuffers() {
        for (int i = 0; i < idle.length; i++) {
            idle[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /**
     * @param size the bytes the caller will put in it
     * @return a cleared direct buffer with room for at least {@code size} bytes, its limit at {@code size}
     */
    public ByteBuffer acquire(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size);
        }
        int shift = shiftFor(size);
        ByteBuffer b = shift > MAX_SHIFT ? null : idle[shift - MIN_SHIFT].poll();
        if (b != null) {
            idleBytes.addAndGet(-b.capacity());
        } else {
            b = ByteBuffer.allocateDirect(shift > MAX_SHIFT ? size : 1 << shift);
        }
        lent.incrementAndGet();
        lentBytes.addAndGet(b.capacity());
        return b.clear().limit(size);
    }

    /**
     * Gives a buffer that {@link #acquire} returned back for reuse (never a slice or other view
     * of one). The caller must not touch it, or any view of it, afterwards.
     *
     * @param b the buffer, or null (nothing happens)
     */
    public void release(ByteBuffer b) {
        if (b == null) {
            return;
        }
        lent.decrementAndGet();
        lentBytes.addAndGet(-b.capacity());
        if (!b.isDirect() || Integer.bitCount(b.capacity()) != 1) {
            return;
        }
        int shift = Integer.numberOfTrailingZeros(b.capacity());
        if (shift < MIN_SHIFT || shift > MAX_SHIFT) {
            return;
        }
        if (idleBytes.addAndGet(b.capacity()) > MAX_IDLE_BYTES) {
            idleBytes.addAndGet(-b.capacity());
            return;
        }
        idle[shift - MIN_SHIFT].offer(b);
    }

    /** @return the bytes kept for reuse now */
    public long idleBytes() {
        return idleBytes.get();
    }

    /** @return the buffers acquired and not released: those in use, and any a reader dropped */
    public long lent() {
        return lent.get();
    }

    /** @return the capacity of the buffers {@link #lent} counts, in bytes */
    public long lentBytes() {
        return lentBytes.get();
    }

    private static int shiftFor(int size) {
        if (size <= 1 << MIN_SHIFT) {
            return MIN_SHIFT;
        }
        return 32 - Integer.numberOfLeadingZeros(size - 1);
    }
}
