package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The resources one connection holds, from before its socket exists until it is closed. Closing
 * the span releases them; it is idempotent so that every error path can simply close it.
 */
public final class ConnectionSpan implements AutoCloseable {
    private final ResourceManager manager;
    private final ResourceScope own;
    private final Direction direction;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<ResourceScope> scopes;
    private volatile boolean usesFd;
    private volatile PeerId peer;
    private final java.util.Set<StreamSpan> openStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ConnectionSpan(ResourceManager manager, ResourceScope own, Direction direction) {
        this.manager = manager;
        this.own = own;
        this.direction = direction;
    }

    void init(List<ResourceScope> scopes, boolean usesFd) {
        this.scopes = scopes;
        this.usesFd = usesFd;
    }

    /** The connection's own scope. */
    public ResourceScope scope() {
        return own;
    }

    /** The direction the connection was charged as. */
    public Direction direction() {
        return direction;
    }

    /** The peer this connection is charged to, once known. */
    public PeerId peer() {
        return peer;
    }

    /**
     * Attributes the connection to {@code peer}, moving it from the transient scope to the peer's.
     *
     * @throws ResourceLimitException when the peer's scope is full; the connection stays transient
     */
    public void setPeer(PeerId peer) throws ResourceLimitException {
        if (this.peer != null) {
            throw new IllegalStateException("connection already belongs to " + this.peer);
        }
        // Streams keep the scopes they were opened with, so the peer must be set before any.
        if (own.used(Resource.INBOUND_STREAMS) + own.used(Resource.OUTBOUND_STREAMS) > 0) {
            throw new IllegalStateException("set the peer before opening streams");
        }
        ResourceScope target = manager.peer(peer);
        manager.move(Map.copyOf(own.usage()), manager.transientScope(), target);
        scopes = ResourceManager.replace(scopes, manager.transientScope(), target);
        this.peer = peer;
    }

    /**
     * Reserves a new stream on this connection. It is charged to the system, the connection's
     * peer (or transient) scope and the transient scope until its protocol is known.
     */
    public StreamSpan openStream(Direction streamDirection) throws ResourceLimitException {
        if (closed.get()) {
            throw new IllegalStateException("connection span is closed");
        }
        ResourceScope streamScope = new ResourceScope(manager, "stream", ResourceLimits.unlimited());
        List<ResourceScope> base = scopes;
        java.util.ArrayList<ResourceScope> list = new java.util.ArrayList<>();
        list.add(streamScope);
        list.add(own);
        list.add(manager.transientScope());
        for (ResourceScope s : base) {
            if (s != own && s != manager.transientScope()) {
                list.add(s);
            }
        }
        List<ResourceScope> streamScopes = List.copyOf(list);
        manager.reserve(streamScopes, Resource.streams(streamDirection), 1);
        StreamSpan[] self = new StreamSpan[1];
        StreamSpan stream = new StreamSpan(manager, streamScope, streamDirection, streamScopes,
                () -> openStreams.remove(self[0]));
        self[0] = stream;
        openStreams.add(stream);
        if (closed.get()) {
            // closed meanwhile: the close may have missed this stream, so release it here
            stream.close();
            throw new IllegalStateException("connection span is closed");
        }
        return stream;
    }

    /** Reserves buffer memory for this connection. */
    public void reserveMemory(long bytes) throws ResourceLimitException {
        manager.reserve(scopes, Resource.MEMORY, bytes);
    }

    /** Returns buffer memory reserved with {@link #reserveMemory}. */
    public void releaseMemory(long bytes) {
        manager.release(scopes, Resource.MEMORY, bytes);
    }

    /** Releases the connection and file descriptor (and any memory still reserved). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Streams end with their connection, even while a handler still holds them.
        for (StreamSpan stream : List.copyOf(openStreams)) {
            stream.close();
        }
        manager.release(scopes, Resource.connections(direction), 1);
        if (usesFd) {
            manager.release(scopes, Resource.FILE_DESCRIPTORS, 1);
        }
        long mem = own.used(Resource.MEMORY);
        if (mem > 0) {
            manager.release(scopes, Resource.MEMORY, mem);
        }
    }
}
