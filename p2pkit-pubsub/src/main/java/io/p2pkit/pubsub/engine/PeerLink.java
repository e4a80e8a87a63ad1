package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.core.identity.PeerId;

/**
 * What a {@link PubsubEngine} sends through to one peer: the outbound pubsub stream and its
 * bounded two-lane queue ({@link SendLanes}). Offers never block; a full lane drops and counts.
 * {@link PeerSender} is the one over a host's stream; a simulation supplies its own.
 */
public interface PeerLink {
    /** The peer at the other end. */
    PeerId peer();

    /** Queues an RPC in the priority lane; false if it was dropped. */
    boolean offerControl(Rpc rpc);

    /** Queues a message in the dropping lane; false if it was dropped. */
    boolean offerMessage(PubsubMessage message);

    /** Bytes written so far (RPC frames without their length prefixes). */
    long sentBytes();

    /** Messages dropped because the message lane was full. */
    long droppedMessages();

    /** Control RPCs dropped because the priority lane was full. */
    long droppedControl();

    /**
     * Waits until everything queued so far has been written, or the deadline ({@link System#nanoTime()})
     * passes. A link that writes at once (a simulation's) has nothing to wait for.
     *
     * @return false if the deadline passed first
     */
    default boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        return true;
    }

    /** Closes politely: waits (until the deadline) for what is queued to be written, then closes. */
    default void finish(long deadlineNanos) throws InterruptedException {
        awaitDrained(deadlineNanos);
        close();
    }

    /** Drops what is queued and closes the stream. Idempotent. */
    void close();
}
