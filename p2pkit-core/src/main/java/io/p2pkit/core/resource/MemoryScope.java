package io.p2pkit.core.resource;

import io.p2pkit.core.buffer.BufferPool;

/**
 * Where a connection's buffers are charged: code that holds memory for a connection (Noise frame
 * buffers, yamux receive windows, mplex receive queues) reserves it here before allocating and
 * releases it when the buffer is given back. A {@link ConnectionSpan} is one; {@link #UNLIMITED}
 * is for connections made outside a resource manager (tests, tools).
 *
 * <p>{@link #takeBuffer} and {@link #giveBuffer} pair a reservation with a {@link BufferPool}
 * array, so that every layer charges its buffers the same way: reserve first, allocate after,
 * and release exactly the array's length when it goes back.
 */
public interface MemoryScope {
    /** A scope that accepts every reservation and counts nothing. */
    MemoryScope UNLIMITED = new MemoryScope() {
        @Override
        public void reserveMemory(long bytes, int priority) {
            // nothing is limited
        }

        @Override
        public void releaseMemory(long bytes) {
            // nothing was counted
        }

        @Override
        public String toString() {
            return "MemoryScope.UNLIMITED";
        }
    };

    /**
     * Reserves {@code bytes} at a {@link MemoryPriority}.
     *
     * @throws ResourceLimitException when a scope would pass its memory limit (or the priority's share of it)
     */
    void reserveMemory(long bytes, int priority) throws ResourceLimitException;

    /**
     * Like {@link #reserveMemory}, for memory that only makes things faster (a bigger receive
     * window, a bigger batch): a refusal is counted by the resource manager as any other and
     * answered with false, without the cost of an exception and its stack trace.
     *
     * @return whether the memory was reserved
     */
    default boolean tryReserveMemory(long bytes, int priority) {
        try {
            reserveMemory(bytes, priority);
            return true;
        } catch (ResourceLimitException e) {
            return false;
        }
    }

    /** Gives back {@code bytes} reserved with {@link #reserveMemory}. */
    void releaseMemory(long bytes);

    /**
     * Reserves {@code size} bytes at {@code priority}, then takes an array of that size from the
     * {@link BufferPool}. Nothing is allocated when the reservation is refused.
     *
     * @throws ResourceLimitException when the reservation is refused
     */
    default byte[] takeBuffer(int size, int priority) throws ResourceLimitException {
        reserveMemory(size, priority);
        return BufferPool.take(size);
    }

    /**
     * Like {@link #takeBuffer}, for buffers that only save work (bigger batches, fewer system
     * calls): a refusal is counted by the resource manager and answered with null, and the caller
     * goes on without the buffer.
     */
    default byte[] tryTakeBuffer(int size, int priority) {
        return tryReserveMemory(size, priority) ? BufferPool.take(size) : null;
    }

    /**
     * Hands an array from {@link #takeBuffer} back to the pool and releases its length; null is
     * ignored. The caller must drop its reference.
     */
    default void giveBuffer(byte[] buffer) {
        if (buffer != null) {
            BufferPool.give(buffer);
            releaseMemory(buffer.length);
        }
    }
}
