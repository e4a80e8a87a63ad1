package io.p2pkit.node.config;

import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManagerConfig;

/**
 * The resource limits Kubo 0.39 computes for its daemon when {@code Swarm.ResourceMgr} sets none
 * ({@code createDefaultLimitConfig}; docs/libp2p-resource-management.md): memory and file
 * descriptors from the budget, and only what others open is limited, since the node trusts itself
 * with what it opens. go-libp2p's library defaults, which a {@code Host} built without limits
 * takes, also cap outbound connections and streams; a daemon that announces many keys at once
 * would then refuse its own dials.
 *
 * <ul>
 *   <li>system: the memory budget, the descriptor budget, one inbound connection per MiB of the
 *       budget (raised to twice the connection manager's high watermark and at least 800 unless
 *       the manager never trims); nothing else limited;</li>
 *   <li>transient: a quarter of the system's memory, descriptors and inbound connections (before
 *       the raise);</li>
 *   <li>peer: go-libp2p's scaled inbound connections and streams; nothing else;</li>
 *   <li>allow-listed, service, protocol, connection and stream scopes: unlimited.</li>
 * </ul>
 */
public final class KuboResourceLimits {
    /** Kubo's {@code DefaultResourceMgrMinInboundConns}. */
    public static final int MIN_INBOUND_CONNECTIONS = 800;
    private static final long MIB = 1024 * 1024;

    private KuboResourceLimits() {
    }

    /**
     * @param memory          the memory budget ({@code Swarm.ResourceMgr.MaxMemory})
     * @param fileDescriptors the descriptor budget ({@code Swarm.ResourceMgr.MaxFileDescriptors})
     * @param highWater       the connection manager's high watermark
     * @param trims           whether the connection manager trims ({@code Swarm.ConnMgr.Type} not {@code none})
     */
    public static ResourceManagerConfig of(long memory, long fileDescriptors, int highWater, boolean trims) {
        long inbound = Math.max(1, memory / MIB);
        long systemInbound = inbound;
        if (trims) {
            systemInbound = Math.max(systemInbound, Math.max(2L * highWater, MIN_INBOUND_CONNECTIONS));
        }
        ResourceLimits system = ResourceLimits.unlimited().with(Resource.MEMORY, memory)
                .with(Resource.FILE_DESCRIPTORS, fileDescriptors).with(Resource.INBOUND_CONNECTIONS, systemInbound);
        ResourceLimits transientLimits = ResourceLimits.unlimited().with(Resource.MEMORY, memory / 4)
                .with(Resource.FILE_DESCRIPTORS, Math.max(1, fileDescriptors / 4))
                .with(Resource.INBOUND_CONNECTIONS, Math.max(1, inbound / 4));
        ResourceLimits scaledPeer = ResourceManagerConfig.scaled(memory, fileDescriptors).peerDefault();
        ResourceLimits peer = ResourceLimits.unlimited()
                .with(Resource.INBOUND_CONNECTIONS, scaledPeer.limit(Resource.INBOUND_CONNECTIONS))
                .with(Resource.INBOUND_STREAMS, scaledPeer.limit(Resource.INBOUND_STREAMS));
        ResourceLimits none = ResourceLimits.unlimited();
        return ResourceManagerConfig.builder().system(system).transientLimits(transientLimits)
                .allowlistedSystem(none).allowlistedTransient(none).serviceDefault(none).protocolDefault(none)
                .peerDefault(peer).connection(none).stream(none).build();
    }
}
