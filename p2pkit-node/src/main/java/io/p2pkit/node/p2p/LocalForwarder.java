package io.p2pkit.node.p2p;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code p2p forward} (Kubo's {@code localListener}): a TCP listener whose every connection is
 * joined to a new libp2p stream to the peer on the protocol. Closing it closes the TCP listener
 * and the connections still waiting for their stream; streams already mounted go on, as in Kubo.
 */
final class LocalForwarder implements P2pListener {
    /** Connections accepted and still waiting for their stream, at most. */
    static final int MAX_PENDING = 64;
    /** How long close waits for the accepting thread to let the port go. */
    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(5);

    private final Host host;
    private final String protocol;
    private final PeerId peer;
    private final Multiaddr target;
    private final ServerSocket server;
    private final Multiaddr bound;
    private final StreamRegistry registry;
    private final Set<Socket> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread acceptor;

    LocalForwarder(Host host, String protocol, PeerId peer, ServerSocket server, StreamRegistry registry) {
        this.host = host;
        this.protocol = protocol;
        this.peer = peer;
        this.target = Multiaddr.parse("/p2p/" + peer);
        this.server = server;
        this.bound = Multiaddr.of((InetSocketAddress) server.getLocalSocketAddress(), "tcp");
        this.registry = registry;
    }

    /** Starts accepting, on a virtual thread of its own. */
    void start() {
        acceptor = Thread.ofVirtual().name("p2pkit-p2p-forward " + bound).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (closed.get() || server.isClosed()) {
                    return;
                }
                pause(); // a passing failure (out of file descriptors): Kubo's loop goes on too
                continue;
            }
            if (pending.size() >= MAX_PENDING) {
                IncomingListener.closeQuietly(c);
                continue;
            }
            pending.add(c);
            if (closed.get()) { // closed while this one was accepted: close() may have missed it
                pending.remove(c);
                IncomingListener.closeQuietly(c);
                return;
            }
            Thread.ofVirtual().name("p2pkit-p2p-forward-conn").start(() -> mount(c));
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens the stream for connection {@code c} and joins the two; closes {@code c} when the peer cannot be reached. */
    private void mount(Socket c) {
        Stream stream;
        try {
            c.setTcpNoDelay(true);
            stream = host.newStream(peer, protocol);
        } catch (IOException | RuntimeException e) {
            pending.remove(c);
            IncomingListener.closeQuietly(c);
            return;
        }
        if (!pending.remove(c) || c.isClosed()) { // the forwarder was closed while the stream opened
            stream.reset();
            IncomingListener.closeQuietly(c);
            return;
        }
        Multiaddr origin = Multiaddr.of((InetSocketAddress) c.getRemoteSocketAddress(), "tcp");
        MountedStream mounted = new MountedStream(protocol, origin, target, peer, c, stream, registry);
        if (!registry.register(mounted)) {
            IncomingListener.closeQuietly(c);
            stream.reset();
            return;
        }
        mounted.run();
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Multiaddr listenAddress() {
        return bound;
    }

    @Override
    public Multiaddr targetAddress() {
        return target;
    }

    @Override
    public String key() {
        return bound.toString();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            // the listener is gone either way
        }
        for (Socket c : pending) {
            IncomingListener.closeQuietly(c);
        }
        // a virtual thread's accept lets the socket go only once it wakes: wait for it, so that
        // the port refuses connections when close returns
        Thread t = acceptor;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
