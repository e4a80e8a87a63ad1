package io.p2pkit.webrtc.transport;

import io.p2pkit.core.Direction;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ListenerClosedException;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.webrtc.datachannel.DataChannels;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.dtls.WebRtcCertificate;
import io.p2pkit.webrtc.sctp.SctpConfig;
import io.p2pkit.webrtc.turn.TurnServer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Browser-to-browser WebRTC ({@code /webrtc}, libp2p specs {@code webrtc/webrtc.md}): two peers
 * that share a relayed connection exchange SDP and ICE candidates over it
 * ({@code /webrtc-signaling/0.0.1}) and then connect directly over ICE, DTLS and SCTP data
 * channels, the streams framed as in WebRTC-direct. No Noise runs: the relayed connection is
 * authenticated, and the SDP it carried names each side's certificate fingerprint, which DTLS
 * checks. The remote peer is the relayed connection's.
 *
 * <pre>{@code
 * Host h = Host.builder().transport(key -> new TcpTransport()).build();
 * RelayClient.attach(h);
 * WebRtcTransport.attach(h);
 * h.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/<relay>/p2p-circuit"));
 * h.listen(Multiaddr.parse("/webrtc"));
 * h.addresses();   // …/p2p/<relay>/p2p-circuit/webrtc among them
 *
 * // another host, also attached: dials the relay circuit, signals, connects directly
 * other.connect(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/<relay>/p2p-circuit/webrtc/p2p/<h>"));
 * }</pre>
 *
 * <p>Listening on {@code /webrtc} serves the signalling protocol and announces
 * {@code <circuit address>/webrtc} for every relayed address the host has; without a listener an
 * offer is refused. Handshakes are bounded in number ({@link Config#maxHandshakes()}) and time
 * ({@link Config#handshakeTimeout()}); connections in number ({@link Config#maxConnections()}).
 */
public final class WebRtcTransport implements Transport {
    /** What connections report as their security and muxer protocol. */
    public static final String PROTOCOL = "/webrtc";
    /** The signalling protocol over the relayed connection. */
    public static final String SIGNALING_PROTOCOL = "/webrtc-signaling/0.0.1";

    /**
     * The largest data channel message we take, announced as {@code a=max-message-size}: RFC 8841's
     * default; libp2p's framing sends at most 16 KiB per message anyway.
     */
    static final long MAX_MESSAGE_SIZE = 65536;

    private static final System.Logger LOG = LazyLogger.of(WebRtcTransport.class);

    /**
     * Limits and settings of the transport.
     *
     * @param maxConnections   most connections open at once, inbound and outbound
     * @param maxHandshakes    most signalling runs (inbound and outbound) at once; more are refused
     * @param handshakeTimeout how long signalling, ICE, DTLS and SCTP may take together
     * @param acceptBacklog    most inbound connections waiting for the host to take them
     * @param hostAddresses    the addresses our host candidates carry; empty: this machine's
     *                         non-loopback IPv4 addresses (loopback when it has none)
     * @param sctp             the SCTP association's windows and timers
     * @param stunServers      STUN servers (IPv4 addresses with their ports, at most four)
     *                         each connection asks for its server-reflexive candidates before it
     *                         writes its SDP; none by default, and then nothing is asked or awaited
     * @param turnServers      TURN servers (IPv4, UDP, long-term credentials; at most four, at
     *                         distinct addresses) each connection allocates a relay candidate on
     *                         while it asks the STUN servers; none by default
     * @param relayOnly        whether the relay candidates are our only ones (browsers'
     *                         {@code iceTransportPolicy: "relay"}): no host or server-reflexive
     *                         candidate is written, so the remote never learns our addresses, and
     *                         every check goes through TURN; needs a TURN server
     */
    public record Config(int maxConnections, int maxHandshakes, Duration handshakeTimeout, int acceptBacklog,
                         List<InetAddress> hostAddresses, SctpConfig sctp, List<InetSocketAddress> stunServers,
                         List<TurnServer> turnServers, boolean relayOnly) {
        /**
         * Copies the lists and checks the STUN and TURN servers: IPv4 addresses with a port, at
         * most four of each, TURN servers at distinct addresses, and a TURN server when relay-only.
         */
        public Config {
            hostAddresses = List.copyOf(hostAddresses);
            stunServers = List.copyOf(stunServers);
            turnServers = List.copyOf(turnServers);
            if (turnServers.size() > RelayGathering.MAX_SERVERS) {
                throw new IllegalArgumentException("at most " + RelayGathering.MAX_SERVERS + " TURN servers");
            }
            if (turnServers.stream().map(TurnServer::address).distinct().count() < turnServers.size()) {
                throw new IllegalArgumentException("one allocation per TURN server address: " + turnServers);
            }
            if (relayOnly && turnServers.isEmpty()) {
                throw new IllegalArgumentException("relay-only /webrtc needs a TURN server");
            }
            if (stunServers.size() > ServerReflexiveGathering.MAX_SERVERS) {
                throw new IllegalArgumentException("at most " + ServerReflexiveGathering.MAX_SERVERS + " STUN servers");
            }
            for (InetSocketAddress s : stunServers) {
                if (s.isUnresolved() || !(s.getAddress() instanceof Inet4Address) || s.getPort() == 0) {
                    throw new IllegalArgumentException("a STUN server must be an IPv4 address and a port, not " + s);
                }
            }
        }

        /** A configuration without TURN servers. */
        public Config(int maxConnections, int maxHandshakes, Duration handshakeTimeout, int acceptBacklog,
                      List<InetAddress> hostAddresses, SctpConfig sctp, List<InetSocketAddress> stunServers) {
            this(maxConnections, maxHandshakes, handshakeTimeout, acceptBacklog, hostAddresses, sctp, stunServers,
                    List.of(), false);
        }

        /**
         * 256 connections, 16 handshakes, 30 s each, a backlog of 32, the machine's addresses, SCTP
         * defaults, no STUN and no TURN server.
         */
        public static Config defaults() {
            return new Config(256, 16, Duration.ofSeconds(30), 32, List.of(), SctpConfig.defaults(), List.of());
        }

        /** The same with these host candidate addresses (tests use loopback). */
        public Config withHostAddresses(List<InetAddress> addresses) {
            return new Config(maxConnections, maxHandshakes, handshakeTimeout, acceptBacklog, addresses, sctp, stunServers,
                    turnServers, relayOnly);
        }

        /** The same with these STUN servers, asked for server-reflexive candidates. */
        public Config withStunServers(List<InetSocketAddress> servers) {
            return new Config(maxConnections, maxHandshakes, handshakeTimeout, acceptBacklog, hostAddresses, sctp, servers,
                    turnServers, relayOnly);
        }

        /** The same with these TURN servers, on which each connection allocates a relay candidate. */
        public Config withTurnServers(List<TurnServer> servers) {
            return new Config(maxConnections, maxHandshakes, handshakeTimeout, acceptBacklog, hostAddresses, sctp,
                    stunServers, servers, relayOnly);
        }

        /** The same with relay candidates only (true) or all kinds (false). */
        public Config withRelayOnly(boolean only) {
            return new Config(maxConnections, maxHandshakes, handshakeTimeout, acceptBacklog, hostAddresses, sctp,
                    stunServers, turnServers, only);
        }
    }

    private final Host host;
    private final Config config;
    private final WebRtcCertificate certificate;
    private final WebRtcSignaling signaling;
    private final Semaphore handshakes;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicReference<WebRtcListener> listener = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebRtcTransport(Host host, Config config) {
        this.host = host;
        this.config = config;
        // a fresh certificate per transport, as browsers have per peer connection: the SDP carries it
        this.certificate = WebRtcCertificate.generate();
        List<InetAddress> addresses = config.hostAddresses().isEmpty() ? machineAddresses() : config.hostAddresses();
        this.signaling = new WebRtcSignaling(certificate, addresses, config.stunServers(), config.turnServers(),
                config.relayOnly(), MAX_MESSAGE_SIZE);
        this.handshakes = new Semaphore(config.maxHandshakes());
    }

    /** Adds the transport with {@link Config#defaults()} to {@code host} and serves the signalling protocol. */
    public static WebRtcTransport attach(Host host) throws IOException {
        return attach(host, Config.defaults());
    }

    /** Adds the transport with these settings to {@code host} and serves the signalling protocol. */
    public static WebRtcTransport attach(Host host, Config config) throws IOException {
        WebRtcTransport t = new WebRtcTransport(host, config);
        host.addTransport(t);
        host.setStreamHandler(SIGNALING_PROTOCOL, t::onSignaling, LimitedConnections.ALLOW);
        host.addAddressSource(t::announced);
        return t;
    }

    /** {@code …/p2p-circuit/webrtc} (a trailing {@code /p2p/<peer>} aside). */
    @Override
    public boolean canDial(Multiaddr address) {
        List<Protocol> p = address.withoutPeerId().protocols();
        return p.size() >= 2 && p.get(p.size() - 1) == Protocol.WEBRTC && p.get(p.size() - 2) == Protocol.P2P_CIRCUIT;
    }

    /** Exactly {@code /webrtc}. */
    @Override
    public boolean canListen(Multiaddr address) {
        return address.protocols().equals(List.of(Protocol.WEBRTC));
    }

    @Override
    public ReadyConnection dial(Multiaddr address, Duration timeout) throws IOException {
        return dial(address, address.peerId().orElse(null), timeout);
    }

    /** Dials as {@link #dial(Multiaddr, PeerId, Duration, MemoryScope)} does, charging nothing. */
    @Override
    public ReadyConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        return dial(address, expectedRemote, timeout, MemoryScope.UNLIMITED);
    }

    /**
     * Signals through the relay and connects directly, with the datagrams waiting for DTLS and
     * SCTP's window and send buffer charged to {@code memory}, the span the network opened for
     * the connection.
     */
    @Override
    public ReadyConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout, MemoryScope memory)
            throws IOException {
        checkOpen();
        if (expectedRemote == null) {
            throw new IOException("a /webrtc address needs the target's peer ID: " + address + "/p2p/<target>");
        }
        Multiaddr bare = address.withoutPeerId();
        if (!canDial(bare)) {
            throw new IOException("/webrtc cannot dial " + address);
        }
        if (!reserveConnection()) {
            throw new IOException("/webrtc connection limit of " + config.maxConnections() + " reached");
        }
        boolean handedOver = false;
        try {
            if (!handshakes.tryAcquire()) {
                throw new IOException("/webrtc: " + config.maxHandshakes() + " handshakes already run");
            }
            try {
                Duration limit = timeout.compareTo(config.handshakeTimeout()) < 0 ? timeout : config.handshakeTimeout();
                Instant deadline = Instant.now().plus(limit);
                Connection relayed = relayedConnection(expectedRemote, bare.decapsulate(Protocol.WEBRTC));
                Stream s = host.newStream(relayed, LimitedConnections.ALLOW, SIGNALING_PROTOCOL);
                WebRtcDirectConnection c = establish(s, relayed, true, deadline, bare, memory, null);
                handedOver = true;
                return c;
            } finally {
                handshakes.release();
            }
        } finally {
            if (!handedOver) {
                releaseConnection();
            }
        }
    }

    /** A relayed connection to {@code peer} already open, or one dialed on {@code circuit} beside the dial under way. */
    private Connection relayedConnection(PeerId peer, Multiaddr circuit) throws IOException {
        for (Connection c : host.network().connections(peer)) {
            if (!c.isClosed() && c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT)
                    && !c.remoteAddress().hasProtocol(Protocol.WEBRTC)) {
                return c;
            }
        }
        return host.connectAside(peer, circuit);
    }

    /**
     * Signals over {@code s}, then runs ICE, DTLS and SCTP, charged to {@code memory}; the stream
     * is reset at the deadline (ending any read) and closed once the connection is up or failed.
     *
     * @param span the span opened for an inbound connection (the association owns it), or null
     */
    private WebRtcDirectConnection establish(Stream s, Connection relayed, boolean offerer, Instant deadline,
                                             Multiaddr remoteAddress, MemoryScope memory, ConnectionSpan span)
            throws IOException {
        // on the host's scheduler; the reset itself writes to the relayed connection, so off it
        ScheduledFuture<?> expiry = host.scheduler().schedule(() -> Thread.ofVirtual().start(s::reset),
                Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        DtlsAssociation association = null;
        try {
            association = offerer
                    ? signaling.offer(s.in(), s.out(), deadline, memory, span)
                    : signaling.answer(s.in(), s.out(), deadline, memory, span);
            DataChannels channels = DataChannels.start(association.transport(), association.isDialer(), config.sctp(),
                    memory, Set.of());
            Duration left = Duration.between(Instant.now(), deadline);
            try {
                channels.awaitEstablished(left.isNegative() ? Duration.ZERO : left);
            } catch (IOException | RuntimeException e) {
                channels.abort("/webrtc handshake failed");
                throw e;
            }
            expiry.cancel(false);
            closeQuietly(s);
            Multiaddr local = WebRtcDirectHandshake.address(association.localAddress()).decapsulate(Protocol.WEBRTC_DIRECT)
                    .encapsulate("/webrtc");
            return new WebRtcDirectConnection(association, channels, memory, host.peerId(),
                    relayed.remotePublicKey(), local, remoteAddress, this::releaseConnection, PROTOCOL);
        } catch (TimeoutException e) {
            fail(s, association);
            throw new IOException("/webrtc with " + relayed.remotePeer() + " timed out: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            fail(s, association);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during /webrtc signalling");
        } catch (IOException | RuntimeException e) {
            fail(s, association);
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("/webrtc with " + relayed.remotePeer() + " timed out: " + e, e);
            }
            throw e;
        } finally {
            expiry.cancel(false);
        }
    }

    private static void fail(Stream s, DtlsAssociation association) {
        s.reset();
        if (association != null) {
            WebRtcDirectHandshake.closeQuietly(association);
        }
    }

    /** The answerer: a remote offered on a (usually relayed) connection. */
    private void onSignaling(Stream s) throws IOException {
        WebRtcListener l = listener.get();
        if (l == null || closed.get()) {
            s.reset(); // not listening on /webrtc
            return;
        }
        if (!reserveConnection()) {
            s.reset();
            return;
        }
        boolean handedOver = false;
        ConnectionSpan span = null;
        try {
            if (!handshakes.tryAcquire()) {
                s.reset();
                return;
            }
            WebRtcDirectConnection c;
            try {
                Connection relayed = s.connection();
                Multiaddr remote = relayed.remoteAddress().withoutPeerId().encapsulate("/webrtc");
                // the new connection is charged from the offer on, as an inbound one of the host's
                span = host.network().resources().openConnection(Direction.INBOUND, false, remote, null);
                c = establish(s, relayed, false, Instant.now().plus(config.handshakeTimeout()), remote, span, span);
            } finally {
                handshakes.release();
            }
            handedOver = true;
            l.offer(c);
        } catch (ResourceLimitException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "/webrtc from " + s.remotePeer() + " refused: " + e.getMessage());
            s.reset();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "/webrtc from " + s.remotePeer() + " failed: " + e);
        } finally {
            if (!handedOver) {
                releaseConnection();
                if (span != null) {
                    span.close();
                }
            }
        }
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        checkOpen();
        if (!canListen(address)) {
            throw new IOException("/webrtc listens on /webrtc only, not " + address);
        }
        WebRtcListener l = new WebRtcListener(config.acceptBacklog());
        if (!listener.compareAndSet(null, l)) {
            throw new IOException("already listening on /webrtc");
        }
        return l;
    }

    /** {@code <circuit address>/webrtc} for each relayed address of the host, while listening. */
    private List<Multiaddr> announced() {
        if (listener.get() == null) {
            return List.of();
        }
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : host.localAddresses()) {
            List<Protocol> p = a.protocols();
            if (!p.isEmpty() && p.get(p.size() - 1) == Protocol.P2P_CIRCUIT) {
                out.add(a.encapsulate("/webrtc"));
            }
        }
        return out;
    }

    /** Connections open now (for leak tests and metrics). */
    public int connectionCount() {
        return connections.get();
    }

    /** DTLS secures the connections: no private network key can wrap them. */
    @Override
    public boolean supportsPrivateNetwork() {
        return false;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        WebRtcListener l = listener.get();
        if (l != null) {
            l.close();
        }
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

    private void checkOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("/webrtc transport is closed");
        }
    }

    private static void closeQuietly(Stream s) {
        try {
            s.close();
        } catch (IOException e) {
            s.reset();
        }
    }

    /** This machine's non-loopback IPv4 addresses of interfaces that are up; loopback when there is none. */
    static List<InetAddress> machineAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
                for (InetAddress ip : Collections.list(ni.getInetAddresses())) {
                    if (ip instanceof Inet4Address && !ip.isLinkLocalAddress()) {
                        out.add(ip);
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot list the network interfaces: " + e);
        }
        if (out.isEmpty()) {
            out.add(InetAddress.getLoopbackAddress());
        }
        return List.copyOf(out);
    }

    /** The {@code /webrtc} listen address: queues the connections the signalling handler made. */
    private final class WebRtcListener implements Listener {
        private static final Object END = new Object();
        private final ArrayBlockingQueue<Object> pending;
        private final AtomicBoolean listenerClosed = new AtomicBoolean();

        WebRtcListener(int backlog) {
            this.pending = new ArrayBlockingQueue<>(backlog + 1);
        }

        void offer(WebRtcDirectConnection c) {
            if (listenerClosed.get() || pending.remainingCapacity() <= 1 || !pending.offer(c)) {
                try {
                    c.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "closing a /webrtc connection nobody took: " + e);
                }
            }
        }

        @Override
        public Multiaddr address() {
            return Multiaddr.parse("/webrtc");
        }

        /** None of its own: the host announces {@code <circuit>/webrtc} through an address source. */
        @Override
        public List<Multiaddr> addresses() {
            return List.of();
        }

        @Override
        public ReadyConnection accept() throws IOException {
            try {
                Object next = pending.take();
                if (next == END) {
                    pending.offer(END);
                    throw new ListenerClosedException("the /webrtc listener is closed");
                }
                return (WebRtcDirectConnection) next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while accepting on /webrtc");
            }
        }

        @Override
        public void close() {
            if (!listenerClosed.compareAndSet(false, true)) {
                return;
            }
            listener.compareAndSet(this, null);
            Object c;
            while ((c = pending.poll()) != null) {
                if (c instanceof WebRtcDirectConnection w) {
                    try {
                        w.close();
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "closing a /webrtc connection: " + e);
                    }
                }
            }
            pending.offer(END);
        }

        @Override
        public String toString() {
            return "WebRtcListener[/webrtc]";
        }
    }

    @Override
    public String toString() {
        return "WebRtcTransport[" + host.peerId() + ", " + connectionCount() + " connections]";
    }
}
