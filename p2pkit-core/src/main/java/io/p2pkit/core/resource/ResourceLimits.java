package io.p2pkit.core.resource;

import java.util.EnumMap;
import java.util.Map;

/**
 * Limits of one scope, per resource. Unset resources are unlimited. Immutable; build with
 * {@link #with(Resource, long)}.
 */
public final class ResourceLimits {
    private static final ResourceLimits UNLIMITED = new ResourceLimits(new EnumMap<>(Resource.class));

    private final EnumMap<Resource, Long> limits;

    private ResourceLimits(EnumMap<Resource, Long> limits) {
        this.limits = limits;
    }

    /** No limits at all. */
    public static ResourceLimits unlimited() {
        return UNLIMITED;
    }

    /** A copy with {@code resource} limited to {@code limit}. */
    public ResourceLimits with(Resource resource, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        EnumMap<Resource, Long> copy = new EnumMap<>(Resource.class);
        copy.putAll(limits);
        copy.put(resource, limit);
        return new ResourceLimits(copy);
    }

    /** The limit of {@code resource}, or {@link Long#MAX_VALUE} when unlimited. */
    public long limit(Resource resource) {
        return limits.getOrDefault(resource, Long.MAX_VALUE);
    }

    /** The limits that are set. */
    public Map<Resource, Long> asMap() {
        return Map.copyOf(limits);
    }

    /** A copy where every limit set in {@code other} replaces this one's. */
    public ResourceLimits overriddenBy(ResourceLimits other) {
        EnumMap<Resource, Long> copy = new EnumMap<>(Resource.class);
        copy.putAll(limits);
        copy.putAll(other.limits);
        return new ResourceLimits(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceLimits l && l.limits.equals(limits);
    }

    @Override
    public int hashCode() {
        return limits.hashCode();
    }

    @Override
    public String toString() {
        return limits.toString();
    }
}
