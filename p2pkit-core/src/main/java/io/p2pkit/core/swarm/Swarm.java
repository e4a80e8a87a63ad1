package io.p2pkit.core.swarm;

import io.p2pkit.core.Direction;
import io.p2pkit.core.dns.MultiaddrResolver;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.network.ConnectionGatedException;
import io.p2pkit.core.network.ConnectionGater;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.network.Network;
import io.p2pkit.core.network.NetworkConfig;
import io.p2pkit.core.network.NetworkObserver;
import io.p2pkit.core.network.dial.DialPolicy;
import io.p2pkit.core.network.dial.RankedAddress;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.StreamSpan;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.transport.HolePuncher;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ListenerClosedException;
import io.p2pkit.core.transport.ListeningPortDialer;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.core.upgrader.LazyProposalRefusedException;
import io.p2pkit.core.upgrader.Upgrader;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The swarm, the {@link Network} of a host: listens, dials, upgrades and keeps the connections to
 * other peers, and hands every inbound stream to the host. One virtual thread per listener accepts,
 * one per connection accepts its streams, one per inbound stream runs its handler.
 *
 * <p>What a transport hands over says what it needs ({@link TransportConnection#upgrade}): a byte
 * stream goes through the {@link Upgrader}, a connection its transport secured and multiplexed
 * (QUIC) is used as it is. Streams are accounted here ({@link SwarmStream}); their protocols are
 * the host's business.
 *
 * <p>Dialing a peer reuses a live connection when there is one; concurrent dials of one peer are
 * merged into one. The {@link ConnectionGater} and the {@link DialPolicy} (back-off, circuit
 * breaker, black holes) may refuse a peer or some of its addresses first. The rest are started
 * at the delays {@link io.p2pkit.core.network.dial.DialRanker} gives them (QUIC before TCP, private
 * before public, relayed last; {@link NetworkConfig#dialStagger()} is the step between public
 * addresses), or at once when every earlier attempt has failed; the first to succeed wins and the
 * others are closed. If all fail, the {@link DialException} lists why for each. A connection
 * that left from a listening port ({@link ListeningPortDialer}, TCP with port reuse) and failed
 * its security upgrade may have been joined with the peer's own dial to us in a TCP simultaneous
 * open, where both ends start the handshake as the initiator: its address is redialed once from
 * an ephemeral port ({@code SimultaneousOpenRedial} decides which failures qualify).
 */
public final class Swarm implements Network, Closeable {
    private static final System.Logger LOG = LazyLogger.of(Swarm.class);

    private final PeerId localPeer;
    private final List<Transport> transports;
    private final Upgrader upgrader;
    private final ResourceManager resources;
    private final NetworkConfig config;
    private final InboundStreamHandler streamHandler;
    private final MultiaddrResolver resolver;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Listener> transportListeners = new CopyOnWriteArrayList<>();
    private final Map<PeerId, List<SwarmConnection>> connections = new HashMap<>();
    /** The same connections by ID, so that a {@link Connection} handed back by the host is found without a cast. */
    private final Map<Long, SwarmConnection> byId = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<SwarmConnection>> pendingDials = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore inboundUpgrades;
    private volatile ConnectionGater gater = ConnectionGater.allowAll();
    private volatile DialPolicy dialPolicy = new DialPolicy();
    private final List<NetworkObserver> observers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * A swarm that resolves {@code /dns*} and {@code /dnsaddr} addresses with {@code resolver}
     * before dialing, and hands every inbound stream to {@code streamHandler}.
     */
    public Swarm(PeerId localPeer, List<Transport> transports, Upgrader upgrader, ResourceManager resources,
                 NetworkConfig config, InboundStreamHandler streamHandler, MultiaddrResolver resolver) {
        this.resolver = resolver;
        this.localPeer = localPeer;
        this.transports = new CopyOnWriteArrayList<>(transports);
        this.upgrader = upgrader;
        this.resources = resources;
        this.config = config;
        this.streamHandler = streamHandler;
        this.inboundUpgrades = new java.util.concurrent.Semaphore(config.maxInboundUpgrades());
    }

    /** This node's peer ID. */
    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    /** The resource manager every connection and stream is charged to. */
    @Override
    public ResourceManager resources() {
        return resources;
    }

    /** Sets the connection gater consulted at each step of dialing and accepting (default: allow all). */
    public void setConnectionGater(ConnectionGater gater) {
        this.gater = java.util.Objects.requireNonNull(gater);
    }

    /** Sets the dialing policy: ranking, back-off, black holes, circuit breakers, dial caps. */
    public void setDialPolicy(DialPolicy policy) {
        this.dialPolicy = java.util.Objects.requireNonNull(policy);
    }

    /** The dialing policy. */
    @Override
    public DialPolicy dialPolicy() {
        return dialPolicy;
    }

    /** Registers an observer of dials and handshakes (for metrics). */
    @Override
    public void addObserver(NetworkObserver observer) {
        observers.add(observer);
    }

    /** The connection gater. */
    @Override
    public ConnectionGater connectionGater() {
        return gater;
    }

    /** Registers a listener for connection events. */
    @Override
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener added with {@link #addConnectionListener}. */
    @Override
    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    /**
     * Adds a transport after the swarm was made: one that needs the host itself, such as the
     * circuit relay transport, which dials through other connections of this swarm. It is tried
     * after the transports given at construction, and closed with the swarm.
     */
    public void addTransport(Transport transport) throws IOException {
        checkOpen();
        transports.add(java.util.Objects.requireNonNull(transport, "transport"));
    }

    // ------------------------------------------------------------------ listening

    /**
     * Starts listening on {@code address} with the first transport that can.
     *
     * @return the address actually bound (with the real port)
     */
    public Multiaddr listen(Multiaddr address) throws IOException {
        checkOpen();
        Transport t = transports.stream().filter(x -> x.canListen(address)).findFirst()
                .orElseThrow(() -> new IOException("no transport can listen on " + address));
        Listener l = t.listen(address, resources);
        transportListeners.add(l);
        start("p2pkit-accept " + l.address(), () -> acceptLoop(l));
        return l.address();
    }

    /**
     * The addresses listened on, as bound (an unspecified address such as 0.0.0.0 stays as is),
     * with each listener's current {@link Listener#addresses()} (a relay listener's relayed ones).
     */
    @Override
    public List<Multiaddr> listenAddresses() {
        return transportListeners.stream().flatMap(l -> l.addresses().stream()).distinct().toList();
    }

    private void acceptLoop(Listener l) {
        int failures = 0;
        while (!closed) {
            TransportConnection raw;
            try {
                raw = l.accept();
                failures = 0;
            } catch (IOException e) {
                if (closed || !transportListeners.contains(l)) {
                    return;
                }
                if (e instanceof ListenerClosedException) {
                    transportListeners.remove(l); // closed on its own: no more connections from it
                    return;
                }
                // e.g. out of file descriptors: back off instead of spinning on the error
                failures = Math.min(failures + 1, 10);
                try {
                    Thread.sleep(Duration.ofMillis(5L << failures));
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (!gater.interceptAccept(l.address(), raw.remoteAddress())) {
                closeQuietly(raw); // gated before spending a handshake on it
                continue;
            }
            if (!inboundUpgrades.tryAcquire()) {
                closeQuietly(raw); // too many handshakes in progress: refuse rather than queue
                continue;
            }
            start("p2pkit-upgrade-in " + raw.remoteAddress(), () -> {
                SwarmConnection c;
                try {
                    c = upgradeInbound(raw);
                } finally {
                    inboundUpgrades.release();
                }
                if (c != null) {
                    // the upgrading thread stays on as the connection's stream acceptor
                    Thread.currentThread().setName("p2pkit-streams " + c.id());
                    acceptStreams(c);
                }
            });
        }
    }

    /** Upgrades and registers an inbound connection; null when it failed (and was closed). */
    private SwarmConnection upgradeInbound(TransportConnection raw) {
        ConnectionSpan span;
        try {
            // a transport that handshakes before handing over (WebRTC) opened it at admission
            Optional<ConnectionSpan> opened = raw.span();
            span = opened.isPresent() ? opened.get()
                    : resources.openConnection(Direction.INBOUND, true, raw.remoteAddress(), null);
        } catch (ResourceLimitException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "refused an inbound connection from " + raw.remoteAddress() + ": " + e.getMessage());
            closeQuietly(raw);
            return null;
        }
        try {
            long started = System.nanoTime();
            ReadyConnection ready = raw.upgrade(upgrader::upgradeInbound, span);
            SwarmConnection c = register(ready, Direction.INBOUND, span, raw.limit());
            long nanos = System.nanoTime() - started;
            fire(o -> o.handshakeCompleted(c, nanos));
            return c;
        } catch (IOException | RuntimeException e) {
            // the remote's problem (or our gater's, or a limit): nobody waits for this connection
            LOG.log(System.Logger.Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e);
            span.close();
            closeQuietly(raw);
            return null;
        }
    }

    // ------------------------------------------------------------------ dialing

    @Override
    public List<Connection> connections(PeerId peer) {
        lock.lock();
        try {
            return List.<Connection>copyOf(connections.getOrDefault(peer, List.of()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Connection> connections() {
        lock.lock();
        try {
            List<Connection> all = new ArrayList<>();
            connections.values().forEach(all::addAll);
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** A live connection to {@code peer}: a direct (unlimited) one if any, then the one with the fewest streams. */
    @Override
    public Optional<Connection> connection(PeerId peer) {
        return connections(peer).stream().filter(c -> !c.isClosed())
                .min(java.util.Comparator.comparing(Connection::isLimited).thenComparingInt(Connection::streamCount));
    }

    /**
     * Returns a direct (not limited) connection to {@code peer}: a live one, or one dialed on the
     * addresses of {@code addresses} that do not go through a relay. For a stream whose protocol
     * does not run on limited connections when only a relayed one exists.
     *
     * @throws DialException when there is no direct address or none works
     */
    public Connection connectDirect(PeerId peer, List<Multiaddr> addresses) throws IOException {
        if (peer.equals(localPeer)) {
            throw new DialException(peer, "cannot dial self", Map.of());
        }
        Optional<Connection> live = connection(peer).filter(c -> !c.isLimited());
        if (live.isPresent()) {
            return live.get();
        }
        // …/p2p-circuit/webrtc is signalled through a relay but gives a direct connection
        List<Multiaddr> direct = addresses.stream()
                .filter(a -> !a.hasProtocol(Protocol.P2P_CIRCUIT) || a.hasProtocol(Protocol.WEBRTC)).toList();
        if (direct.isEmpty()) {
            throw new DialException(peer, "no direct address (only relayed ones)", Map.of());
        }
        checkOpen();
        Connection c = dialNew(peer, direct);
        if (c.isLimited()) {
            throw new DialException(peer, "only a limited connection could be had", Map.of());
        }
        return c;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        Multiaddr bare = address.withoutPeerId();
        return transports.stream().anyMatch(t -> t.canDial(bare));
    }

    @Override
    public boolean canPunch(Multiaddr address) {
        Multiaddr bare = address.withoutPeerId();
        return transports.stream().anyMatch(t -> t instanceof HolePuncher p && p.canPunch(bare));
    }

    @Override
    public void punch(Multiaddr address) throws IOException {
        checkOpen();
        Multiaddr bare = address.withoutPeerId();
        for (Transport t : transports) {
            if (t instanceof HolePuncher p && p.canPunch(bare)) {
                p.punch(bare);
                return;
            }
        }
        throw new IOException("no transport can hole punch to " + bare);
    }

    /**
     * Returns a connection to {@code peer}, reusing a live one or dialing {@code addresses}.
     *
     * @throws DialException when no address works, with the reason for each
     */
    public Connection connect(PeerId peer, List<Multiaddr> addresses) throws IOException {
        checkOpen();
        if (peer.equals(localPeer)) {
            throw new DialException(peer, "cannot dial self", Map.of());
        }
        Optional<Connection> live = connection(peer);
        if (live.isPresent()) {
            return live.get();
        }
        return dialNew(peer, addresses);
    }

    /**
     * Dials one address of {@code peer} now, neither joining a dial of the peer under way nor
     * joined by one: for a transport that needs a second connection to the same peer inside its
     * own dial, as {@code /webrtc} needs the relayed connection it signals over.
     *
     * @throws DialException when the gater refuses or the address fails
     */
    public Connection dialAside(PeerId peer, Multiaddr address) throws IOException {
        checkOpen();
        Multiaddr bare = address.withoutPeerId();
        if (peer.equals(localPeer)) {
            throw new DialException(peer, "cannot dial self", Map.of());
        }
        if (!gater.interceptPeerDial(peer) || !gater.interceptAddrDial(peer, bare)) {
            throw new DialException(peer, "the connection gater refused to dial " + bare, Map.of());
        }
        try {
            return dialOne(peer, bare, dialPolicy, Role.DIALER);
        } catch (IOException | RuntimeException e) {
            throw new DialException(peer, "dialing " + bare + " failed", Map.of(bare, e));
        }
    }

    /** Dials {@code peer} (joining a dial of it already under way) regardless of live connections. */
    private Connection dialNew(PeerId peer, List<Multiaddr> addresses) throws IOException {
        if (!gater.interceptPeerDial(peer)) {
            throw new DialException(peer, "the connection gater refused to dial this peer", Map.of());
        }
        CompletableFuture<SwarmConnection> dial;
        boolean mine = false;
        lock.lock();
        try {
            dial = pendingDials.get(peer);
            if (dial == null) {
                dial = new CompletableFuture<>();
                pendingDials.put(peer, dial);
                mine = true;
            }
        } finally {
            lock.unlock();
        }
        if (mine) {
            DialPolicy policy = dialPolicy;
            AtomicInteger attempted = new AtomicInteger();
            long dialStarted = System.nanoTime();
            try {
                // Only the dial that others join asks the policy, so joiners never take a breaker's probe.
                Optional<String> refused = policy.refusePeer(peer);
                if (refused.isPresent()) {
                    throw new DialException(peer, refused.get(), Map.of());
                }
                dial.complete(dialAddresses(peer, addresses, attempted));
                policy.peerSucceeded(peer);
                fire(o -> o.peerDialed(peer, true));
                long nanos = System.nanoTime() - dialStarted;
                fire(o -> o.peerDialCompleted(peer, true, attempted.get(), nanos));
            } catch (IOException | RuntimeException e) {
                if (attempted.get() > 0 && !DialException.isLocalRefusal(e)) {
                    policy.peerFailed(peer);
                    fire(o -> o.peerDialed(peer, false));
                } else {
                    // nothing was dialed (all backed off, gated), or only this node's own limits
                    // refused it: no verdict on the peer, so no back-off for it
                    policy.peerNotDialed(peer);
                }
                long nanos = System.nanoTime() - dialStarted;
                fire(o -> o.peerDialCompleted(peer, false, attempted.get(), nanos));
                dial.completeExceptionally(e);
            } finally {
                lock.lock();
                try {
                    pendingDials.remove(peer, dial);
                } finally {
                    lock.unlock();
                }
            }
        }
        try {
            return dial.get(config.peerDialTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while dialing " + peer);
        } catch (TimeoutException e) {
            throw new DialException(peer, "timed out after " + config.peerDialTimeout(), Map.of());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private SwarmConnection dialAddresses(PeerId peer, List<Multiaddr> addresses, AtomicInteger attempted)
            throws IOException {
        Map<Multiaddr, Throwable> failures = new LinkedHashMap<>();
        DialPolicy policy = dialPolicy;
        List<RankedAddress> ranked = policy.plan(peer,
                rank(peer, resolveNames(peer, addresses, failures), failures), config.dialStagger(), failures);
        return dialRanked(peer, addresses, ranked, failures, attempted, Role.DIALER);
    }

    /**
     * Dials {@code peer} directly for hole punching (DCUtR): every address not through a relay at
     * once (no ranking delays, no back-off, as go-libp2p's {@code WithForceDirectDial}), never
     * joining or joined by another dial of the peer, and with the security role fixed by the
     * caller. A TCP simultaneous open leaves both ends believing they dialed, so the end that is
     * not {@code securityClient} runs security and muxer negotiation as the responder (go-libp2p's
     * {@code WithSimultaneousConnect}); a transport that secures its own connections (QUIC) keeps
     * its own roles. These dials are never redialed from an ephemeral port after a failed
     * handshake, as ordinary ones are: the simultaneous open is what they are for. A live direct
     * connection is returned as it is.
     *
     * @throws DialException when no address works, with the reason for each
     */
    public Connection connectSimultaneous(PeerId peer, List<Multiaddr> addresses, boolean securityClient)
            throws IOException {
        checkOpen();
        if (peer.equals(localPeer)) {
            throw new DialException(peer, "cannot dial self", Map.of());
        }
        Optional<Connection> live = connection(peer).filter(c -> !c.isLimited());
        if (live.isPresent()) {
            return live.get();
        }
        if (!gater.interceptPeerDial(peer)) {
            throw new DialException(peer, "the connection gater refused to dial this peer", Map.of());
        }
        List<Multiaddr> direct = addresses.stream().filter(a -> !a.hasProtocol(Protocol.P2P_CIRCUIT)).toList();
        Map<Multiaddr, Throwable> failures = new LinkedHashMap<>();
        List<RankedAddress> ranked = rank(peer, resolveNames(peer, direct, failures), failures).stream()
                .map(a -> new RankedAddress(a, Duration.ZERO)).toList();
        return dialRanked(peer, direct, ranked, failures, new AtomicInteger(),
                securityClient ? Role.PUNCH_CLIENT : Role.PUNCH_SERVER);
    }

    /** Dials the ranked addresses of {@code peer}, each at its delay, until one works. */
    private SwarmConnection dialRanked(PeerId peer, List<Multiaddr> addresses, List<RankedAddress> ranked,
                                       Map<Multiaddr, Throwable> failures, AtomicInteger attempted,
                                       Role role) throws IOException {
        DialPolicy policy = dialPolicy;
        if (ranked.isEmpty()) {
            for (Multiaddr a : addresses) {
                failures.putIfAbsent(a.withoutPeerId(), new IOException("no transport for this address"));
            }
            throw new DialException(peer, addresses.isEmpty() ? "no addresses" : "no dialable addresses", failures);
        }
        if (ranked.size() == 1) {
            // One address: dial on the caller's thread; a hand-off to a dial thread and back costs
            // two scheduling delays, which on a loaded machine are most of a loopback connect.
            Multiaddr addr = ranked.get(0).address();
            attempted.incrementAndGet();
            try {
                SwarmConnection c = dialOne(peer, addr, policy, role);
                fire(o -> o.dialRankingDelay(peer, 0));
                return c;
            } catch (IOException | RuntimeException e) {
                failures.put(addr, e);
                throw new DialException(peer, "all 1 addresses failed", failures);
            }
        }
        // bounded by the addresses started: each puts exactly one outcome
        LinkedBlockingQueue<DialOutcome> results = new LinkedBlockingQueue<>(ranked.size());
        Set<Multiaddr> inFlight = new LinkedHashSet<>();
        // how long each address waited between the start of the dial and its own (go's ranking delay)
        Map<Multiaddr, Long> heldBack = new HashMap<>();
        long start = System.nanoTime();
        long deadline = start + config.peerDialTimeout().toNanos();
        int next = 0;
        int pending = 0;
        SwarmConnection winner = null;
        long winnerDelay = 0;
        try {
            while (winner == null) {
                // Start every address whose delay has passed, or the next one at once if nothing is pending.
                while (next < ranked.size() && pending < config.maxParallelDials()
                        && (pending == 0 || System.nanoTime() - start >= ranked.get(next).delay().toNanos())) {
                    Multiaddr addr = ranked.get(next++).address();
                    pending++;
                    attempted.incrementAndGet();
                    inFlight.add(addr);
                    heldBack.put(addr, System.nanoTime() - start);
                    start("p2pkit-dial " + addr, () -> {
                        try {
                            results.add(new DialOutcome(addr, dialOne(peer, addr, policy, role), null));
                        } catch (Throwable t) {
                            results.add(new DialOutcome(addr, null, t));
                        }
                    });
                }
                if (pending == 0) {
                    break;
                }
                long now = System.nanoTime();
                if (deadline - now <= 0) {
                    break;
                }
                long wake = deadline;
                if (next < ranked.size() && pending < config.maxParallelDials()) {
                    wake = Math.min(wake, start + ranked.get(next).delay().toNanos());
                }
                DialOutcome r = results.poll(Math.max(1, wake - now), TimeUnit.NANOSECONDS);
                if (r == null) {
                    continue; // a delay passed: start the next address
                }
                pending--;
                inFlight.remove(r.address());
                if (r.connection() != null) {
                    winner = r.connection();
                    winnerDelay = heldBack.getOrDefault(r.address(), 0L);
                } else {
                    failures.put(r.address(), r.failure());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while dialing " + peer);
        } finally {
            if (pending > 0) {
                // Losers: close whatever they still produce.
                int outstanding = pending;
                start("p2pkit-dial-cleanup " + peer, () -> drainLosers(results, outstanding, deadline));
            }
        }
        if (winner != null) {
            long delay = winnerDelay;
            fire(o -> o.dialRankingDelay(peer, delay));
            return winner;
        }
        for (Multiaddr a : inFlight) {
            failures.putIfAbsent(a, new IOException("timed out after " + config.peerDialTimeout()));
        }
        for (int i = next; i < ranked.size(); i++) {
            failures.putIfAbsent(ranked.get(i).address(), new IOException("not tried: out of time"));
        }
        throw new DialException(peer, "all " + ranked.size() + " addresses failed", failures);
    }

    /** What one address's dial gave: a connection, or why not. */
    private record DialOutcome(Multiaddr address, SwarmConnection connection, Throwable failure) {
    }

    private static void drainLosers(LinkedBlockingQueue<DialOutcome> results, int outstanding, long deadline) {
        for (int i = 0; i < outstanding; i++) {
            try {
                DialOutcome r = results.poll(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(30),
                        TimeUnit.NANOSECONDS);
                if (r == null) {
                    return; // the dial threads are interrupted when the swarm closes
                }
                if (r.connection() != null) {
                    r.connection().close(); // another attempt won: this one is a duplicate
                }
            } catch (InterruptedException e) {
                return; // the swarm is closing: it closes every connection itself
            }
        }
    }

    private SwarmConnection dialOne(PeerId peer, Multiaddr addr, DialPolicy policy, Role role) throws IOException {
        try {
            if (!policy.acquireDialSlot(config.dialTimeout())) {
                throw new io.p2pkit.core.network.TooManyDialsException("too many dials in progress ("
                        + policy.config().maxConcurrentDials() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to dial " + addr);
        }
        long started = System.nanoTime();
        try {
            SwarmConnection c = dialOneUnlimited(peer, addr, role);
            policy.addressSucceeded(peer, addr);
            return c;
        } catch (IOException | RuntimeException e) {
            if (!DialException.isLocalRefusal(e)) {
                policy.addressFailed(peer, addr); // our own refusals say nothing about the address
            }
            long nanos = System.nanoTime() - started;
            fire(o -> o.dialFailed(peer, addr, e, nanos));
            throw e;
        } finally {
            policy.releaseDialSlot();
        }
    }

    /** What a dial is for, which decides its security role and whether it may be redialed. */
    private enum Role {
        /** An ordinary dial: the security client, redialed once after a simultaneous open. */
        DIALER,
        /** Hole punching's dial as the security client: the simultaneous open is wanted, no redial. */
        PUNCH_CLIENT,
        /** Hole punching's dial as the security server (the responder of a simultaneous open). */
        PUNCH_SERVER
    }

    private SwarmConnection dialOneUnlimited(PeerId peer, Multiaddr addr, Role role) throws IOException {
        Transport t = transports.stream().filter(x -> x.canDial(addr)).findFirst()
                .orElseThrow(() -> new IOException("no transport can dial " + addr));
        boolean lazy = true;
        boolean ephemeral = false;
        while (true) {
            ConnectionSpan span = resources.openConnection(Direction.OUTBOUND, true, addr, peer);
            TransportConnection raw = null;
            ReadyConnection ready = null;
            try {
                raw = ephemeral
                        ? ((ListeningPortDialer) t).dialFromEphemeralPort(addr.withoutPeerId(), config.dialTimeout())
                        : t.dial(addr.withoutPeerId(), peer, config.dialTimeout(), span);
                long started = System.nanoTime();
                boolean lazyProposal = lazy;
                ready = checkedPeer(raw.upgrade((bytes, memory) -> role != Role.PUNCH_SERVER
                        ? upgrader.upgradeOutbound(bytes, peer, lazyProposal, memory)
                        : upgrader.upgradeInbound(bytes, memory), span), peer);
                SwarmConnection c = register(ready, Direction.OUTBOUND, span, raw.limit());
                start("p2pkit-streams " + c.id(), () -> acceptStreams(c));
                long nanos = System.nanoTime() - started;
                fire(o -> o.handshakeCompleted(c, nanos));
                return c;
            } catch (LazyProposalRefusedException e) {
                span.close();
                if (!lazy) {
                    throw e;
                }
                lazy = false; // the peer lacks our first security protocol: negotiate normally
            } catch (IOException | RuntimeException e) {
                span.close();
                if (raw != null) {
                    closeQuietly(raw);
                }
                // the upgrade failed on a connection from our listening port: perhaps a simultaneous open
                if (!ephemeral && role == Role.DIALER && raw != null && ready == null
                        && t instanceof ListeningPortDialer d && d.leftFromListeningPort(raw)
                        && SimultaneousOpenRedial.mayBeSimultaneousOpen(e)) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "redialing " + addr + " of " + peer
                            + " from an ephemeral port: the dial from the listening port failed its upgrade,"
                            + " perhaps joined with the peer's dial in a simultaneous open: " + e);
                    fire(o -> o.redialedFromEphemeralPort(peer, addr, e));
                    ephemeral = true;
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * The connection must be with the peer we dialed: the upgrader's handshakes check it, and so
     * does a transport that secures its own connections (QUIC), but the swarm does not rely on a
     * transport it does not know.
     */
    private static ReadyConnection checkedPeer(ReadyConnection ready, PeerId peer) throws IOException {
        PeerId remote = ready.remotePeer();
        if (!remote.equals(peer)) {
            closeQuietly(ready);
            throw new PeerIdMismatchException("dialed " + peer + " but reached " + remote);
        }
        return ready;
    }

    /**
     * Replaces {@code /dns*} and {@code /dnsaddr} addresses by what they resolve to (for
     * {@code peer} only); a lookup that fails or finds nothing is recorded as that address's failure.
     */
    private List<Multiaddr> resolveNames(PeerId peer, List<Multiaddr> addresses, Map<Multiaddr, Throwable> failures) {
        if (addresses.stream().noneMatch(MultiaddrResolver::needsResolving)) {
            return addresses;
        }
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : addresses) {
            if (!MultiaddrResolver.needsResolving(a)) {
                out.add(a);
                continue;
            }
            try {
                List<Multiaddr> resolved = resolver.resolve(a, Optional.of(peer));
                if (resolved.isEmpty()) {
                    failures.put(a, new IOException("the name resolved to no address for " + peer));
                }
                out.addAll(resolved);
            } catch (IOException | RuntimeException e) {
                failures.put(a, e);
            }
        }
        return out;
    }

    /** Addresses this node can dial and the gater allows, deduplicated, loopback first, then private, then the rest. */
    private List<Multiaddr> rank(PeerId peer, List<Multiaddr> addresses, Map<Multiaddr, Throwable> failures) {
        Set<Multiaddr> seen = new LinkedHashSet<>();
        for (Multiaddr a : addresses) {
            Optional<PeerId> named = a.peerId();
            if (named.isPresent() && !named.get().equals(peer)) {
                continue;
            }
            Multiaddr bare = a.withoutPeerId();
            if (!gater.interceptAddrDial(peer, bare)) {
                failures.put(bare, new ConnectionGatedException("the connection gater refused this address"));
                continue;
            }
            if (transports.stream().anyMatch(t -> t.canDial(bare))) {
                seen.add(bare);
            }
        }
        List<Multiaddr> out = new ArrayList<>(seen);
        out.sort((x, y) -> Integer.compare(AddressClass.of(x), AddressClass.of(y)));
        return out;
    }

    // ------------------------------------------------------------------ connections

    private SwarmConnection register(ReadyConnection ready, Direction dir, ConnectionSpan span,
                                     Optional<ConnectionLimit> limit) throws IOException {
        PeerId remote = ready.remotePeer();
        if (!gater.interceptSecured(dir, remote, ready.localAddress(), ready.remoteAddress())) {
            closeQuietly(ready);
            throw new ConnectionGatedException("the connection gater refused " + remote + " once secured");
        }
        try {
            span.setPeer(remote);
        } catch (ResourceLimitException e) {
            closeQuietly(ready);
            throw e;
        }
        SwarmConnection c = new SwarmConnection(this, ids.incrementAndGet(), ready, dir, span, limit);
        if (!gater.interceptUpgraded(c)) {
            c.close();
            throw new ConnectionGatedException("the connection gater refused the upgraded connection " + c);
        }
        lock.lock();
        try {
            if (closed) {
                c.close();
                throw new IOException("network is closed");
            }
            connections.computeIfAbsent(remote, k -> new ArrayList<>()).add(c);
            byId.put(c.id(), c);
        } finally {
            lock.unlock();
        }
        tellListeners("connected", l -> l.connected(c));
        return c;
    }

    /** A connection closed (by either side, or an error): it leaves the registry and listeners are told. */
    void connectionClosed(SwarmConnection c) {
        boolean removed;
        lock.lock();
        try {
            List<SwarmConnection> list = connections.get(c.remotePeer());
            removed = list != null && list.remove(c);
            if (list != null && list.isEmpty()) {
                connections.remove(c.remotePeer());
            }
            byId.remove(c.id(), c);
        } finally {
            lock.unlock();
        }
        if (removed) {
            tellListeners("disconnected", l -> l.disconnected(c));
        }
    }

    private void acceptStreams(SwarmConnection c) {
        try {
            while (true) {
                MuxedStream s = c.acceptStream();
                if (s == null) {
                    break;
                }
                StreamSpan span;
                try {
                    span = c.resources().openStream(Direction.INBOUND);
                } catch (ResourceLimitException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "refused an inbound stream on " + c + ": " + e.getMessage());
                    closeQuietly(s::reset);
                    continue;
                }
                c.streamAccepted();
                SwarmStream stream = new SwarmStream(this, c, s, span, Direction.INBOUND);
                start("p2pkit-stream-in " + c.id(), () -> streamHandler.handle(stream));
            }
        } catch (IOException | RuntimeException e) {
            // the connection died: close() below tells everyone
            LOG.log(System.Logger.Level.DEBUG, () -> c + " ended: " + e);
        } finally {
            c.close();
        }
    }

    /**
     * Opens an outbound stream on {@code connection}, one of this swarm's live connections; its
     * protocol is for the caller to negotiate.
     *
     * @throws IOException when the connection is closed (or is not one of this swarm's)
     */
    public SwarmStream openStream(Connection connection) throws IOException {
        SwarmConnection c = byId.get(connection.id());
        if (c != connection) {
            throw new IOException("not a live connection of this host: " + connection);
        }
        return c.openStream();
    }

    void streamOpened(SwarmConnection c, String protocol, Direction direction) {
        tellListeners("streamOpened", l -> l.streamOpened(c, protocol, direction));
    }

    void streamClosed(SwarmConnection c, String protocol, Direction direction) {
        tellListeners("streamClosed", l -> l.streamClosed(c, protocol, direction));
    }

    private void tellListeners(String event, java.util.function.Consumer<ConnectionListener> call) {
        for (ConnectionListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                // a listener's bug must not break the connection or the other listeners; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "connection listener " + l + " failed on " + event, e);
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Closes every listener and connection, then the transports. Idempotent. */
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
        for (Listener l : transportListeners) {
            closeQuietly(l);
        }
        transportListeners.clear();
        for (Connection c : connections()) {
            c.close();
        }
        for (Transport t : transports) {
            closeQuietly(t); // e.g. QUIC's sockets and event loop
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int threadCount() {
        return threads.size();
    }

    private void start(String name, Runnable body) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(t); // before it starts, so that its own removal always comes after
        t.start();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("network is closed");
        }
    }

    private void fire(java.util.function.Consumer<NetworkObserver> event) {
        for (NetworkObserver o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                // an observer's bug must not break networking; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "network observer " + o + " failed", e);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing on a failure or a shutdown: the first error is the one that matters
            LOG.log(System.Logger.Level.DEBUG, () -> "closing " + c + ": " + e);
        }
    }

    /** Ranks addresses for dialing: loopback 0, private 1, other 2. */
    static final class AddressClass {
        private AddressClass() {
        }

        static int of(Multiaddr a) {
            return a.toSocketAddress().map(s -> {
                var ip = s.getAddress();
                if (ip.isLoopbackAddress()) {
                    return 0;
                }
                if (io.p2pkit.core.network.AddressScope.isLocal(ip)) {
                    return 1;
                }
                return 2;
            }).orElse(2);
        }
    }
}
