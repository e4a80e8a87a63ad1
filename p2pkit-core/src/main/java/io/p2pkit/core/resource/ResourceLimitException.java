package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;

import java.io.IOException;
import java.util.Optional;

/**
 * A resource limit of this node was reached: the message says which scope, which limit, how much
 * was in use and in which direction, so that it cannot be mistaken for a reset by the remote
 * (which is a {@link io.p2pkit.core.muxer.StreamResetException}).
 */
public class ResourceLimitException extends IOException {
    private final String scope;
    private final Resource resource;
    private final long limit;
    private final long current;
    private final Direction direction;

    /**
     * @param scope     the scope whose limit was hit
     * @param resource  the limited resource (a total such as {@link Resource#CONNECTIONS} when that was hit)
     * @param limit     the effective limit
     * @param current   how much the scope held before the refused reservation
     * @param direction the direction of the refused connection or stream, or null for memory and descriptors
     */
    public ResourceLimitException(String scope, Resource resource, long limit, long current, Direction direction) {
        super("local resource limit reached: scope " + scope + " allows at most " + limit + " " + resource
                + " (" + current + " in use" + (direction == null ? "" : ", refusing an " + direction.name().toLowerCase())
                + ")");
        this.scope = scope;
        this.resource = resource;
        this.limit = limit;
        this.current = current;
        this.direction = direction;
    }

    /** The scope whose limit was hit, for example {@code system} or {@code peer:12D3…}. */
    public String scope() {
        return scope;
    }

    /** The resource that ran out. */
    public Resource resource() {
        return resource;
    }

    /** The limit that was reached. */
    public long limit() {
        return limit;
    }

    /** How much the scope held when the reservation was refused. */
    public long current() {
        return current;
    }

    /** The direction of the refused connection or stream; empty for memory and file descriptors. */
    public Optional<Direction> direction() {
        return Optional.ofNullable(direction);
    }

    /**
     * The local limit behind {@code error}, if one is in its cause chain: a stream reset or a
     * connection closed because this node ran out of a resource (for example a
     * {@link io.p2pkit.core.muxer.StreamResetException} whose connection died when a Noise buffer
     * was refused) rather than because the remote gave up.
     */
    public static Optional<ResourceLimitException> find(Throwable error) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ResourceLimitException limit) {
                return Optional.of(limit);
            }
        }
        return Optional.empty();
    }
}
