package io.p2pkit.core.resource;

import java.util.EnumMap;
import java.util.Map;

/**
 * One scope of the accounting hierarchy: system, transient, a peer, a protocol, a connection or a
 * stream. A scope only counts; {@link ResourceManager} charges a reservation to every scope it
 * concerns at once, under one lock, or to none of them if any limit would be passed.
 */
public final class ResourceScope {
    private final ResourceManager manager;
    private final String name;
    private final ResourceLimits limits;
    private final EnumMap<Resource, Long> used = new EnumMap<>(Resource.class);

    ResourceScope(ResourceManager manager, String name, ResourceLimits limits) {
        this.manager = manager;
        this.name = name;
        this.limits = limits;
    }

    /** The scope's name, for example {@code system}, {@code peer:12D3…} or {@code protocol:/ipfs/ping/1.0.0}. */
    public String name() {
        return name;
    }

    /** The limits of this scope. */
    public ResourceLimits limits() {
        return limits;
    }

    /** How much of {@code resource} this scope holds now. */
    public long used(Resource resource) {
        manager.lock.lock();
        try {
            return used.getOrDefault(resource, 0L);
        } finally {
            manager.lock.unlock();
        }
    }

    /** A snapshot of everything this scope holds. */
    public Map<Resource, Long> usage() {
        manager.lock.lock();
        try {
            return Map.copyOf(used);
        } finally {
            manager.lock.unlock();
        }
    }

    // The methods below run under the manager's lock.

    void check(Resource resource, long amount) throws ResourceLimitException {
        long limit = limits.limit(resource);
        if (used.getOrDefault(resource, 0L) + amount > limit) {
            throw new ResourceLimitException(name, resource, limit);
        }
    }

    void add(Resource resource, long delta) {
        long v = used.getOrDefault(resource, 0L) + delta;
        if (v < 0) {
            throw new IllegalStateException("scope " + name + " released more " + resource + " than it reserved");
        }
        if (v == 0) {
            used.remove(resource);
        } else {
            used.put(resource, v);
        }
    }

    boolean isEmpty() {
        return used.isEmpty();
    }

    @Override
    public String toString() {
        return "ResourceScope[" + name + "]";
    }
}
