package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;

/**
 * Application validation of a topic's messages. Runs on a virtual thread of its own, so it may
 * block; how many run at once and how many may wait is bounded by {@link PubsubConfig}.
 */
@FunctionalInterface
public interface Validator {
    /**
     * Judges {@code message}, received from {@code source} (this node's own ID for local publishes).
     * An exception counts as {@link ValidationResult#REJECT}.
     */
    ValidationResult validate(PeerId source, PubsubMessage message);
}
