package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The resources one stream holds. Closing it releases them; idempotent. */
public final class StreamSpan implements AutoCloseable {
    private final ResourceManager manager;
    private final ResourceScope own;
    private final Direction direction;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<ResourceScope> scopes;
    private volatile String protocol;
    private final Runnable onClose;

    StreamSpan(ResourceManager manager, ResourceScope own, Direction direction, List<ResourceScope> scopes,
               Runnable onClose) {
        this.manager = manager;
        this.own = own;
        this.direction = direction;
        this.scopes = scopes;
        this.onClose = onClose;
    }

    /** The stream's own scope. */
    public ResourceScope scope() {
        return own;
    }

    /** The protocol the stream is charged to, once negotiated. */
    public String protocol() {
        return protocol;
    }

    /**
     * Attributes the stream to {@code protocol}, moving it from the transient scope to the protocol's.
     *
     * @throws ResourceLimitException when the protocol's scope is full
     */
    public void setProtocol(String protocol) throws ResourceLimitException {
        if (this.protocol != null) {
            throw new IllegalStateException("stream already belongs to " + this.protocol);
        }
        ResourceScope target = manager.protocol(protocol);
        manager.move(Map.copyOf(own.usage()), manager.transientScope(), target);
        scopes = ResourceManager.replace(scopes, manager.transientScope(), target);
        this.protocol = protocol;
    }

    /** Releases the stream. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            manager.release(scopes, Resource.streams(direction), 1);
        } finally {
            onClose.run();
        }
    }
}
