package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/** The resources one stream holds. Closing it releases them; idempotent. */
public final class StreamSpan implements AutoCloseable, MemoryScope {
    private final ResourceManager manager;
    private final ResourceScope own;
    private final Direction direction;
    private final ResourceScope transientScope;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<ResourceScope> scopes;
    private volatile String protocol;
    private volatile String service;
    /** Told once when this span closes (its connection's span forgets it). */
    private final Consumer<StreamSpan> onClose;
    /**
     * Orders attribution against release: the connection's close may release a stream from another
     * thread while its handler attributes it to a protocol, and the two must not both move and
     * release the same count.
     */
    private final ReentrantLock lock = new ReentrantLock();

    StreamSpan(ResourceManager manager, ResourceScope own, Direction direction, List<ResourceScope> scopes,
               ResourceScope transientScope, Consumer<StreamSpan> onClose) {
        this.manager = manager;
        this.own = own;
        this.direction = direction;
        this.scopes = scopes;
        this.transientScope = transientScope;
        this.onClose = onClose;
    }

    /** The stream's own scope. */
    public ResourceScope scope() {
        return own;
    }

    /** The direction of the stream. */
    public Direction direction() {
        return direction;
    }

    /** The protocol the stream is charged to, once negotiated. */
    public String protocol() {
        return protocol;
    }

    /** The service the stream is charged to, if any. */
    public String service() {
        return service;
    }

    /**
     * Attributes the stream to {@code protocol}, moving it from the transient scope to the protocol's.
     *
     * @throws ResourceLimitException when the protocol's scope is full
     */
    public void setProtocol(String protocol) throws ResourceLimitException {
        lock.lock();
        try {
            if (this.protocol != null) {
                throw new IllegalStateException("stream already belongs to " + this.protocol);
            }
            if (closed.get()) {
                // released already (its connection closed): nothing left to move
                this.protocol = protocol;
                return;
            }
            ResourceScope target = manager.protocol(protocol);
            manager.move(Map.copyOf(own.usage()), transientScope, target);
            scopes = ResourceManager.replace(scopes, transientScope, target);
            this.protocol = protocol;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Also charges the stream to {@code service}'s scope (a service such as identify or a DHT
     * spans several protocols). The protocol must be set first, as in go-libp2p.
     *
     * @throws ResourceLimitException when the service's scope is full
     */
    public void setService(String service) throws ResourceLimitException {
        lock.lock();
        try {
            if (protocol == null) {
                throw new IllegalStateException("set the protocol before the service");
            }
            if (this.service != null) {
                throw new IllegalStateException("stream already belongs to service " + this.service);
            }
            if (closed.get()) {
                this.service = service;
                return;
            }
            ResourceScope target = manager.service(service);
            manager.move(Map.copyOf(own.usage()), null, target);
            List<ResourceScope> l = new ArrayList<>(scopes);
            l.add(target);
            scopes = List.copyOf(l);
            this.service = service;
        } finally {
            lock.unlock();
        }
    }

    /** Reserves buffer memory for this stream in all its scopes, at a {@link MemoryPriority}. */
    @Override
    public void reserveMemory(long bytes, int priority) throws ResourceLimitException {
        ResourceScope.Refusal.raise(chargeMemory(bytes, priority));
    }

    /** {@link #reserveMemory} answering a refusal with false. */
    @Override
    public boolean tryReserveMemory(long bytes, int priority) {
        return chargeMemory(bytes, priority) == null;
    }

    private ResourceScope.Refusal chargeMemory(long bytes, int priority) {
        lock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("stream span is closed");
            }
            return manager.charge(scopes, Resource.MEMORY, bytes, priority);
        } finally {
            lock.unlock();
        }
    }

    /** Returns memory reserved with {@link #reserveMemory}; nothing once the span is closed. */
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

    /** Releases the stream and any memory it still holds. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            long mem = own.used(Resource.MEMORY);
            if (mem > 0) {
                manager.release(scopes, Resource.MEMORY, mem);
            }
            manager.release(scopes, Resource.streams(direction), 1);
        } finally {
            lock.unlock();
        }
        onClose.accept(this);
    }
}
