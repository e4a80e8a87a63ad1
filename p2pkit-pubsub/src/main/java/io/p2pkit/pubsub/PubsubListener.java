package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;

/** Told when peers join or leave topics. Called on the pubsub owner thread: return quickly. */
public interface PubsubListener {
    /** {@code peer} is now a pubsub peer subscribed to {@code topic}. */
    default void peerJoined(String topic, PeerId peer) {
    }

    /** {@code peer} left {@code topic} (unsubscribed or disconnected). */
    default void peerLeft(String topic, PeerId peer) {
    }
}
