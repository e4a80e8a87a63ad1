package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;

/** A kind of resource that scopes account for. */
public enum Resource {
    INBOUND_CONNECTIONS("inbound connections"),
    OUTBOUND_CONNECTIONS("outbound connections"),
    INBOUND_STREAMS("inbound streams"),
    OUTBOUND_STREAMS("outbound streams"),
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

    @Override
    public String toString() {
        return description;
    }
}
