package io.p2pkit.quic;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.p2pkit.quic.internal.BufferPool;
import io.p2pkit.quic.internal.UdpSockets;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.quic.Quic;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.HolePuncher;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The QUIC v1 transport ({@code /ip4|ip6/…/udp/…/quic-v1}) on Netty's native QUIC codec (quiche and
 * BoringSSL). A QUIC connection is secured (libp2p TLS, see {@link QuicTls}) and multiplexed by QUIC
 * itself, so {@link #dial} and {@link Listener#accept()} return connections the network uses
 * without its upgrader ({@link io.p2pkit.core.transport.ReadyConnection}).
 *
 * <p>Dials leave from a listening socket of the same address family when there is one (port
 * reuse, so the remote sees our listen port and hole punching can work later), otherwise from
 * one shared ephemeral socket per family. One event loop thread serves every socket.
 *
 * <p>The transport owns native resources: {@link #close()} closes every socket and connection and
 * stops the event loop. The network closes it when it closes.
 */
public final class QuicTransport implements Transport, HolePuncher {
    /** The size of a hole-punching packet (go-libp2p sends 64 random bytes too). */
    private static final int PUNCH_BYTES = 64;

    private final PeerId localPeer;
    private final PrivateKey identity;
    private final QuicConfig config;
    /** Made on first need ({@link #tls()}): its certificate costs a fresh JVM about 0.1 s of CPU. */
    private volatile QuicTls tls;
    private final ReentrantLock tlsLock = new ReentrantLock();
    private final EventLoopGroup eventLoop;
    /** Whether the sockets are epoll datagram channels that send with UDP GSO (else NIO ones). */
    private final boolean segmentOffload;
    /** Every buffer of this transport's sockets, connections and streams comes from this pool. */
    private final PooledByteBufAllocator allocator = BufferPool.create();
    private final List<QuicEndpoint> endpoints = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private QuicEndpoint dialV4;
    private QuicEndpoint dialV6;
    private volatile boolean closed;

    /** A transport with {@link QuicConfig#defaults()}. */
    public QuicTransport(PrivateKey identity) {
        this(identity, QuicConfig.defaults());
    }

    /**
     * @param identity the host's identity key; its certificate is made once, on the first dial or
     *                 listen (a host that never speaks QUIC never pays for it)
     * @param config   limits, windows and timers
     * @throws IllegalStateException when the native QUIC library cannot load on this platform
     */
    public QuicTransport(PrivateKey identity, QuicConfig config) {
        Quic.ensureAvailability();
        this.localPeer = identity.publicKey().toPeerId();
        this.identity = identity;
        this.config = config;
        this.segmentOffload = separatesIpFamilies(config);
        this.eventLoop = new MultiThreadIoEventLoopGroup(1, UdpSockets.ioHandlers(segmentOffload));
    }

    /**
     * Whether a transport with {@code config} can listen on {@code /ip6/::/udp/P} beside
     * {@code /ip4/0.0.0.0/udp/P}: its IPv6 sockets are IPv6-only on epoll (Linux), dual-stack on NIO.
     */
    public static boolean separatesIpFamilies(QuicConfig config) {
        return UdpSockets.segmentOffload(config);
    }

    /** Whether the native QUIC library loads on this machine (linux x86_64 only is bundled). */
    public static boolean isAvailable() {
        return Quic.isAvailable();
    }

    /**
     * What {@link #canDial} answers, without a transport (so without loading the native library):
     * {@code /ip4|ip6/…/udp/…/quic-v1}, with or without {@code /p2p/…}.
     */
    public static boolean dialable(Multiaddr address) {
        return QuicAddresses.isQuicV1(address.withoutPeerId());
    }

    /** What {@link #canListen} answers, without a transport: {@code /ip4|ip6/…/udp/…/quic-v1}. */
    public static boolean listenable(Multiaddr address) {
        return QuicAddresses.isQuicV1(address);
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return dialable(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return listenable(address);
    }

    @Override
    public ReadyConnection dial(Multiaddr address, Duration timeout) throws IOException {
        return dial(address, null, timeout);
    }

    @Override
    public ReadyConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        checkOpen();
        PeerId expected = expectedRemote != null ? expectedRemote : address.peerId().orElse(null);
        InetSocketAddress target = QuicAddresses.socketAddress(address.withoutPeerId());
        tls(); // on the dialer's thread: the event loop, which asks for it per handshake, never waits for it
        return endpointFor(target).dial(target, expected, timeout);
    }

    /** No: QUIC secures its own connections with TLS, so no private network key can wrap them (go-libp2p refuses too). */
    @Override
    public boolean supportsPrivateNetwork() {
        return false;
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        checkOpen();
        if (!canListen(address)) {
            throw new IOException("QUIC cannot listen on " + address);
        }
        QuicEndpoint e;
        try {
            e = QuicEndpoint.bind(this, QuicAddresses.socketAddress(address), false);
        } catch (IOException ex) {
            throw new IOException("cannot listen on " + address + ": " + ex.getMessage(), ex);
        }
        endpoints.add(e);
        QuicListener l = new QuicListener(e, config.maxPendingInbound());
        e.attach(l);
        if (tls == null) {
            // made beside the caller's start-up; an inbound handshake before it is done waits for it
            Thread.ofVirtual().name("quic-certificate").start(this::tlsQuietly);
        }
        return l;
    }

    /**
     * Whether a socket listens that {@link #punch} can send to {@code address} from: the one our
     * dials to it leave from. The shared dialing socket does not count: the peer's dial would
     * come to a port nobody listens on.
     */
    @Override
    public boolean canPunch(Multiaddr address) {
        Multiaddr bare = address.withoutPeerId();
        if (closed || !QuicAddresses.isQuicV1(bare)) {
            return false;
        }
        try {
            return listeningFor(QuicAddresses.socketAddress(bare)) != null;
        } catch (IOException e) {
            return false; // a name, not an IP address: nothing to send to
        }
    }

    /** Sends 64 random bytes to {@code address} from the listening socket our dials to it leave from. */
    @Override
    public void punch(Multiaddr address) throws IOException {
        checkOpen();
        Multiaddr bare = address.withoutPeerId();
        InetSocketAddress target = QuicAddresses.socketAddress(bare);
        QuicEndpoint e = listeningFor(target);
        if (e == null) {
            throw new IOException("no QUIC listener to hole punch to " + bare + " from");
        }
        e.punch(target, PUNCH_BYTES);
    }

    /** A listening socket to dial from (same family; loopback reaches loopback only), else the shared one. */
    private QuicEndpoint endpointFor(InetSocketAddress target) throws IOException {
        QuicEndpoint listening = listeningFor(target);
        if (listening != null) {
            return listening;
        }
        boolean v4 = target.getAddress() instanceof Inet4Address;
        lock.lock();
        try {
            QuicEndpoint shared = v4 ? dialV4 : dialV6;
            if (shared == null || !shared.isOpen()) {
                shared = QuicEndpoint.bind(this, new InetSocketAddress(v4 ? "0.0.0.0" : "::", 0), true);
                endpoints.add(shared);
                if (v4) {
                    dialV4 = shared;
                } else {
                    dialV6 = shared;
                }
            }
            return shared;
        } finally {
            lock.unlock();
        }
    }

    /** The listening socket that dials to {@code target} leave from, or null. */
    private QuicEndpoint listeningFor(InetSocketAddress target) {
        boolean v4 = target.getAddress() instanceof Inet4Address;
        for (QuicEndpoint e : endpoints) {
            if (!e.isOpen() || e == dialV4 || e == dialV6) {
                continue;
            }
            InetAddress a = e.localAddress().getAddress();
            if ((a instanceof Inet4Address) == v4
                    && (a.isAnyLocalAddress() || a.isLoopbackAddress() == target.getAddress().isLoopbackAddress())) {
                return e;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ for the endpoints

    QuicConfig config() {
        return config;
    }

    /** The libp2p TLS contexts, made on the first call (by one caller; the others wait for it). */
    QuicTls tls() {
        QuicTls t = tls;
        if (t != null) {
            return t;
        }
        tlsLock.lock();
        try {
            if (tls == null) {
                tls = new QuicTls(identity, Clock.systemUTC());
            }
            return tls;
        } finally {
            tlsLock.unlock();
        }
    }

    /** Whether the certificate and TLS contexts have been made (for tests). */
    boolean tlsMade() {
        return tls != null;
    }

    private void tlsQuietly() {
        try {
            tls();
        } catch (RuntimeException e) {
            // an inbound handshake asks again and fails with the error itself
            System.getLogger(QuicTransport.class.getName()).log(System.Logger.Level.DEBUG,
                    "making the QUIC certificate failed", e);
        }
    }

    EventLoopGroup eventLoop() {
        return eventLoop;
    }

    boolean segmentOffload() {
        return segmentOffload;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    PeerId localPeer() {
        return localPeer;
    }

    boolean reserveConnection() {
        while (true) {
            int n = connections.get();
            if (n >= config.maxConnections() || closed) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseConnection() {
        connections.decrementAndGet();
    }

    void endpointClosed(QuicEndpoint e) {
        endpoints.remove(e);
    }

    // ------------------------------------------------------------------ lifecycle and counts

    /** Connections open now, inbound and outbound (for leak tests and metrics). */
    public int connectionCount() {
        return connections.get();
    }

    /** UDP sockets open now (for leak tests). */
    public int socketCount() {
        return (int) endpoints.stream().filter(QuicEndpoint::isOpen).count();
    }

    /**
     * Direct (native) memory held by this transport's live buffers now, in bytes (for leak tests):
     * what buffers not yet released occupy in the pool, not the pool's own free chunks and caches.
     */
    public long directMemoryInUse() {
        return allocator.pinnedDirectMemory();
    }

    /** Whether {@link #close()} finished: sockets closed and the event loop stopped. */
    public boolean isTerminated() {
        return closed && eventLoop.isTerminated();
    }

    /** Closes every socket and connection and stops the event loop; waits up to 5 s. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        for (QuicEndpoint e : List.copyOf(endpoints)) {
            e.close();
            e.awaitClosed(Duration.ofSeconds(2));
        }
        eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        try {
            eventLoop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("QUIC transport is closed");
        }
    }

    @Override
    public String toString() {
        return "QuicTransport[" + localPeer + ", " + socketCount() + " sockets, " + connectionCount() + " connections]";
    }
}
