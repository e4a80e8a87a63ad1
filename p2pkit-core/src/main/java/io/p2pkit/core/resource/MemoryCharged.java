package io.p2pkit.core.resource;

/**
 * A connection's stream that holds buffers of its own and charges them to a {@link MemoryScope}
 * set after it was made: a transport builds its streams before the connection's resource span
 * exists, and the upgrader hands them the span once it does.
 */
public interface MemoryCharged {
    /**
     * Charges this stream's buffers to {@code memory} from their next reservation on (a buffer
     * held now stays charged where it was reserved).
     */
    void chargeTo(MemoryScope memory);

    /** Charges {@code stream}'s buffers to {@code memory} if it has any to charge; otherwise does nothing. */
    static void charge(Object stream, MemoryScope memory) {
        if (stream instanceof MemoryCharged charged) {
            charged.chargeTo(memory);
        }
    }
}
