package io.p2pkit.core.network;

import io.p2pkit.core.Direction;
import io.p2pkit.core.dns.MultiaddrResolver;
import io.p2pkit.core.dns.SystemResolver;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.network.dial.DialPolicy;
import io.p2pkit.core.network.dial.RankedAddress;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.StreamSpan;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.core.upgrader.LazyProposalRefusedException;
import io.p2pkit.core.upgrader.UpgradedConnection;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The swarm: listens, dials, upgrades and keeps the connections to other peers, and hands every
 * inbound stream to the host. One virtual thread per listener accepts, one per connection accepts
 * its streams, one per inbound stream runs its handler.
 *
 * <p>Dialing a peer reuses a live connection when there is one; concurrent dials of one peer are
 * merged into one. The {@link ConnectionGater} and the {@link DialPolicy} (back-off, circuit
 * breaker, black holes) may refuse a peer or some of its addresses first. The rest are started
 * at the delays {@link io.p2pkit.core.network.dial.DialRanker} gives them (QUIC before TCP, private
 * before public, relayed last; {@link NetworkConfig#dialStagger()} is the step between public
 * addresses), or at once when every earlier attempt has failed; the first to succeed wins and the
 * others are closed. If all fail, the {@link DialException} lists why for each.
 */
public final class Network implements Closeable {
    private final PeerId localPeer;
    private final List<Transport> transports;
    private final Upgrader upgrader;
    private final ResourceManager resources;
    private final NetworkConfig config;
    private final InboundStreamHandler streamHandler;
    private final MultiaddrResolver resolver;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Listener> transportListeners = new CopyOnWriteArrayList<>();
    private final Map<PeerId, List<Connection>> connections = new HashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> pendingDials = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore inboundUpgrades;
    private volatile ConnectionGater gater = ConnectionGater.allowAll();
    private volatile DialPolicy dialPolicy = new DialPolicy();
    private final List<NetworkObserver> observers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public Network(PeerId localPeer, List<Transport> transports, Upgrader upgrader, ResourceManager resources,
                   NetworkConfig config, InboundStreamHandler streamHandler) {
        this(localPeer, transports, upgrader, resources, config, streamHandler, new MultiaddrResolver(new SystemResolver()));
    }

    /**
     * A network that resolves {@code /dns*} and {@code /dnsaddr} addresses with {@code resolver}
     * before dialing (the other constructor uses the system resolver).
     */
    public Network(PeerId localPeer, List<Transport> transports, Upgrader upgrader, ResourceManager resources,
                   NetworkConfig config, InboundStreamHandler streamHandler, MultiaddrResolver resolver) {
        this.resolver = resolver;
        this.localPeer = localPeer;
        this.transports = List.copyOf(transports);
        this.upgrader = upgrader;
        this.resources = resources;
        this.config = config;
        this.streamHandler = streamHandler;
        this.inboundUpgrades = new java.util.concurrent.Semaphore(config.maxInboundUpgrades());
    }

    /** This node's peer ID. */
    public PeerId localPeer() {
        return localPeer;
    }

    /** The resource manager every connection and stream is charged to. */
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
    public DialPolicy dialPolicy() {
        return dialPolicy;
    }

    /** Registers an observer of dials and handshakes (for metrics). */
    public void addObserver(NetworkObserver observer) {
        observers.add(observer);
    }

    /** The connection gater. */
    public ConnectionGater connectionGater() {
        return gater;
    }

    /** Registers a listener for connection events. */
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener added with {@link #addConnectionListener}. */
    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
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
        Listener l = t.listen(address);
        transportListeners.add(l);
        start("p2pkit-accept " + l.address(), () -> acceptLoop(l));
        return l.address();
    }

    /** The addresses listened on, as bound (an unspecified address such as 0.0.0.0 stays as is). */
    public List<Multiaddr> listenAddresses() {
        return transportListeners.stream().map(Listener::address).toList();
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
                try {
                    upgradeInbound(raw);
                } finally {
                    inboundUpgrades.release();
                }
            });
        }
    }

    private void upgradeInbound(TransportConnection raw) {
        ConnectionSpan span;
        try {
            span = resources.openConnection(Direction.INBOUND, true, raw.remoteAddress(), null);
        } catch (ResourceLimitException e) {
            closeQuietly(raw);
            return;
        }
        try {
            long started = System.nanoTime();
            // a ready connection (QUIC) charges the bytes its streams hold to the span, as the upgrader's layers do
            MemoryCharged.charge(raw, span);
            UpgradedConnection up = raw instanceof ReadyConnection ready ? ready.upgraded() : upgrader.upgradeInbound(raw, span);
            Connection c = register(up, raw, Direction.INBOUND, span);
            long nanos = System.nanoTime() - started;
            fire(o -> o.handshakeCompleted(c, nanos));
        } catch (IOException | RuntimeException e) {
            span.close();
            closeQuietly(raw);
        }
    }

    // ------------------------------------------------------------------ dialing

    /** Live connections to {@code peer}, oldest first. */
    public List<Connection> connections(PeerId peer) {
        lock.lock();
        try {
            return List.copyOf(connections.getOrDefault(peer, List.of()));
        } finally {
            lock.unlock();
        }
    }

    /** Every live connection. */
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

    /** A live connection to {@code peer}, if any (the one with the fewest streams). */
    public Optional<Connection> connection(PeerId peer) {
        return connections(peer).stream().filter(c -> !c.isClosed())
                .min((a, b) -> Integer.compare(a.streamCount(), b.streamCount()));
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
        if (!gater.interceptPeerDial(peer)) {
            throw new DialException(peer, "the connection gater refused to dial this peer", Map.of());
        }
        CompletableFuture<Connection> dial;
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
            int[] attempted = {0};
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
                fire(o -> o.peerDialCompleted(peer, true, attempted[0], nanos));
            } catch (IOException | RuntimeException e) {
                if (attempted[0] > 0) {
                    policy.peerFailed(peer);
                    fire(o -> o.peerDialed(peer, false));
                } else {
                    policy.peerNotDialed(peer); // nothing was dialed (all backed off, gated): no verdict
                }
                long nanos = System.nanoTime() - dialStarted;
                fire(o -> o.peerDialCompleted(peer, false, attempted[0], nanos));
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

    private Connection dialAddresses(PeerId peer, List<Multiaddr> addresses, int[] attempted) throws IOException {
        Map<Multiaddr, Throwable> failures = new LinkedHashMap<>();
        DialPolicy policy = dialPolicy;
        List<RankedAddress> ranked = policy.plan(peer,
                rank(peer, resolveNames(peer, addresses, failures), failures), config.dialStagger(), failures);
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
            attempted[0]++;
            try {
                Connection c = dialOne(peer, addr, policy);
                fire(o -> o.dialRankingDelay(peer, 0));
                return c;
            } catch (IOException | RuntimeException e) {
                failures.put(addr, e);
                throw new DialException(peer, "all 1 addresses failed", failures);
            }
        }
        LinkedBlockingQueue<Object[]> results = new LinkedBlockingQueue<>();
        Set<Multiaddr> inFlight = new LinkedHashSet<>();
        // how long each address waited between the start of the dial and its own (go's ranking delay)
        Map<Multiaddr, Long> heldBack = new HashMap<>();
        long start = System.nanoTime();
        long deadline = start + config.peerDialTimeout().toNanos();
        int next = 0;
        int pending = 0;
        Connection winner = null;
        long winnerDelay = 0;
        try {
            while (winner == null) {
                // Start every address whose delay has passed, or the next one at once if nothing is pending.
                while (next < ranked.size() && pending < config.maxParallelDials()
                        && (pending == 0 || System.nanoTime() - start >= ranked.get(next).delay().toNanos())) {
                    Multiaddr addr = ranked.get(next++).address();
                    pending++;
                    attempted[0]++;
                    inFlight.add(addr);
                    heldBack.put(addr, System.nanoTime() - start);
                    start("p2pkit-dial " + addr, () -> {
                        try {
                            results.add(new Object[]{addr, dialOne(peer, addr, policy)});
                        } catch (Throwable t) {
                            results.add(new Object[]{addr, t});
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
                Object[] r = results.poll(Math.max(1, wake - now), TimeUnit.NANOSECONDS);
                if (r == null) {
                    continue; // a delay passed: start the next address
                }
                pending--;
                inFlight.remove((Multiaddr) r[0]);
                if (r[1] instanceof Connection c) {
                    winner = c;
                    winnerDelay = heldBack.getOrDefault((Multiaddr) r[0], 0L);
                } else {
                    failures.put((Multiaddr) r[0], (Throwable) r[1]);
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

    private static void drainLosers(LinkedBlockingQueue<Object[]> results, int outstanding, long deadline) {
        for (int i = 0; i < outstanding; i++) {
            try {
                Object[] r = results.poll(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(30),
                        TimeUnit.NANOSECONDS);
                if (r == null) {
                    return;
                }
                if (r[1] instanceof Connection c) {
                    c.close(); // another attempt won: this one is a duplicate
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Connection dialOne(PeerId peer, Multiaddr addr, DialPolicy policy) throws IOException {
        try {
            if (!policy.acquireDialSlot(config.dialTimeout())) {
                throw new IOException("too many dials in progress (" + policy.config().maxConcurrentDials() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to dial " + addr);
        }
        long started = System.nanoTime();
        try {
            Connection c = dialOneUnlimited(peer, addr);
            policy.addressSucceeded(peer, addr);
            return c;
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof ResourceLimitException) && !(e instanceof ConnectionGatedException)) {
                policy.addressFailed(peer, addr); // our own refusals say nothing about the address
            }
            long nanos = System.nanoTime() - started;
            fire(o -> o.dialFailed(peer, addr, e, nanos));
            throw e;
        } finally {
            policy.releaseDialSlot();
        }
    }

    private Connection dialOneUnlimited(PeerId peer, Multiaddr addr) throws IOException {
        Transport t = transports.stream().filter(x -> x.canDial(addr)).findFirst()
                .orElseThrow(() -> new IOException("no transport can dial " + addr));
        boolean lazy = true;
        while (true) {
            ConnectionSpan span = resources.openConnection(Direction.OUTBOUND, true, addr, peer);
            TransportConnection raw = null;
            try {
                raw = t.dial(addr.withoutPeerId(), peer, config.dialTimeout());
                long started = System.nanoTime();
                MemoryCharged.charge(raw, span);
                UpgradedConnection up = raw instanceof ReadyConnection ready ? checkedPeer(ready, peer)
                        : upgrader.upgradeOutbound(raw, peer, lazy, span);
                Connection c = register(up, raw, Direction.OUTBOUND, span);
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
                throw e;
            }
        }
    }

    /** A connection that arrived secured (QUIC) must still be with the peer we dialed. */
    private static UpgradedConnection checkedPeer(ReadyConnection ready, PeerId peer) throws HandshakeException {
        PeerId remote = ready.upgraded().secure().remotePeer();
        if (!remote.equals(peer)) {
            throw new HandshakeException("dialed " + peer + " but reached " + remote);
        }
        return ready.upgraded();
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

    private Connection register(UpgradedConnection up, TransportConnection raw, Direction dir, ConnectionSpan span)
            throws IOException {
        PeerId remote = up.secure().remotePeer();
        if (!gater.interceptSecured(dir, remote, raw.localAddress(), raw.remoteAddress())) {
            closeQuietly(up.muxed());
            throw new ConnectionGatedException("the connection gater refused " + remote + " once secured");
        }
        try {
            span.setPeer(remote);
        } catch (ResourceLimitException e) {
            closeQuietly(up.muxed());
            throw e;
        }
        Connection[] holder = new Connection[1];
        Connection c = new Connection(ids.incrementAndGet(), up, raw.localAddress(), raw.remoteAddress(), dir, span,
                () -> deregister(holder[0]));
        holder[0] = c;
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
        } finally {
            lock.unlock();
        }
        for (ConnectionListener l : listeners) {
            try {
                l.connected(c);
            } catch (RuntimeException ignored) {
                // a listener's bug must not break the connection
            }
        }
        start("p2pkit-streams " + c.id(), () -> acceptStreams(c));
        return c;
    }

    private void deregister(Connection c) {
        boolean removed;
        lock.lock();
        try {
            List<Connection> list = connections.get(c.remotePeer());
            removed = list != null && list.remove(c);
            if (list != null && list.isEmpty()) {
                connections.remove(c.remotePeer());
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            for (ConnectionListener l : listeners) {
                try {
                    l.disconnected(c);
                } catch (RuntimeException ignored) {
                    // as above
                }
            }
        }
    }

    private void acceptStreams(Connection c) {
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
                    closeQuietly(s::reset);
                    continue;
                }
                c.streamOpened();
                start("p2pkit-stream-in " + c.id(), () -> streamHandler.handle(s, span, c));
            }
        } catch (IOException | RuntimeException e) {
            // the connection died; close() below tells everyone
        } finally {
            c.close();
        }
    }

    /** Tells the listeners that a stream opened; the host calls it once the protocol is known. */
    public void notifyStreamOpened(Connection c, String protocol, Direction direction) {
        for (ConnectionListener l : listeners) {
            try {
                l.streamOpened(c, protocol, direction);
            } catch (RuntimeException ignored) {
                // a listener's bug must not break the stream
            }
        }
    }

    /** Tells the listeners that a stream reported with {@link #notifyStreamOpened} is gone. */
    public void notifyStreamClosed(Connection c, String protocol, Direction direction) {
        for (ConnectionListener l : listeners) {
            try {
                l.streamClosed(c, protocol, direction);
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Closes every listener and connection, then the transports that hold resources of their own (AutoCloseable). Idempotent. */
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
            if (t instanceof AutoCloseable owned) {
                closeQuietly(owned); // e.g. QUIC's sockets and event loop
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** The threads this network runs now (for leak tests). */
    public int threadCount() {
        return threads.size();
    }

    private Thread start(String name, Runnable body) {
        Thread[] holder = new Thread[1];
        holder[0] = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                threads.remove(holder[0]);
            }
        });
        threads.add(holder[0]);
        holder[0].start();
        return holder[0];
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
            } catch (RuntimeException ignored) {
                // an observer's bug must not break networking
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
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
                if (ip.isSiteLocalAddress() || ip.isLinkLocalAddress()
                        || (ip.getAddress().length == 16 && (ip.getAddress()[0] & 0xFE) == 0xFC)) {
                    return 1;
                }
                return 2;
            }).orElse(2);
        }
    }
}
