package io.p2pkit.node;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.transport.HolePuncher;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A transport made on its first dial or listen. Loading QUIC's native library and starting its
 * event loop, and making WebTransport's TLS contexts, are a large part of a fresh JVM's cost of
 * building a host, which every command that makes a host would pay without ever dialing such an
 * address (docs/PERFORMANCE.md, "QUIC made on its first use"). Which addresses it takes is
 * answered by the predicates, without making it. Private networks are refused, as by the
 * transports this wraps. Hole punching goes to the transport once it is made: before that no
 * socket of it listens, so none can punch.
 */
final class LazyTransport implements Transport, HolePuncher {
    private final PrivateKey identity;
    private final Factory factory;
    private final Predicate<Multiaddr> dialable;
    private final Predicate<Multiaddr> listenable;
    private final ReentrantLock lock = new ReentrantLock();
    private Transport made;
    private boolean closed;

    LazyTransport(PrivateKey identity, Factory factory, Predicate<Multiaddr> dialable, Predicate<Multiaddr> listenable) {
        this.identity = identity;
        this.factory = factory;
        this.dialable = dialable;
        this.listenable = listenable;
    }

    /** The transport if it has been made, else null. */
    private Transport made() {
        lock.lock();
        try {
            return made;
        } finally {
            lock.unlock();
        }
    }

    private Transport transport() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the transport is closed");
            }
            if (made == null) {
                made = factory.create(identity);
            }
            return made;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return dialable.test(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return listenable.test(address);
    }

    @Override
    public TransportConnection dial(Multiaddr address, Duration timeout) throws IOException {
        return transport().dial(address, timeout);
    }

    @Override
    public TransportConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        return transport().dial(address, expectedRemote, timeout);
    }

    @Override
    public TransportConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout, MemoryScope memory)
            throws IOException {
        return transport().dial(address, expectedRemote, timeout, memory);
    }

    @Override
    public boolean canPunch(Multiaddr address) {
        return made() instanceof HolePuncher p && p.canPunch(address);
    }

    @Override
    public void punch(Multiaddr address) throws IOException {
        if (!(made() instanceof HolePuncher p)) {
            throw new IOException("no socket of this transport listens to punch " + address + " from");
        }
        p.punch(address);
    }

    /** No: the transports made lazily here (QUIC, WebTransport) secure their own connections. */
    @Override
    public boolean supportsPrivateNetwork() {
        return false;
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        return transport().listen(address);
    }

    @Override
    public Listener listen(Multiaddr address, ResourceManager resources) throws IOException {
        return transport().listen(address, resources);
    }

    @Override
    public void close() throws IOException {
        Transport t;
        lock.lock();
        try {
            closed = true;
            t = made;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.close();
        }
    }
}
