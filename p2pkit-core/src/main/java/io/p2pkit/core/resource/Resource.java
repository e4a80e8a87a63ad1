package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;

import java.util.Optional;

/**
 * A kind of resource that scopes account for. {@link #CONNECTIONS} and {@link #STREAMS} are totals
 * over both directions: they are never charged themselves, but a limit on them caps the sum.
 */
public enum Resource {
    INBOUND_CONNECTIONS("inbound connections"),
    OUTBOUND_CONNECTIONS("outbound connections"),
    CONNECTIONS("connections"),
    INBOUND_STREAMS("inbound streams"),
    OUTBOUND_STREAMS("outbound streams"),
    STREAMS("streams"),
    FILE_DESCRIPTORS("file descriptors"),
    MEMORY("memory bytes");

    private final String description;

    Resource(String description) {
        this.description = description;
    }

    /** The connections resource for a direction. */
    public static Resource connections(Direction direction) {
        return direction == Direction.INBOUND ? INBOUND_CONNECTIONS : OUTBOUND_CONNECTIONS;
    }

    /** The streams resource for a direction. */
    public static Resource streams(Direction direction) {
        return direction == Direction.INBOUND ? INBOUND_STREAMS : OUTBOUND_STREAMS;
    }

    /** The direction of a directional resource; empty for totals, memory and file descriptors. */
    public Optional<Direction> direction() {
        return switch (this) {
            case INBOUND_CONNECTIONS, INBOUND_STREAMS -> Optional.of(Direction.INBOUND);
            case OUTBOUND_CONNECTIONS, OUTBOUND_STREAMS -> Optional.of(Direction.OUTBOUND);
            default -> Optional.empty();
        };
    }

    /** The total a directional resource counts towards, or empty. */
    Optional<Resource> total() {
        return switch (this) {
            case INBOUND_CONNECTIONS, OUTBOUND_CONNECTIONS -> Optional.of(CONNECTIONS);
            case INBOUND_STREAMS, OUTBOUND_STREAMS -> Optional.of(STREAMS);
            default -> Optional.empty();
        };
    }

    /** Whether this resource is a sum of two others rather than charged itself. */
    public boolean isTotal() {
        return this == CONNECTIONS || this == STREAMS;
    }

    @Override
    public String toString() {
        return description;
    }
}
