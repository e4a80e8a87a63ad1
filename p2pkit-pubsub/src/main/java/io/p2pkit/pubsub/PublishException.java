package io.p2pkit.pubsub;

import java.io.IOException;
import java.util.Objects;

/** A publish that did not happen, and why ({@link #reason()}), so that callers can tell the cases apart. */
public final class PublishException extends IOException {
    /** Why a publish failed. */
    public enum Reason {
        /** The data is over {@link PubsubConfig#maxMessageBytes()}. */
        TOO_LARGE,
        /** The topic's validator did not accept the message (its verdict is {@link #validation()}). */
        REJECTED,
        /** A message with the same ID was published or seen within the seen-cache TTL. */
        DUPLICATE,
        /** No known peer subscribes to the topic, and {@link PubsubConfig#publishToZeroPeers()} is off. */
        NO_PEERS,
        /** Pubsub is closed. */
        CLOSED
    }

    private final Reason reason;
    private final ValidationResult validation;

    /** A failure for {@code reason}, with a message for people. */
    public PublishException(Reason reason, String message) {
        this(reason, null, message);
    }

    /** A refusal by the topic's validator, which answered {@code validation}. */
    public PublishException(ValidationResult validation, String message) {
        this(Reason.REJECTED, Objects.requireNonNull(validation, "validation"), message);
    }

    private PublishException(Reason reason, ValidationResult validation, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.validation = validation;
    }

    /** Why the publish failed. */
    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#REJECTED}: the validator's verdict ({@code REJECT} or {@code IGNORE}); null otherwise. */
    public ValidationResult validation() {
        return validation;
    }
}
