package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accounts for connections, streams, file descriptors and memory in the scope hierarchy
 * system → transient → service → protocol → peer → connection → stream, before they are allocated,
 * and refuses what would pass a limit with a {@link ResourceLimitException}.
 *
 * <p>A new connection is charged to the system and transient scopes; once the security handshake
 * names the remote, {@link ConnectionSpan#setPeer} moves it from transient to that peer's scope. A
 * new stream is charged to the system, its peer and the transient scope; once multistream has
 * agreed on a protocol, {@link StreamSpan#setProtocol} moves it from transient to that protocol's
 * scope, and {@link StreamSpan#setService} adds a service's scope. Closing a span releases
 * everything it holds.
 *
 * <p>A connection refused by the system or transient scope whose address (or, when dialing, whose
 * peer) is on the {@link AllowList} is charged to the separate allow-listed system and transient
 * scopes instead. Every refusal is counted ({@link #blocked()}) for metrics.
 */
public final class ResourceManager {
    final ReentrantLock lock = new ReentrantLock();
    private final ResourceManagerConfig config;
    private final ResourceScope system;
    private final ResourceScope transientScope;
    private final ResourceScope allowlistedSystem;
    private final ResourceScope allowlistedTransient;
    private final Map<PeerId, ResourceScope> peers = new HashMap<>();
    private final Map<String, ResourceScope> protocols = new HashMap<>();
    private final Map<String, ResourceScope> services = new HashMap<>();
    private final Map<Blocked, LongAdder> blocked = new ConcurrentHashMap<>();

    /** One kind of refusal: the kind of scope ({@code system}, {@code peer}, …), the resource and direction. */
    public record Blocked(String scope, Resource resource, Optional<Direction> direction) {
    }

    /** A manager that counts but limits nothing. */
    public ResourceManager() {
        this(ResourceManagerConfig.unlimited());
    }

    /** A manager enforcing {@code config}. */
    public ResourceManager(ResourceManagerConfig config) {
        this.config = config;
        this.system = new ResourceScope(this, "system", config.system());
        this.transientScope = new ResourceScope(this, "transient", config.transientLimits());
        this.allowlistedSystem = new ResourceScope(this, "allowlisted-system", config.allowlistedSystem());
        this.allowlistedTransient = new ResourceScope(this, "allowlisted-transient", config.allowlistedTransient());
    }

    /** The limits this manager enforces. */
    public ResourceManagerConfig config() {
        return config;
    }

    /** The scope that holds everything. */
    public ResourceScope system() {
        return system;
    }

    /** The scope of connections and streams not yet attributed to a peer or protocol. */
    public ResourceScope transientScope() {
        return transientScope;
    }

    /** The system scope of allow-listed connections. */
    public ResourceScope allowlistedSystem() {
        return allowlistedSystem;
    }

    /** The transient scope of allow-listed connections. */
    public ResourceScope allowlistedTransient() {
        return allowlistedTransient;
    }

    /** The scope of {@code peer}, if it holds anything now. */
    public Optional<ResourceScope> peerScope(PeerId peer) {
        lock.lock();
        try {
            return Optional.ofNullable(peers.get(peer));
        } finally {
            lock.unlock();
        }
    }

    /** The scope of {@code protocol}, if it holds anything now. */
    public Optional<ResourceScope> protocolScope(String protocol) {
        lock.lock();
        try {
            return Optional.ofNullable(protocols.get(protocol));
        } finally {
            lock.unlock();
        }
    }

    /** The scope of {@code service}, if it holds anything now. */
    public Optional<ResourceScope> serviceScope(String service) {
        lock.lock();
        try {
            return Optional.ofNullable(services.get(service));
        } finally {
            lock.unlock();
        }
    }

    /** The protocol scopes that hold something now, by protocol. */
    public Map<String, ResourceScope> protocolScopes() {
        lock.lock();
        try {
            return Map.copyOf(protocols);
        } finally {
            lock.unlock();
        }
    }

    /** The service scopes that hold something now, by service. */
    public Map<String, ResourceScope> serviceScopes() {
        lock.lock();
        try {
            return Map.copyOf(services);
        } finally {
            lock.unlock();
        }
    }

    /** The peer scopes that hold something now, by peer. */
    public Map<PeerId, ResourceScope> peerScopes() {
        lock.lock();
        try {
            return Map.copyOf(peers);
        } finally {
            lock.unlock();
        }
    }

    /** How many reservations were refused so far, by kind. */
    public Map<Blocked, Long> blocked() {
        Map<Blocked, Long> out = new HashMap<>();
        blocked.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * Reserves a new connection before its socket is opened or accepted, with no allow-listing.
     *
     * @param usesFileDescriptor whether the connection holds a socket of its own (QUIC streams over
     *                           one UDP socket do not)
     */
    public ConnectionSpan openConnection(Direction direction, boolean usesFileDescriptor) throws ResourceLimitException {
        return openConnection(direction, usesFileDescriptor, null, null);
    }

    /**
     * Reserves a new connection with {@code remote} (may be null) and, when dialing, the expected
     * {@code peer} (may be null). If the normal scopes refuse and the allow-list admits the address
     * or the peer, the connection is charged to the allow-listed scopes instead.
     */
    public ConnectionSpan openConnection(Direction direction, boolean usesFileDescriptor, Multiaddr remote,
                                         PeerId peer) throws ResourceLimitException {
        try {
            return open(direction, usesFileDescriptor, transientScope, system, remote);
        } catch (ResourceLimitException e) {
            AllowList allow = config.allowList();
            boolean admitted = allow.allowsAddress(remote) || (peer != null && allow.allowsPeer(peer));
            if (!admitted || !(e.scope().equals("system") || e.scope().equals("transient"))) {
                throw e;
            }
            return open(direction, usesFileDescriptor, allowlistedTransient, allowlistedSystem, remote);
        }
    }

    private ConnectionSpan open(Direction direction, boolean usesFd, ResourceScope trans, ResourceScope sys,
                                Multiaddr remote) throws ResourceLimitException {
        ResourceScope own = new ResourceScope(this, "connection", config.connection());
        List<ResourceScope> scopes = List.of(own, trans, sys);
        lock.lock();
        try {
            for (ResourceScope s : scopes) {
                s.check(Resource.connections(direction), 1);
                if (usesFd) {
                    s.check(Resource.FILE_DESCRIPTORS, 1);
                }
            }
            for (ResourceScope s : scopes) {
                s.add(Resource.connections(direction), 1);
                if (usesFd) {
                    s.add(Resource.FILE_DESCRIPTORS, 1);
                }
            }
        } finally {
            lock.unlock();
        }
        return new ConnectionSpan(this, own, direction, scopes, trans, usesFd, remote);
    }

    // ---- operations on several scopes at once, under the lock ----

    void reserve(List<ResourceScope> scopes, Resource resource, long amount) throws ResourceLimitException {
        reserve(scopes, resource, amount, MemoryPriority.ALWAYS);
    }

    void reserve(List<ResourceScope> scopes, Resource resource, long amount, int priority)
            throws ResourceLimitException {
        ResourceScope.Refusal.raise(charge(scopes, resource, amount, priority));
    }

    /**
     * Charges {@code amount} to every scope, or to none: then counts the first refusal and returns
     * it, so that a caller that can do without may skip the exception.
     *
     * @return null when charged, or what was refused
     */
    ResourceScope.Refusal charge(List<ResourceScope> scopes, Resource resource, long amount, int priority) {
        if (amount < 0) {
            throw new IllegalArgumentException("negative reservation: " + amount);
        }
        lock.lock();
        try {
            for (ResourceScope s : scopes) {
                ResourceScope.Refusal refusal = s.refusal(resource, amount, priority);
                if (refusal != null) {
                    count(refusal);
                    return refusal;
                }
            }
            for (ResourceScope s : scopes) {
                s.add(resource, amount);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    void release(List<ResourceScope> scopes, Resource resource, long amount) {
        if (amount == 0) {
            return;
        }
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
                if (from != null) {
                    from.add(e.getKey(), -e.getValue());
                }
            }
            if (from != null) {
                dropEmpty(List.of(from));
            }
        } catch (ResourceLimitException e) {
            dropEmpty(List.of(to));
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a refusal and makes its exception. */
    ResourceLimitException refused(ResourceScope scope, Resource resource, long limit, long current) {
        return refused(new ResourceScope.Refusal(scope, resource, limit, current, resource.direction().orElse(null)));
    }

    ResourceLimitException refused(ResourceScope.Refusal refusal) {
        count(refusal);
        return refusal.exception();
    }

    private void count(ResourceScope.Refusal refusal) {
        String kind = refusal.scope().kind();
        blocked.computeIfAbsent(new Blocked(kind, refusal.resource(), Optional.ofNullable(refusal.direction())),
                k -> new LongAdder()).increment();
    }

    ResourceScope peer(PeerId peer) {
        lock.lock();
        try {
            return peers.computeIfAbsent(peer, p -> new ResourceScope(this, "peer", p, config.peer(p)));
        } finally {
            lock.unlock();
        }
    }

    ResourceScope protocol(String protocol) {
        lock.lock();
        try {
            return protocols.computeIfAbsent(protocol,
                    p -> new ResourceScope(this, "protocol", p, config.protocol(p)));
        } finally {
            lock.unlock();
        }
    }

    ResourceScope service(String service) {
        lock.lock();
        try {
            return services.computeIfAbsent(service,
                    s -> new ResourceScope(this, "service", s, config.service(s)));
        } finally {
            lock.unlock();
        }
    }

    private void dropEmpty(List<ResourceScope> scopes) {
        for (ResourceScope s : scopes) {
            if (s.isEmpty() && s.subject() != null) {
                switch (s.kind()) {
                    case "peer" -> peers.remove((PeerId) s.subject(), s);
                    case "protocol" -> protocols.remove((String) s.subject(), s);
                    case "service" -> services.remove((String) s.subject(), s);
                    default -> throw new IllegalStateException("no map holds " + s);
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
