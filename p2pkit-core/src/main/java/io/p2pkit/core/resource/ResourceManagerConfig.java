package io.p2pkit.core.resource;

import io.p2pkit.core.identity.PeerId;

import java.util.Map;

/**
 * The limits of every scope. Peer and protocol limits apply to each peer and each protocol
 * separately; {@code peerOverrides} and {@code protocolOverrides} replace them for particular ones.
 */
public record ResourceManagerConfig(ResourceLimits system, ResourceLimits transientLimits,
                                    ResourceLimits peerDefault, Map<PeerId, ResourceLimits> peerOverrides,
                                    ResourceLimits protocolDefault, Map<String, ResourceLimits> protocolOverrides,
                                    ResourceLimits connection, ResourceLimits stream) {
    public ResourceManagerConfig {
        peerOverrides = Map.copyOf(peerOverrides);
        protocolOverrides = Map.copyOf(protocolOverrides);
    }

    /** No limits anywhere: everything is counted, nothing is refused. */
    public static ResourceManagerConfig unlimited() {
        ResourceLimits u = ResourceLimits.unlimited();
        return new ResourceManagerConfig(u, u, u, Map.of(), u, Map.of(), u, u);
    }

    /** The limits of {@code peer}'s scope. */
    public ResourceLimits peer(PeerId peer) {
        return peerOverrides.getOrDefault(peer, peerDefault);
    }

    /** The limits of {@code protocol}'s scope. */
    public ResourceLimits protocol(String protocol) {
        return protocolOverrides.getOrDefault(protocol, protocolDefault);
    }
}
