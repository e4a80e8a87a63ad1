package io.p2pkit.pubsub;

/** A validator's verdict on a message. */
public enum ValidationResult {
    /** Deliver and forward. */
    ACCEPT,
    /** Drop and penalise the peer that sent it (a v1.1 P4 invalid delivery). */
    REJECT,
    /** Drop without penalty. */
    IGNORE
}
