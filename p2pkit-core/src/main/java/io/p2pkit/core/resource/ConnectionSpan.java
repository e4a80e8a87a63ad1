package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The resources one connection holds, from before its socket exists until it is closed. Closing
 * the span releases them; it is idempotent so that every error path can simply close it.
 */
public final class ConnectionSpan implements AutoCloseable, MemoryScope {
    private final ResourceManager manager;
    private final ResourceScope own;
    private final Direction direction;
    private final ResourceScope transientScope;
    private final boolean usesFd;
    private final Multiaddr remote;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<ResourceScope> scopes;
    private volatile PeerId peer;
    private final java.util.Set<StreamSpan> openStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Orders memory reservations (made by the read loops of Noise and the muxer) against
     * {@link #setPeer} and {@link #close}: a reservation must land in the scopes it is later
     * released from, and nothing may be released twice. It is the manager's own lock (reentrant),
     * so a reservation on the data path takes one lock, not two: the buffers of a busy connection
     * come and go with its bursts, and each extra lock is a chance for the two ends of a
     * connection, or many connections, to collide (measured in docs/PERFORMANCE.md).
     */
    private final ReentrantLock lock;

    ConnectionSpan(ResourceManager manager, ResourceScope own, Direction direction, List<ResourceScope> scopes,
                   ResourceScope transientScope, boolean usesFd, Multiaddr remote) {
        this.manager = manager;
        this.lock = manager.lock;
        this.own = own;
        this.direction = direction;
        this.scopes = scopes;
        this.transientScope = transientScope;
        this.usesFd = usesFd;
        this.remote = remote;
    }

    /** The connection's own scope. */
    public ResourceScope scope() {
        return own;
    }

    /** The direction the connection was charged as. */
    public Direction direction() {
        return direction;
    }

    /** Whether the connection was admitted through the allow-list. */
    public boolean allowlisted() {
        return transientScope == manager.allowlistedTransient();
    }

    /** The peer this connection is charged to, once known. */
    public PeerId peer() {
        return peer;
    }

    /**
     * Attributes the connection to {@code peer}, moving it from the transient scope to the peer's.
     *
     * @throws ResourceLimitException when the peer's scope is full, or when an allow-listed
     *                                connection turns out to be a peer its allow-list entry does not name
     * @throws IllegalStateException  when the span is closed already
     */
    public void setPeer(PeerId peer) throws ResourceLimitException {
        if (this.peer != null) {
            throw new IllegalStateException("connection already belongs to " + this.peer);
        }
        // Streams keep the scopes they were opened with, so the peer must be set before any.
        if (own.used(Resource.STREAMS) > 0) {
            throw new IllegalStateException("set the peer before opening streams");
        }
        if (allowlisted() && !manager.config().allowList().allows(remote, peer)) {
            throw manager.refused(transientScope, Resource.connections(direction), 0,
                    transientScope.used(Resource.connections(direction)));
        }
        lock.lock();
        try {
            // a span its transport closed before handing the connection over (WebRTC opens its
            // own): attributing it would leave an empty peer scope behind
            if (closed.get()) {
                throw new IllegalStateException("connection span is closed");
            }
            ResourceScope target = manager.peer(peer);
            manager.move(Map.copyOf(own.usage()), transientScope, target);
            scopes = ResourceManager.replace(scopes, transientScope, target);
            this.peer = peer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves a new stream on this connection. It is charged to its own scope, the connection's,
     * the transient scope until its protocol is known, the connection's peer and the system.
     */
    public StreamSpan openStream(Direction streamDirection) throws ResourceLimitException {
        if (closed.get()) {
            throw new IllegalStateException("connection span is closed");
        }
        ResourceScope streamScope = new ResourceScope(manager, "stream", manager.config().stream());
        List<ResourceScope> list = new ArrayList<>();
        list.add(streamScope);
        list.add(own);
        list.add(transientScope);
        for (ResourceScope s : scopes) {
            if (s != own && s != transientScope) {
                list.add(s);
            }
        }
        List<ResourceScope> streamScopes = List.copyOf(list);
        manager.reserve(streamScopes, Resource.streams(streamDirection), 1);
        StreamSpan stream = new StreamSpan(manager, streamScope, streamDirection, streamScopes,
                transientScope, openStreams::remove);
        openStreams.add(stream);
        if (closed.get()) {
            // closed meanwhile: the close may have missed this stream, so release it here
            stream.close();
            throw new IllegalStateException("connection span is closed");
        }
        return stream;
    }

    /** Reserves buffer memory for this connection, at {@link MemoryPriority#ALWAYS}. */
    public void reserveMemory(long bytes) throws ResourceLimitException {
        reserveMemory(bytes, MemoryPriority.ALWAYS);
    }

    /**
     * Reserves buffer memory for this connection at a {@link MemoryPriority}, in its own scope,
     * the transient or peer scope and the system. Once the span is closed this does nothing: the
     * connection's buffers are on their way out, and the matching release is ignored too.
     */
    @Override
    public void reserveMemory(long bytes, int priority) throws ResourceLimitException {
        ResourceScope.Refusal.raise(chargeMemory(bytes, priority));
    }

    /** {@link #reserveMemory(long, int)} answering a refusal with false; true once the span is closed. */
    @Override
    public boolean tryReserveMemory(long bytes, int priority) {
        return chargeMemory(bytes, priority) == null;
    }

    private ResourceScope.Refusal chargeMemory(long bytes, int priority) {
        lock.lock();
        try {
            return closed.get() ? null : manager.charge(scopes, Resource.MEMORY, bytes, priority);
        } finally {
            lock.unlock();
        }
    }

    /** Returns buffer memory reserved with {@link #reserveMemory}; nothing once the span is closed. */
    @Override
    public void releaseMemory(long bytes) {
        lock.lock();
        try {
            if (!closed.get()) {
                manager.release(scopes, Resource.MEMORY, bytes);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Releases the connection and file descriptor (and any memory still reserved). Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        } finally {
            lock.unlock();
        }
        // Streams end with their connection, even while a handler still holds them.
        for (StreamSpan stream : List.copyOf(openStreams)) {
            stream.close();
        }
        lock.lock();
        try {
            manager.release(scopes, Resource.connections(direction), 1);
            if (usesFd) {
                manager.release(scopes, Resource.FILE_DESCRIPTORS, 1);
            }
            long mem = own.used(Resource.MEMORY);
            if (mem > 0) {
                manager.release(scopes, Resource.MEMORY, mem);
            }
        } finally {
            lock.unlock();
        }
    }
}
