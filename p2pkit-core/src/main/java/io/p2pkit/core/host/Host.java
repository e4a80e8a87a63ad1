package io.p2pkit.core.host;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.dns.MultiaddrResolver;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multistream.Duplex;
import io.p2pkit.core.multistream.LazySelection;
import io.p2pkit.core.multistream.Multistream;
import io.p2pkit.core.multistream.NegotiationTimer;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.network.LimitedConnectionException;
import io.p2pkit.core.network.Network;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.peerstore.PeerStore;
import io.p2pkit.core.reputation.PeerReputation;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.swarm.Swarm;
import io.p2pkit.core.swarm.SwarmStream;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.upgrader.Upgrader;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The facade applications and protocols use: one identity, its listeners and connections, the
 * protocols it serves, and what it knows of other peers.
 *
 * <pre>{@code
 * Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
 * host.setStreamHandler("/echo/1.0.0", s -> s.in().transferTo(s.out()));
 * try (Stream s = host.newStream(PeerInfo.parse(addr), "/echo/1.0.0")) { ... }
 * }</pre>
 *
 * <p>Build one with {@link #builder()}; close it to stop listening and close every connection.
 */
public final class Host implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(Host.class);

    private final PrivateKey identity;
    private final PeerId peerId;
    private final Swarm swarm;
    private final PeerStore peerStore;
    private final PeerReputation reputation;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Multistream protocolNegotiation;
    private final String agentVersion;
    private final AddressPolicy addressPolicy;
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    /**
     * What a handler registered with {@link #setStreamHandlerMatch} accepts beyond its own
     * protocol ID, by that ID; sorted, so that overlapping matchers are tried in a fixed order.
     */
    private final Map<String, Predicate<String>> matchers = new ConcurrentSkipListMap<>();
    /** The protocols whose handlers also serve limited (relayed) connections. */
    private final java.util.Set<String> allowedOnLimited = ConcurrentHashMap.newKeySet();
    private final List<Consumer<LocalChange>> protocolListeners = new CopyOnWriteArrayList<>();
    private final List<Closeable> services = new CopyOnWriteArrayList<>();
    /** Addresses learnt beyond the listen addresses (observed, confirmed by AutoNAT), see {@link #addAddressSource}. */
    private final List<java.util.function.Supplier<List<Multiaddr>>> addressSources = new CopyOnWriteArrayList<>();
    private final HostReachability reachability = new HostReachability();
    private volatile boolean closed;
    private volatile StreamMeter streamMeter;
    private volatile StreamAuthorizer streamAuthorizer;

    /** A host over a swarm of its own, which hands every inbound stream to this host. */
    Host(HostBuilder b, List<Transport> transports, Upgrader upgrader, ResourceManager resources,
         MultiaddrResolver resolver, PeerStore peerStore, ScheduledExecutorService scheduler, boolean ownsScheduler) {
        this.identity = b.identity;
        this.peerId = b.identity.publicKey().toPeerId();
        this.swarm = new Swarm(peerId, transports, upgrader, resources, b.networkConfig, this::handleInbound, resolver);
        this.peerStore = peerStore;
        this.reputation = b.reputation != null ? b.reputation : new PeerReputation();
        swarm.addObserver(reputation.dialObserver());
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.agentVersion = b.agentVersion;
        this.addressPolicy = b.addressPolicy;
        this.protocolNegotiation = new Multistream(new NegotiationTimer(scheduler, b.streamNegotiationTimeout));
        // Addresses other peers confirmed they could dial are advertised (a port mapping's, say).
        addressSources.add(reachability::reachableAddresses);
        // ... and those they could not dial are withdrawn: both change what we advertise.
        reachability.addListener(new Consumer<>() {
            private List<Multiaddr> lastReachable = List.of();
            private List<Multiaddr> lastUnreachable = List.of();

            @Override
            public void accept(HostReachability.State s) {
                if (!s.reachable().equals(lastReachable) || !s.unreachable().equals(lastUnreachable)) {
                    lastReachable = s.reachable();
                    lastUnreachable = s.unreachable();
                    addressesChanged();
                }
            }
        });
        swarm.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                peerStore.putPublicKey(c.remotePeer(), c.remotePublicKey());
            }

            @Override
            public void disconnected(Connection c) {
                if (swarm.connections(c.remotePeer()).isEmpty()) {
                    peerStore.updateAddressTtl(c.remotePeer(), AddressTtl.CONNECTED, AddressTtl.RECENTLY_CONNECTED);
                }
            }
        });
    }

    /** A builder with the defaults: Ed25519 identity, TCP, Noise and TLS, yamux and mplex, identify and ping. */
    public static HostBuilder builder() {
        return new HostBuilder();
    }

    /** This node's peer ID. */
    public PeerId peerId() {
        return peerId;
    }

    /** This node's identity key. */
    public PrivateKey identity() {
        return identity;
    }

    /** The agent version this node announces in identify. */
    public String agentVersion() {
        return agentVersion;
    }

    /** The network layer: connections, listeners, resource accounting. */
    public Network network() {
        return swarm;
    }

    /** The swarm itself, for the builder's settings. */
    Swarm swarm() {
        return swarm;
    }

    /** What this node knows about other peers. */
    public PeerStore peerStore() {
        return peerStore;
    }

    /**
     * Each peer's reputation: dial outcomes come in by themselves; protocols (Bitswap, the DHT)
     * add theirs, and use it to choose peers.
     */
    public PeerReputation reputation() {
        return reputation;
    }

    /** The host's scheduler for timers; tasks must be short (start a virtual thread for blocking work). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    // ------------------------------------------------------------------ addresses

    /** Starts listening on one more address and returns the bound one. */
    public Multiaddr listen(Multiaddr address) throws IOException {
        Multiaddr bound = swarm.listen(address);
        fireLocalChange(LocalChange.ADDRESSES);
        return bound;
    }

    /**
     * Adds a transport to a built host: one that needs the host, such as the circuit relay
     * transport (which dials through this host's other connections). It is closed with the host.
     */
    public void addTransport(Transport transport) throws IOException {
        swarm.addTransport(transport);
    }

    /**
     * The addresses other peers can use to reach this node, the ones identify announces: the
     * {@linkplain #localAddresses() local addresses}, then those the address sources add (our
     * address as enough other peers observe it, addresses AutoNAT confirmed), each once. Addresses
     * AutoNAT found unreachable ({@link HostReachability#unreachableAddresses()}) are left out, a
     * listen address among them too, as go-libp2p does; addresses never checked stay. Last, the
     * builder's {@link AddressPolicy} (Kubo's {@code Addresses.Announce}, {@code AppendAnnounce},
     * {@code NoAnnounce}) shapes the list.
     */
    public List<Multiaddr> addresses() {
        List<Multiaddr> unreachable = reachability.unreachableAddresses();
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : localAddresses()) {
            if (!out.contains(a) && !unreachable.contains(a)) {
                out.add(a);
            }
        }
        for (var source : addressSources) {
            for (Multiaddr a : source.get()) {
                if (!out.contains(a) && !unreachable.contains(a)) {
                    out.add(a);
                }
            }
        }
        return addressPolicy.apply(out);
    }

    /**
     * Adds a source of addresses to advertise beyond the local ones (identify's observed-address
     * manager is one). It is asked on every {@link #addresses()} call, so it must answer quickly
     * and from memory; it calls {@link #addressesChanged()} when its answer changes.
     */
    public void addAddressSource(java.util.function.Supplier<List<Multiaddr>> source) {
        addressSources.add(Objects.requireNonNull(source, "source"));
    }

    /** Tells the host's listeners (identify push among them) that {@link #addresses()} changed. */
    public void addressesChanged() {
        fireLocalChange(LocalChange.ADDRESSES);
    }

    /**
     * What this node knows of its own reachability; AutoNAT keeps it up to date. Its reachable
     * addresses are among {@link #addresses()}.
     */
    public HostReachability reachability() {
        return reachability;
    }

    /**
     * The addresses this node listens on, with unspecified IPs ({@code 0.0.0.0}, {@code ::})
     * expanded to the addresses of this machine's interfaces.
     */
    public List<Multiaddr> localAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : swarm.listenAddresses()) {
            var sa = a.toSocketAddress();
            if (sa.isEmpty() || !sa.get().getAddress().isAnyLocalAddress()) {
                if (!out.contains(a)) {
                    out.add(a);
                }
                continue;
            }
            // Replace /ip4/0.0.0.0/tcp/P (or /ip6/::/…) by each interface's address, keep the rest (/ws, …).
            String transport = a.protocols().get(1).name();
            String suffix = a.toString().substring(Multiaddr.of(sa.get(), transport).toString().length());
            for (InetAddress ip : interfaceAddresses(sa.get().getAddress() instanceof Inet4Address)) {
                Multiaddr expanded = Multiaddr.parse(
                        Multiaddr.of(new InetSocketAddress(ip, sa.get().getPort()), transport) + suffix);
                if (!out.contains(expanded)) {
                    out.add(expanded);
                }
            }
        }
        return out;
    }

    /** Interface addresses, looked up at most once per {@link #INTERFACE_CACHE_NANOS}: identify asks on every connection. */
    private static final long INTERFACE_CACHE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private record InterfaceCache(long atNanos, List<InetAddress> v4, List<InetAddress> v6) {
    }

    private static volatile InterfaceCache interfaceCache;

    private static List<InetAddress> interfaceAddresses(boolean v4) {
        InterfaceCache c = interfaceCache;
        long now = System.nanoTime();
        if (c == null || now - c.atNanos() > INTERFACE_CACHE_NANOS) {
            c = new InterfaceCache(now, lookUpInterfaceAddresses(true), lookUpInterfaceAddresses(false));
            interfaceCache = c;
        }
        return v4 ? c.v4() : c.v6();
    }

    private static List<InetAddress> lookUpInterfaceAddresses(boolean v4) {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) {
                    continue;
                }
                for (InetAddress ip : Collections.list(ni.getInetAddresses())) {
                    if ((ip instanceof Inet4Address) == v4 && !ip.isLinkLocalAddress()) {
                        // Java scopes every IPv6 interface address; only link-local ones (left
                        // out here) need a zone, so the others are announced as plain /ip6.
                        out.add(v4 ? ip : InetAddress.getByAddress(ip.getAddress()));
                    }
                }
            }
        } catch (java.io.IOException e) {
            // the host then announces only what it listens on literally
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot list the network interfaces: " + e);
        }
        out.sort((x, y) -> Boolean.compare(!x.isLoopbackAddress(), !y.isLoopbackAddress()));
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------ protocols

    /**
     * Serves {@code protocol} with {@code handler}, replacing any earlier handler, on direct
     * connections only: on a limited (relayed) connection the protocol is refused as unsupported.
     */
    public void setStreamHandler(String protocol, StreamHandler handler) {
        setStreamHandler(protocol, handler, LimitedConnections.REFUSE);
    }

    /**
     * Serves {@code protocol} with {@code handler}, replacing any earlier handler; with
     * {@link LimitedConnections#ALLOW} also on limited (relayed) connections.
     */
    public void setStreamHandler(String protocol, StreamHandler handler, LimitedConnections limited) {
        matchers.remove(protocol);
        putHandler(protocol, handler, limited);
    }

    /**
     * Serves with {@code handler} every protocol a dialer proposes that is {@code protocol} or that
     * {@code match} accepts (as go-libp2p's {@code SetStreamHandlerMatch}): versions of a protocol
     * family, say. Only {@code protocol} is advertised (identify, {@code ls}); the handler learns
     * the proposal it accepted from {@link Stream#protocol()}. A handler registered for the exact
     * proposal wins over matchers; among matchers, the one with the smallest protocol ID.
     * {@code match} runs on the negotiating thread for each proposal: it must be quick and not
     * throw. {@link #removeStreamHandler(String)} with {@code protocol} removes the whole registration.
     */
    public void setStreamHandlerMatch(String protocol, Predicate<String> match, StreamHandler handler,
                                      LimitedConnections limited) {
        matchers.put(protocol, Objects.requireNonNull(match, "match"));
        putHandler(protocol, handler, limited);
    }

    private void putHandler(String protocol, StreamHandler handler, LimitedConnections limited) {
        Objects.requireNonNull(handler, "handler");
        if (limited == LimitedConnections.ALLOW) {
            allowedOnLimited.add(protocol);
        } else {
            allowedOnLimited.remove(protocol);
        }
        if (handlers.put(protocol, handler) == null) {
            fireLocalChange(LocalChange.PROTOCOLS);
        }
    }

    /** Stops serving {@code protocol}. */
    public void removeStreamHandler(String protocol) {
        allowedOnLimited.remove(protocol);
        matchers.remove(protocol);
        if (handlers.remove(protocol) != null) {
            fireLocalChange(LocalChange.PROTOCOLS);
        }
    }

    /** The protocols this node serves, sorted. */
    public List<String> protocols() {
        List<String> p = new ArrayList<>(handlers.keySet());
        Collections.sort(p);
        return p;
    }

    /** Runs {@code listener} whenever the served protocols or listen addresses change. */
    public void onLocalChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        onLocalChange(change -> listener.run());
    }

    /**
     * Tells {@code listener} what changed whenever the served protocols or listen addresses change
     * (identify push uses it, and its metrics label pushes with it).
     */
    public void onLocalChange(Consumer<LocalChange> listener) {
        protocolListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void fireLocalChange(LocalChange change) {
        for (Consumer<LocalChange> r : protocolListeners) {
            try {
                r.accept(change);
            } catch (RuntimeException e) {
                // one listener's bug must not affect the others; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "local change listener failed on " + change, e);
            }
        }
    }

    // ------------------------------------------------------------------ connecting

    /**
     * Connects to {@code peer} (reusing a live connection, a direct one before a limited one),
     * remembering its addresses. The connection may be limited (relayed) when that is all there is.
     */
    public Connection connect(PeerInfo peer) throws IOException {
        Connection c = swarm.connect(peer.peerId(), knownAddresses(peer));
        peerStore.addAddresses(peer.peerId(), List.of(c.remoteAddress()), AddressTtl.CONNECTED);
        return c;
    }

    /** The addresses given, then those in the peerstore; the given ones are remembered for a while. */
    private List<Multiaddr> knownAddresses(PeerInfo peer) {
        peerStore.addAddresses(peer.peerId(), peer.addresses(), AddressTtl.TEMPORARY);
        List<Multiaddr> addrs = new ArrayList<>(peer.addresses());
        for (Multiaddr a : peerStore.addresses(peer.peerId())) {
            if (!addrs.contains(a)) {
                addrs.add(a);
            }
        }
        return addrs;
    }

    /**
     * A connection a stream for a protocol that does not run on limited connections may use: the
     * connection {@link #connect(PeerInfo)} gives, or when that is limited a direct one dialed on
     * the peer's direct addresses (as go-libp2p, which waits for one).
     */
    private Connection connectForStream(PeerInfo peer, LimitedConnections limited, String[] protocols)
            throws IOException {
        Connection c = connect(peer);
        if (!c.isLimited() || limited == LimitedConnections.ALLOW) {
            return c;
        }
        try {
            Connection direct = swarm.connectDirect(peer.peerId(), knownAddresses(peer));
            peerStore.addAddresses(peer.peerId(), List.of(direct.remoteAddress()), AddressTtl.CONNECTED);
            return direct;
        } catch (IOException e) {
            throw new LimitedConnectionException("only a limited connection to " + peer.peerId()
                    + ", which " + List.of(protocols) + " does not use: " + e.getMessage(), e);
        }
    }

    /**
     * Dials {@code peer} directly for hole punching (DCUtR), even while a relayed connection to it
     * lives: every address of {@code addresses} not through a relay at once, past back-off, with
     * the security role fixed ({@code securityClient} false: run the handshake as the responder,
     * since a TCP simultaneous open has two dialers). A live direct connection is returned as it is.
     *
     * @throws io.p2pkit.core.network.DialException when no address works
     */
    public Connection connectSimultaneous(PeerId peer, List<Multiaddr> addresses, boolean securityClient)
            throws IOException {
        Connection c = swarm.connectSimultaneous(peer, addresses, securityClient);
        peerStore.addAddresses(peer, List.of(c.remoteAddress()), AddressTtl.CONNECTED);
        return c;
    }

    /**
     * Dials one address of {@code peer} beside any dial of it under way (neither joining nor
     * joined by it), for a transport that needs another connection to the same peer inside its own
     * dial: {@code /webrtc} signals over the relayed connection it dials this way.
     */
    public Connection connectAside(PeerId peer, Multiaddr address) throws IOException {
        Connection c = swarm.dialAside(peer, address);
        peerStore.addAddresses(peer, List.of(c.remoteAddress()), AddressTtl.CONNECTED);
        return c;
    }

    /** Connects to the peer an address ending in {@code /p2p/<id>} names. */
    public Connection connect(Multiaddr address) throws IOException {
        return connect(PeerInfo.fromMultiaddr(address));
    }

    /** Connects to a peer whose addresses are in the peerstore. */
    public Connection connect(PeerId peer) throws IOException {
        return connect(new PeerInfo(peer, List.of()));
    }

    /**
     * Opens a stream to {@code peer} speaking the first of {@code protocols} it supports. With a
     * single protocol, negotiation is pipelined with the first write and costs no round trip of
     * its own; a refusal then shows up as a {@link io.p2pkit.core.multistream.NegotiationException}
     * on the first read. Never waits for identify.
     */
    public Stream newStream(PeerInfo peer, String... protocols) throws IOException {
        return newStream(peer, LimitedConnections.REFUSE, protocols);
    }

    /**
     * Opens a stream to {@code peer} as {@link #newStream(PeerInfo, String...)}; with
     * {@link LimitedConnections#ALLOW} a limited (relayed) connection will do, otherwise only a
     * direct one, dialed if need be.
     *
     * @throws LimitedConnectionException when only a limited connection could be had and the protocol does not allow it
     */
    public Stream newStream(PeerInfo peer, LimitedConnections limited, String... protocols) throws IOException {
        return newStream(connectForStream(peer, limited, protocols), limited, protocols);
    }

    /** Opens a stream to a peer whose addresses are known or already connected. */
    public Stream newStream(PeerId peer, String... protocols) throws IOException {
        return newStream(new PeerInfo(peer, List.of()), protocols);
    }

    /** Opens a stream to a peer whose addresses are known or already connected, on a limited connection if allowed. */
    public Stream newStream(PeerId peer, LimitedConnections limited, String... protocols) throws IOException {
        return newStream(new PeerInfo(peer, List.of()), limited, protocols);
    }

    /**
     * Opens a stream on a particular connection.
     *
     * @throws LimitedConnectionException if the connection is limited (relayed): use
     *                                    {@link #newStream(Connection, LimitedConnections, String...)} to allow it
     */
    public Stream newStream(Connection connection, String... protocols) throws IOException {
        return newStream(connection, LimitedConnections.REFUSE, protocols);
    }

    /**
     * Opens a stream on a particular connection; on a limited (relayed) one only with
     * {@link LimitedConnections#ALLOW}.
     *
     * @throws LimitedConnectionException if the connection is limited and {@code limited} is {@link LimitedConnections#REFUSE}
     */
    public Stream newStream(Connection connection, LimitedConnections limited, String... protocols)
            throws IOException {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("no protocol given");
        }
        if (connection.isLimited() && limited != LimitedConnections.ALLOW) {
            throw new LimitedConnectionException("connection " + connection.id() + " to " + connection.remotePeer()
                    + " is limited (relayed) and " + List.of(protocols) + " does not run on limited connections");
        }
        SwarmStream opened = swarm.openStream(connection);
        MuxedStream s = opened.muxed();
        try {
            if (protocols.length == 1) {
                LazySelection lazy = protocolNegotiation.selectLazily(Duplex.of(s), List.of(protocols));
                return stream(opened, lazy.in(), lazy.out(), protocols[0], lazy);
            }
            String chosen = protocolNegotiation.select(Duplex.of(s), List.of(protocols));
            return stream(opened, s.in(), s.out(), chosen, null);
        } catch (IOException | RuntimeException e) {
            opened.reset();
            throw e;
        }
    }

    /**
     * Counts the bytes of every stream opened from now on with {@code meter} (bandwidth metrics);
     * null stops counting new streams. Without a meter streams are not wrapped at all.
     */
    public void setStreamMeter(StreamMeter meter) {
        this.streamMeter = meter;
    }

    /**
     * The stream once its protocol is known: charged to the protocol's scope (which may refuse),
     * metered if a meter is set, and announced to connection listeners.
     */
    private Stream stream(SwarmStream s, java.io.InputStream in, java.io.OutputStream out, String protocol,
                          LazySelection lazy) throws IOException {
        s.protocolAgreed(protocol);
        StreamMeter meter = streamMeter;
        if (meter != null) {
            StreamMeter.Counters counters = meter.open(protocol, s.direction(), s.connection());
            in = new MeteredInputStream(in, counters.received());
            out = new MeteredOutputStream(out, counters.sent());
        }
        return new Stream(s, in, out, protocol, lazy);
    }

    /**
     * Checks every inbound stream with {@code authorizer} after its protocol is agreed and before
     * its handler runs; null checks none. Refusal comes after negotiation, not as a multistream
     * {@code na}: a check may need a round trip of its own, and the protocol is supported, only
     * not for this peer. A refused stream is reset; its connection stays.
     */
    public void setStreamAuthorizer(StreamAuthorizer authorizer) {
        this.streamAuthorizer = authorizer;
    }

    /** Handles an inbound stream: negotiates its protocol and runs the handler. */
    private void handleInbound(SwarmStream s) {
        Stream stream = null;
        try {
            MuxedStream muxed = s.muxed();
            // on a limited (relayed) connection only protocols that opted in are offered
            boolean limited = s.connection().isLimited();
            String protocol = protocolNegotiation.negotiate(Duplex.of(muxed),
                    p -> registration(p, limited) != null, protocols());
            String registered = registration(protocol, limited);
            StreamHandler handler = registered == null ? null : handlers.get(registered);
            stream = stream(s, muxed.in(), muxed.out(), protocol, null);
            if (handler == null) {
                stream.reset(); // removed while negotiating
                return;
            }
            StreamAuthorizer authorizer = streamAuthorizer;
            if (authorizer != null) {
                try {
                    authorizer.authorize(s.connection(), protocol);
                } catch (IOException | RuntimeException refused) {
                    LOG.log(System.Logger.Level.INFO, () -> "refused inbound " + protocol + " stream from "
                            + s.connection().remotePeer() + " on connection " + s.connection().id() + ": "
                            + refused.getMessage());
                    stream.reset();
                    return;
                }
            }
            handler.handle(stream);
            stream.close();
        } catch (Exception e) {
            // a failed negotiation, a refused protocol or a handler that threw: the remote sees a reset
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound stream " + s + " failed: " + e);
            if (stream != null) {
                stream.reset();
            } else {
                s.reset();
            }
        }
    }

    /**
     * The protocol ID of the handler that serves a proposal: its own if registered, else that of
     * the first matcher accepting it; null if none (or none allowed on a limited connection).
     */
    private String registration(String proposal, boolean limited) {
        if (handlers.containsKey(proposal) && (!limited || allowedOnLimited.contains(proposal))) {
            return proposal;
        }
        for (Map.Entry<String, Predicate<String>> m : matchers.entrySet()) {
            String id = m.getKey();
            if (handlers.containsKey(id) && (!limited || allowedOnLimited.contains(id)) && m.getValue().test(proposal)) {
                return id;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ services and lifecycle

    /** Registers a service (identify, ping, …) to be closed with the host. */
    public void addService(Closeable service) {
        services.add(service);
    }

    /** The registered service of {@code type} (for example {@code IdentifyService}), if any. */
    public <T> java.util.Optional<T> service(Class<T> type) {
        return services.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Subscribes to connection events. */
    public void addConnectionListener(ConnectionListener listener) {
        swarm.addConnectionListener(listener);
    }

    /** Runs {@code task} on a new virtual thread (for protocol work triggered by events). */
    public void spawn(String name, Runnable task) {
        Thread.ofVirtual().name(name).start(task);
    }

    /** Whether the host has been closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Stops listening, closes every connection and service. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Closeable s : services) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                // closing the rest anyway
                LOG.log(System.Logger.Level.DEBUG, () -> "closing service " + s + ": " + e);
            }
        }
        swarm.close();
        if (ownsScheduler) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Host[" + peerId + " " + swarm.listenAddresses() + "]";
    }
}
