package io.p2pkit.core.resource;

/**
 * Where a connection's buffers are charged: code that holds memory for a connection (Noise frame
 * buffers, yamux receive windows, mplex receive queues) reserves it here before allocating and
 * releases it when the buffer is given back. A {@link ConnectionSpan} is one; {@link #UNLIMITED}
 * is for connections made outside a resource manager (tests, tools).
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

    /** Gives back {@code bytes} reserved with {@link #reserveMemory}. */
    void releaseMemory(long bytes);
}
