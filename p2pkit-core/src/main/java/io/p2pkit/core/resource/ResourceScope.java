package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;

import java.util.EnumMap;
import java.util.Map;

/**
 * One scope of the accounting hierarchy: system, transient, a peer, a protocol, a connection or a
 * stream (and the allow-listed system and transient scopes). A scope only counts; {@link ResourceManager} charges a reservation to every scope it
 * concerns at once, under one lock, or to none of them if any limit would be passed.
 */
public final class ResourceScope {
    private final ResourceManager manager;
    private final String kind;
    /** What a peer, protocol or service scope is for (its key in the manager's map); null otherwise. */
    private final Object subject;
    /** {@code kind:subject}, made when first asked for: a peer ID's text costs a base58 encoding. */
    private String name;
    private final ResourceLimits limits;
    private static final Resource[] RESOURCES = Resource.values();
    /** Usage by {@link Resource#ordinal()}: plain longs, as reservations on the data path are frequent. */
    private final long[] used = new long[RESOURCES.length];
    /** How many entries of {@link #used} are not zero. */
    private int inUse;

    ResourceScope(ResourceManager manager, String name, ResourceLimits limits) {
        this(manager, name, null, limits);
    }

    /** A scope named {@code kind:subject}, for example a peer's, keyed by {@code subject} in its manager. */
    ResourceScope(ResourceManager manager, String kind, Object subject, ResourceLimits limits) {
        this.manager = manager;
        this.kind = kind;
        this.subject = subject;
        this.name = subject == null ? kind : null;
        this.limits = limits;
    }

    /** The scope's name, for example {@code system}, {@code peer:12D3…} or {@code protocol:/ipfs/ping/1.0.0}. */
    public String name() {
        String n = name;
        if (n == null) {
            n = kind + ":" + subject; // a benign race: every thread makes the same string
            name = n;
        }
        return n;
    }

    /** The kind of scope: {@code system}, {@code peer}, {@code protocol}, {@code connection}, … */
    String kind() {
        return kind;
    }

    /** The peer, protocol or service of such a scope; null for the others. */
    Object subject() {
        return subject;
    }

    /** The limits of this scope. */
    public ResourceLimits limits() {
        return limits;
    }

    /** How much of {@code resource} this scope holds now (for a total: the sum of both directions). */
    public long used(Resource resource) {
        manager.lock.lock();
        try {
            return resource.isTotal() ? totalUsed(resource) : used[resource.ordinal()];
        } finally {
            manager.lock.unlock();
        }
    }

    /** A snapshot of everything this scope holds. */
    public Map<Resource, Long> usage() {
        manager.lock.lock();
        try {
            EnumMap<Resource, Long> snapshot = new EnumMap<>(Resource.class);
            for (Resource r : RESOURCES) {
                if (used[r.ordinal()] != 0) {
                    snapshot.put(r, used[r.ordinal()]);
                }
            }
            return Map.copyOf(snapshot);
        } finally {
            manager.lock.unlock();
        }
    }

    // The methods below run under the manager's lock.

    void check(Resource resource, long amount) throws ResourceLimitException {
        check(resource, amount, MemoryPriority.ALWAYS);
    }

    /**
     * Refuses {@code amount} more of {@code resource} if it would pass this scope's limit, or its
     * total's limit; memory with a priority below {@link MemoryPriority#ALWAYS} may use only the
     * fraction {@code (priority + 1) / 256} of the limit, like go-libp2p's reservation priorities.
     */
    void check(Resource resource, long amount, int priority) throws ResourceLimitException {
        Refusal refusal = refusal(resource, amount, priority);
        if (refusal != null) {
            throw manager.refused(refusal);
        }
    }

    /** The limit {@code amount} more would pass (as {@link #check} decides), or null when it fits; counts nothing. */
    Refusal refusal(Resource resource, long amount, int priority) {
        long have = used[resource.ordinal()];
        long limit = limits.limit(resource);
        if (resource == Resource.MEMORY && priority < MemoryPriority.ALWAYS && limit != Long.MAX_VALUE) {
            limit = (long) (limit * ((priority + 1) / 256.0));
        }
        if (amount > limit - have) {
            return new Refusal(this, resource, limit, have, resource.direction().orElse(null));
        }
        java.util.Optional<Resource> total = resource.total();
        if (total.isPresent()) {
            long totalLimit = limits.limit(total.get());
            long sum = totalUsed(total.get());
            if (amount > totalLimit - sum) {
                return new Refusal(this, total.get(), totalLimit, sum, resource.direction().orElse(null));
            }
        }
        return null;
    }

    /**
     * A reservation this scope refused: the limit it would have passed (a total such as
     * {@link Resource#CONNECTIONS} when that was hit), what the scope held, and the direction of
     * the refused connection or stream (null for memory and descriptors).
     */
    record Refusal(ResourceScope scope, Resource resource, long limit, long current, Direction direction) {
        ResourceLimitException exception() {
            return new ResourceLimitException(scope.name(), resource, limit, current, direction);
        }

        /** Throws {@code refusal}'s exception; does nothing for null (nothing was refused). */
        static void raise(Refusal refusal) throws ResourceLimitException {
            if (refusal != null) {
                throw refusal.exception();
            }
        }
    }

    private long totalUsed(Resource total) {
        Resource in = total == Resource.CONNECTIONS ? Resource.INBOUND_CONNECTIONS : Resource.INBOUND_STREAMS;
        Resource out = total == Resource.CONNECTIONS ? Resource.OUTBOUND_CONNECTIONS : Resource.OUTBOUND_STREAMS;
        return used[in.ordinal()] + used[out.ordinal()];
    }

    void add(Resource resource, long delta) {
        long before = used[resource.ordinal()];
        long v = before + delta;
        if (v < 0) {
            throw new IllegalStateException("scope " + name + " released more " + resource + " than it reserved");
        }
        used[resource.ordinal()] = v;
        if (before == 0 && v != 0) {
            inUse++;
        } else if (before != 0 && v == 0) {
            inUse--;
        }
    }

    boolean isEmpty() {
        return inUse == 0;
    }

    @Override
    public String toString() {
        return "ResourceScope[" + name() + "]";
    }
}
