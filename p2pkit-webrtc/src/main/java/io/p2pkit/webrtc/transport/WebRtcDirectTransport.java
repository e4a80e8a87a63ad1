package io.p2pkit.webrtc.transport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.webrtc.dtls.Certhash;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.dtls.WebRtcCertificate;
import io.p2pkit.webrtc.dtls.WebRtcDirectDialer;
import io.p2pkit.webrtc.dtls.WebRtcDirectListener;
import io.p2pkit.webrtc.sctp.SctpConfig;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The WebRTC-direct transport ({@code /ip4|ip6/…/udp/…/webrtc-direct/certhash/…}): ICE-lite and
 * DTLS 1.2 ({@link io.p2pkit.webrtc.dtls}), SCTP data channels as streams, and Noise on channel 0
 * to authenticate the peers. Its connections come secured and multiplexed
 * ({@link ReadyConnection}), so the network does not upgrade them.
 *
 * <pre>{@code
 * Host h = Host.builder()
 *         .transport(WebRtcDirectTransport::new)
 *         .listen("/ip4/0.0.0.0/udp/9090/webrtc-direct")
 *         .build();
 * h.addresses();   // …/udp/9090/webrtc-direct/certhash/uEi…
 * }</pre>
 *
 * <p>One certificate serves its listeners and its dials (as go-libp2p does). It is derived from
 * the identity key ({@link WebRtcCertificate#derive}), so the certhash stays the same when the
 * transport is made again with the same key, as after a restart.
 */
public final class WebRtcDirectTransport implements Transport {
    /** What connections report as their security and muxer protocol. */
    public static final String PROTOCOL = "/webrtc-direct";

    /**
     * Limits of the transport.
     *
     * @param maxConnections   most connections open at once, inbound and outbound
     * @param handshakeTimeout how long SCTP and Noise may take on an inbound connection once DTLS is up
     * @param sctp             the SCTP association's windows and timers
     * @param listener         the DTLS listener's limits
     */
    public record Config(int maxConnections, Duration handshakeTimeout, SctpConfig sctp,
                         WebRtcDirectListener.Config listener) {
        /** 1024 connections, 10 s for SCTP and Noise, {@link SctpConfig#defaults()}, the listener's defaults. */
        public static Config defaults() {
            return new Config(1024, Duration.ofSeconds(10), SctpConfig.defaults(), WebRtcDirectListener.Config.defaults());
        }
    }

    private static final InetAddress ANY_IPV6 = anyIpv6();

    private final NoiseTransport noise;
    private final Config config;
    private final PrivateKey identity;
    /** Derived on first use: a command that never listens or dials over WebRTC-direct does not pay for it. */
    private final AtomicReference<WebRtcCertificate> certificate = new AtomicReference<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("webrtc-direct-timer").factory());
    private final AtomicInteger connections = new AtomicInteger();
    private final List<WebRtcDirectTransportListener> listeners = new CopyOnWriteArrayList<>();
    /** The dual-stack sockets of wildcard listeners, by port (guarded by {@link #wildcardLock}). */
    private final Map<Integer, SharedWildcard> wildcards = new HashMap<>();
    private final ReentrantLock wildcardLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A transport with {@link Config#defaults()} for the host whose identity is {@code identity}. */
    public WebRtcDirectTransport(PrivateKey identity) {
        this(identity, Config.defaults());
    }

    /** A transport with these limits. */
    public WebRtcDirectTransport(PrivateKey identity, Config config) {
        this.noise = new NoiseTransport(identity, List.of());
        this.config = config;
        this.identity = identity;
    }

    /** The certificate this transport shows; its certhash is in every listen address. */
    public WebRtcCertificate certificate() {
        WebRtcCertificate c = certificate.get();
        if (c == null) {
            // derivation gives the same certificate each time, so a race only costs a second derivation
            certificate.compareAndSet(null, WebRtcCertificate.derive(identity));
            c = certificate.get();
        }
        return c;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        Multiaddr bare = address.withoutPeerId();
        return isWebRtcDirect(bare) && Certhash.sha256(bare).isPresent();
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isWebRtcDirect(address) && !address.hasProtocol(Protocol.CERTHASH);
    }

    /** {@code /ip4|ip6/…/udp/…/webrtc-direct…}: an IP address, not a name, since ICE needs one. */
    private static boolean isWebRtcDirect(Multiaddr a) {
        List<Protocol> p = a.protocols();
        return p.size() >= 3 && (p.get(0) == Protocol.IP4 || p.get(0) == Protocol.IP6)
                && p.get(1) == Protocol.UDP && p.get(2) == Protocol.WEBRTC_DIRECT;
    }

    @Override
    public ReadyConnection dial(Multiaddr address, Duration timeout) throws IOException {
        return dial(address, null, timeout);
    }

    /** Dials as {@link #dial(Multiaddr, PeerId, Duration, MemoryScope)} does, charging nothing. */
    @Override
    public ReadyConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        return dial(address, expectedRemote, timeout, MemoryScope.UNLIMITED);
    }

    /**
     * Dials {@code address}: ICE, DTLS, SCTP and Noise, with every buffer (datagrams waiting for
     * DTLS, SCTP's window and send buffer, Noise's channel) charged to {@code memory}, the span
     * the network opened for the connection.
     */
    @Override
    public ReadyConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout, MemoryScope memory)
            throws IOException {
        checkOpen();
        PeerId expected = expectedRemote != null ? expectedRemote : address.peerId().orElse(null);
        Multiaddr bare = address.withoutPeerId();
        if (!canDial(bare)) {
            throw new IOException("WebRTC-direct cannot dial " + address);
        }
        if (!reserveConnection()) {
            throw new IOException("WebRTC-direct connection limit of " + config.maxConnections() + " reached");
        }
        boolean handedOver = false;
        try {
            Instant deadline = Instant.now().plus(timeout);
            DtlsAssociation association;
            try {
                association = new WebRtcDirectDialer(certificate()).dial(bare, timeout, memory);
            } catch (TimeoutException e) {
                throw new IOException("WebRTC-direct dial to " + bare + " timed out: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while dialing " + bare);
            }
            WebRtcDirectConnection c = WebRtcDirectHandshake.run(association, noise, config.sctp(), expected,
                    deadline, timer, this::releaseConnection);
            handedOver = true;
            return c;
        } finally {
            if (!handedOver) {
                releaseConnection();
            }
        }
    }

    /** No: DTLS secures the connection, so no private network key can wrap it. */
    @Override
    public boolean supportsPrivateNetwork() {
        return false;
    }

    /**
     * Listens as {@link #listen(Multiaddr, ResourceManager)} does, with a resource manager of its
     * own that counts the connections but limits nothing.
     */
    @Override
    public Listener listen(Multiaddr address) throws IOException {
        return listen(address, new ResourceManager());
    }

    /**
     * Listens on {@code address}. Each new dialer is admitted as an inbound connection of
     * {@code resources} when its first ICE check arrives (refused: it gets no answer), and
     * everything its connection holds from then on is charged to that span, which the network
     * takes over with the connection ({@link ReadyConnection#span()}).
     */
    @Override
    public Listener listen(Multiaddr address, ResourceManager resources) throws IOException {
        checkOpen();
        if (!canListen(address)) {
            throw new IOException("WebRTC-direct cannot listen on " + address);
        }
        InetSocketAddress bind = address.decapsulate(Protocol.WEBRTC_DIRECT).toSocketAddress()
                .orElseThrow(() -> new IOException("no IP address and UDP port in " + address));
        WebRtcDirectTransportListener l = bind.getAddress().isAnyLocalAddress() && bind.getPort() != 0
                ? listenOnWildcard(bind, resources)
                : listenAlone(bind, resources);
        listeners.add(l);
        l.start();
        return l;
    }

    private WebRtcDirectTransportListener listenAlone(InetSocketAddress bind, ResourceManager resources)
            throws IOException {
        WebRtcDirectListener dtls = WebRtcDirectListener.listen(bind, certificate(), config.listener(), resources);
        return new WebRtcDirectTransportListener(this, dtls, dtls.multiaddr(), config.listener().acceptBacklog(),
                dtls::close);
    }

    /**
     * Listens on a wildcard address at a given port: {@code /ip4/0.0.0.0/udp/P} and
     * {@code /ip6/::/udp/P} share one socket bound to [::]:P, which the JDK makes dual-stack (it
     * has no IPV6_V6ONLY for datagram channels, so two sockets would collide on the port), and
     * each family is answered while its listener is open. Where the host has no IPv6, an IPv4
     * wildcard gets a socket of its own.
     */
    private WebRtcDirectTransportListener listenOnWildcard(InetSocketAddress bind, ResourceManager resources)
            throws IOException {
        int port = bind.getPort();
        boolean ipv6 = bind.getAddress() instanceof Inet6Address;
        Multiaddr address = Multiaddr.of(bind, "udp").encapsulate("/webrtc-direct" + certificate().certhashComponent());
        wildcardLock.lock();
        try {
            SharedWildcard shared = wildcards.get(port);
            if (shared == null) {
                WebRtcDirectListener dtls;
                try {
                    dtls = WebRtcDirectListener.listen(new InetSocketAddress(ANY_IPV6, port), certificate(),
                            config.listener(), resources, !ipv6, ipv6);
                } catch (IOException | UnsupportedOperationException e) {
                    if (ipv6) {
                        throw e instanceof IOException io ? io : new IOException("no IPv6 socket: " + e.getMessage(), e);
                    }
                    return listenAlone(bind, resources); // no IPv6 here: an IPv4 socket
                }
                shared = new SharedWildcard(dtls);
                wildcards.put(port, shared);
            } else if (ipv6 ? shared.ipv6 : shared.ipv4) {
                throw new java.net.BindException("WebRTC-direct already listens on " + address);
            }
            if (ipv6) {
                shared.ipv6 = true;
            } else {
                shared.ipv4 = true;
            }
            shared.dtls.answerFamilies(shared.ipv4, shared.ipv6);
            SharedWildcard s = shared;
            return new WebRtcDirectTransportListener(this, s.dtls, address, config.listener().acceptBacklog(),
                    () -> leaveWildcard(port, s, ipv6));
        } finally {
            wildcardLock.unlock();
        }
    }

    /** One family's listener on a shared wildcard socket closed: the socket closes with the last. */
    private void leaveWildcard(int port, SharedWildcard shared, boolean ipv6) {
        wildcardLock.lock();
        try {
            if (ipv6) {
                shared.ipv6 = false;
            } else {
                shared.ipv4 = false;
            }
            shared.dtls.answerFamilies(shared.ipv4, shared.ipv6);
            if (shared.ipv4 || shared.ipv6) {
                return;
            }
            wildcards.remove(port, shared);
        } finally {
            wildcardLock.unlock();
        }
        shared.dtls.close();
    }

    private static InetAddress anyIpv6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A dual-stack socket of wildcard listeners, and which families listen on it (guarded by {@link #wildcardLock}). */
    private static final class SharedWildcard {
        final WebRtcDirectListener dtls;
        boolean ipv4;
        boolean ipv6;

        SharedWildcard(WebRtcDirectListener dtls) {
            this.dtls = dtls;
        }
    }

    /** Runs SCTP and Noise on an accepted association (on its own virtual thread). */
    WebRtcDirectConnection upgradeInbound(DtlsAssociation association) throws IOException {
        if (!reserveConnection()) {
            WebRtcDirectHandshake.closeQuietly(association);
            throw new IOException("WebRTC-direct connection limit of " + config.maxConnections() + " reached");
        }
        try {
            return WebRtcDirectHandshake.run(association, noise, config.sctp(), null,
                    Instant.now().plus(config.handshakeTimeout()), timer, this::releaseConnection);
        } catch (IOException | RuntimeException e) {
            releaseConnection();
            throw e;
        }
    }

    void listenerClosed(WebRtcDirectTransportListener l) {
        listeners.remove(l);
    }

    private boolean reserveConnection() {
        while (true) {
            int n = connections.get();
            if (n >= config.maxConnections() || closed.get()) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void releaseConnection() {
        connections.decrementAndGet();
    }

    /** Connections open now, inbound and outbound (for leak tests and metrics). */
    public int connectionCount() {
        return connections.get();
    }

    /** Closes the listeners still open and the handshake timer. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (WebRtcDirectTransportListener l : List.copyOf(listeners)) {
            l.close();
        }
        timer.shutdownNow();
    }

    private void checkOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("WebRTC-direct transport is closed");
        }
    }

    @Override
    public String toString() {
        return "WebRtcDirectTransport[" + noise.localPeer() + ", " + connectionCount() + " connections]";
    }
}
