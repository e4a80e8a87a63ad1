package io.p2pkit.nat.portmap;

/**
 * Hears what a {@link PortMapper} does. Called on the mapper's own thread: return quickly.
 */
public interface PortMappingListener {
    /** A port was mapped, or its mapping changed (after {@link #unmapped} of the old one). */
    default void mapped(PortMapping mapping) {
    }

    /** A lease was renewed; the mapping is unchanged but for its expiry. */
    default void renewed(PortMapping mapping) {
    }

    /** A mapping ended: removed, lost at renewal, or replaced. */
    default void unmapped(PortMapping mapping) {
    }

    /** Mapping {@code internalPort} failed, for the reason given (e.g. "UPnP error 718 ConflictInMappingEntry"). */
    default void failed(Protocol protocol, int internalPort, String reason) {
    }

    /** The mapper's view of the gateway changed (found a device, found none, …). */
    default void statusChanged(PortMapper.Status status) {
    }
}
