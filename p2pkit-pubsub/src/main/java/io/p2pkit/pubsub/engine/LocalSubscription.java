package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.PubsubMessage;

/**
 * A subscription or relay of this node as the engine sees it: where a topic's accepted messages
 * go on this node, and how to end it when the engine closes. {@code PubSub} adapts its
 * {@code Subscription}s; a simulation gives its own.
 */
public interface LocalSubscription {
    /** Hands over an accepted message (never called for a relay). Must not block. */
    void deliver(PubsubMessage message);

    /** Ends the subscription (called by whoever owns it, on any thread). */
    void cancel();
}
