package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accounts for connections, streams, file descriptors and memory in the scope hierarchy
 * system → transient → peer → protocol → connection → stream, before they are allocated.
 *
 * <p>A new connection is charged to the system and transient scopes; once the security handshake
 * names the remote, {@link ConnectionSpan#setPeer} moves it from transient to that peer's scope. A
 * new stream is charged to the system, its peer and the transient scope; once multistream has
 * agreed on a protocol, {@link StreamSpan#setProtocol} moves it from transient to that protocol's
 * scope. Closing a span releases everything it holds.
 *
 * <p>Limits come from {@link ResourceManagerConfig}; the default is unlimited, which still counts.
 */
public final class ResourceManager {
    final ReentrantLock lock = new ReentrantLock();
    private final ResourceManagerConfig config;
    private final ResourceScope system;
    private final ResourceScope transientScope;
    private final Map<PeerId, ResourceScope> peers = new HashMap<>();
    private final Map<String, ResourceScope> protocols = new HashMap<>();

    /** A manager that counts but limits nothing. */
    public ResourceManager() {
        this(ResourceManagerConfig.unlimited());
    }

    public ResourceManager(ResourceManagerConfig config) {
        this.config = config;
        this.system = new ResourceScope(this, "system", config.system());
        this.transientScope = new ResourceScope(this, "transient", config.transientLimits());
    }

    /** The scope that holds everything. */
    public ResourceScope system() {
        return system;
    }

    /** The scope of connections and streams not yet attributed to a peer or protocol. */
    public ResourceScope transientScope() {
        return transientScope;
    }

    /** The scope of {@code peer}, if it holds anything now. */
    public java.util.Optional<ResourceScope> peerScope(PeerId peer) {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(peers.get(peer));
        } finally {
            lock.unlock();
        }
    }

    /** The scope of {@code protocol}, if it holds anything now. */
    public java.util.Optional<ResourceScope> protocolScope(String protocol) {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(protocols.get(protocol));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves a new connection before its socket is opened or accepted.
     *
     * @param usesFileDescriptor whether the connection holds a socket of its own (QUIC streams over
     *                           one UDP socket do not)
     */
    public ConnectionSpan openConnection(Direction direction, boolean usesFileDescriptor) throws ResourceLimitException {
        ResourceScope own = new ResourceScope(this, "connection", config.connection());
        ConnectionSpan span = new ConnectionSpan(this, own, direction);
        List<ResourceScope> scopes = List.of(own, transientScope, system);
        reserve(scopes, Resource.connections(direction), 1);
        if (usesFileDescriptor) {
            try {
                reserve(scopes, Resource.FILE_DESCRIPTORS, 1);
            } catch (ResourceLimitException e) {
                release(scopes, Resource.connections(direction), 1);
                throw e;
            }
        }
        span.init(scopes, usesFileDescriptor);
        return span;
    }

    // ---- operations on several scopes at once, under the lock ----

    void reserve(List<ResourceScope> scopes, Resource resource, long amount) throws ResourceLimitException {
        lock.lock();
        try {
            for (ResourceScope s : scopes) {
                s.check(resource, amount);
            }
            for (ResourceScope s : scopes) {
                s.add(resource, amount);
            }
        } finally {
            lock.unlock();
        }
    }

    void release(List<ResourceScope> scopes, Resource resource, long amount) {
        lock.lock();
        try {
            for (ResourceScope s : scopes) {
                s.add(resource, -amount);
            }
            dropEmpty(scopes);
        } finally {
            lock.unlock();
        }
    }

    /** Moves everything in {@code usage} from scope {@code from} to scope {@code to}, checking {@code to}'s limits. */
    void move(Map<Resource, Long> usage, ResourceScope from, ResourceScope to) throws ResourceLimitException {
        lock.lock();
        try {
            for (Map.Entry<Resource, Long> e : usage.entrySet()) {
                to.check(e.getKey(), e.getValue());
            }
            for (Map.Entry<Resource, Long> e : usage.entrySet()) {
                to.add(e.getKey(), e.getValue());
                from.add(e.getKey(), -e.getValue());
            }
            dropEmpty(List.of(from));
        } catch (ResourceLimitException e) {
            dropEmpty(List.of(to));
            throw e;
        } finally {
            lock.unlock();
        }
    }

    ResourceScope peer(PeerId peer) {
        lock.lock();
        try {
            return peers.computeIfAbsent(peer, p -> new ResourceScope(this, "peer:" + p, config.peer(p)));
        } finally {
            lock.unlock();
        }
    }

    ResourceScope protocol(String protocol) {
        lock.lock();
        try {
            return protocols.computeIfAbsent(protocol,
                    p -> new ResourceScope(this, "protocol:" + p, config.protocol(p)));
        } finally {
            lock.unlock();
        }
    }

    private void dropEmpty(List<ResourceScope> scopes) {
        for (ResourceScope s : scopes) {
            if (s.isEmpty()) {
                if (s.name().startsWith("peer:")) {
                    peers.values().remove(s);
                } else if (s.name().startsWith("protocol:")) {
                    protocols.values().remove(s);
                }
            }
        }
    }

    static List<ResourceScope> replace(List<ResourceScope> scopes, ResourceScope from, ResourceScope to) {
        List<ResourceScope> out = new ArrayList<>(scopes);
        out.set(out.indexOf(from), to);
        return List.copyOf(out);
    }
}
