package io.p2pkit.core.resource;

import java.io.IOException;

/**
 * A resource limit of this node was reached: the message says which scope and which limit, so
 * that it cannot be mistaken for a reset by the remote.
 */
public class ResourceLimitException extends IOException {
    private final String scope;
    private final Resource resource;
    private final long limit;

    public ResourceLimitException(String scope, Resource resource, long limit) {
        super("local resource limit reached: scope " + scope + " allows at most " + limit + " " + resource);
        this.scope = scope;
        this.resource = resource;
        this.limit = limit;
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
}
