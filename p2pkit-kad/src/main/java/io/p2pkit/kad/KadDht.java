package io.p2pkit.kad;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.kad.provider.ProviderStore;
import io.p2pkit.kad.query.Lookup;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.query.NetworkSizeEstimator;
import io.p2pkit.kad.query.OptimisticThresholds;
import io.p2pkit.kad.record.InvalidRecordException;
import io.p2pkit.kad.record.PublicKeyValidator;
import io.p2pkit.kad.record.RecordStore;
import io.p2pkit.kad.routing.IpGroup;
import io.p2pkit.kad.routing.KadKey;
import io.p2pkit.kad.routing.RoutingTable;
import io.p2pkit.kad.wire.ConnectionType;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.KadPeer;
import io.p2pkit.kad.wire.KadRecord;
import io.p2pkit.kad.wire.MessageType;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Kademlia DHT ({@code /ipfs/kad/1.0.0}) attached to a {@link Host}: peer routing, provider
 * records and value records, in server or client mode.
 *
 * <pre>{@code
 * KadDht dht = KadDht.attach(host, KadConfig.builder().bootstrap(peers).build());
 * dht.bootstrap();
 * dht.provide(cid.multihash().bytes());
 * dht.findProviders(mh, 20, p -> System.out.println(p));
 * }</pre>
 *
 * <p>All operations block; call them from virtual threads. The routing table, the provider store
 * and the record store each guard their own state with one lock.
 */
public final class KadDht implements Closeable {
    /** Most peers whose identify may be awaited at once during bootstrap. */
    private static final Duration IDENTIFY_WAIT = Duration.ofSeconds(10);
    /** Buckets deeper than this are not refreshed (finding a key for them costs 2^(cpl+1) hashes). */
    static final int MAX_REFRESH_CPL = 15;

    private final Host host;
    private final KadConfig config;
    private final String protocol;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final RecordStore records;
    private final KadClient client;
    private final SignedPeerRecords signedRecords;
    private final Map<KeyBytes, byte[]> ownValues = new ConcurrentHashMap<>();
    private final Set<PeerId> checking = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Mode> mode = new AtomicReference<>();
    private final NetworkSizeEstimator networkSize;
    private final BackgroundSends backgroundSends;
    /**
     * At this many routing-table peers or fewer the table is topped up (go-libp2p-kad-dht's
     * minRTRefreshThreshold): see {@link #fixLowPeers()}.
     */
    public static final int LOW_PEERS = 10;
    /** One top-up at a time: the timer's and the one an emptied table asks for. */
    private final java.util.concurrent.atomic.AtomicBoolean fixingLowPeers = new java.util.concurrent.atomic.AtomicBoolean();
    /** When the last top-up started (clock millis), so that an emptied table asks for one at most every 10 s. */
    private volatile long lastLowPeersFix = Long.MIN_VALUE / 2;

    /** One refresh at a time for providers whose estimate is stale (the others wait and reuse it). */
    private final ReentrantLock estimateRefresh = new ReentrantLock();
    /** Inbound streams being served, ended when the DHT closes. */
    private final Set<Stream> serving = ConcurrentHashMap.newKeySet();
    private volatile boolean publiclyReachable;
    private volatile boolean closed;

    private record KeyBytes(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyBytes k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private KadDht(Host host, KadConfig config, ProviderStore providers) {
        this.host = host;
        this.config = config;
        this.protocol = config.protocolId();
        this.table = new RoutingTable(host.peerId(), config.k(), config.maxPerIpGroupPerBucket(),
                config.maxPerIpGroup(), config.clock());
        this.providers = providers;
        this.records = new RecordStore(config.clock(), config.recordExpiry(), config.maxRecords());
        this.signedRecords = new SignedPeerRecords(host);
        this.client = new KadClient(host, signedRecords, protocol, config.requestTimeout());
        this.networkSize = new NetworkSizeEstimator(config.clock(), config.networkSizeMaxAge(), Math.max(1, config.k() / 2));
        this.backgroundSends = new BackgroundSends(config.optimisticBackgroundSends());
    }

    /**
     * Attaches a DHT to {@code host} (which must run identify): opens the provider store, applies
     * the mode, and starts the periodic tasks. Closed with the host. Call {@link #bootstrap()} next.
     */
    public static KadDht attach(Host host, KadConfig config) throws IOException {
        IdentifyService identify = host.service(IdentifyService.class).orElseThrow(
                () -> new IllegalStateException("the DHT needs identify to learn which peers are DHT servers"));
        ProviderStore store = config.providerStoreFile().isPresent()
                ? ProviderStore.open(config.providerStoreFile().get(), config.clock(), config.providerLimits())
                : ProviderStore.inMemory(config.clock(), config.providerLimits());
        KadDht dht = new KadDht(host, config, store);
        identify.addListener(dht::identified);
        host.addConnectionListener(new io.p2pkit.core.network.ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                dht.client.connectionClosed(c);
            }
        });
        dht.setMode(config.mode());
        host.addService(dht);
        if (config.periodicTasks()) {
            dht.every(config.refreshInterval(), "refresh", dht::refresh);
            dht.every(config.lowPeersInterval(), "low-peers", dht::fixLowPeers);
            dht.every(config.providerRepublish(), "republish", dht::republish);
            dht.every(Duration.ofMinutes(5), "gc", () -> {
                dht.providers.collectGarbage();
                dht.records.collectGarbage();
            });
        }
        return dht;
    }

    private void every(Duration period, String name, ThrowingTask task) {
        long ms = period.toMillis();
        timers.add(host.scheduler().scheduleAtFixedRate(() -> host.spawn("p2pkit-kad-" + name, () -> {
            try {
                task.run();
            } catch (Exception e) {
                // the next round tries again
            }
        }), ms, ms, TimeUnit.MILLISECONDS));
    }

    @FunctionalInterface
    private interface ThrowingTask {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ mode

    /** The configured mode (possibly {@link Mode#AUTO}). */
    public Mode mode() {
        return mode.get();
    }

    /** The mode in effect: {@link Mode#AUTO} resolved by the reachability known so far. */
    public Mode effectiveMode() {
        Mode m = mode.get();
        if (m == Mode.AUTO) {
            return publiclyReachable ? Mode.SERVER : Mode.CLIENT;
        }
        return m;
    }

    /**
     * Changes the mode. In server mode the protocol is served and so advertised; in client mode it
     * is not. Identify push tells connected peers of the change.
     */
    public void setMode(Mode m) {
        mode.set(m);
        applyMode();
    }

    /** Reports whether the node is publicly reachable (for {@link Mode#AUTO}; AutoNAT's job). */
    public void setPubliclyReachable(boolean reachable) {
        this.publiclyReachable = reachable;
        applyMode();
    }

    private void applyMode() {
        if (effectiveMode() == Mode.SERVER) {
            host.setStreamHandler(protocol, this::serve);
        } else {
            host.removeStreamHandler(protocol);
        }
    }

    // ------------------------------------------------------------------ routing table upkeep

    /** The routing table. */
    public RoutingTable routingTable() {
        return table;
    }

    /** The provider store. */
    public ProviderStore providerStore() {
        return providers;
    }

    /** The value records held for others. */
    public RecordStore recordStore() {
        return records;
    }

    /** The protocol ID served. */
    public String protocolId() {
        return protocol;
    }

    private void identified(IdentifyResult r) {
        if (r.protocols().contains(protocol)) {
            offer(r.peerId(), r.connection().remoteAddress());
        } else {
            table.remove(r.peerId());
        }
    }

    private void offer(PeerId peer, Multiaddr via) {
        Optional<String> group = via == null ? Optional.empty() : IpGroup.of(via);
        RoutingTable.Offer o = table.offer(peer, group);
        if (o.outcome() == RoutingTable.Outcome.BUCKET_FULL) {
            PeerId oldest = o.oldest().orElseThrow();
            if (checking.add(oldest)) {
                host.spawn("p2pkit-kad-check", () -> {
                    try {
                        boolean alive;
                        try {
                            client.request(oldest, KadMessage.request(MessageType.FIND_NODE, host.peerId().bytes()));
                            alive = true;
                        } catch (IOException e) {
                            alive = false;
                        }
                        table.resolve(oldest, alive, peer, group);
                    } finally {
                        checking.remove(oldest);
                    }
                });
            }
        }
    }

    /**
     * Connects to the configured bootstrap peers, adds those that are DHT servers, then runs a
     * self-lookup and refreshes every bucket.
     *
     * @return the number of bootstrap peers reached
     */
    public int bootstrap() throws IOException {
        int reached = connectBootstrapPeers();
        refresh();
        return reached;
    }

    /**
     * Connects to the configured bootstrap peers and adds those that identify as DHT servers,
     * without any lookup (an ephemeral node then runs just the lookup it needs).
     *
     * @return the number of bootstrap peers reached
     */
    public int connectBootstrapPeers() {
        int reached = 0;
        IdentifyService identify = host.service(IdentifyService.class).orElseThrow();
        for (PeerInfo p : config.bootstrapPeers()) {
            try {
                Connection c = host.connect(p);
                IdentifyResult r = identify.awaitIdentified(c, IDENTIFY_WAIT);
                identified(r);
                reached++;
            } catch (IOException e) {
                // try the others
            }
        }
        return reached;
    }

    /**
     * Tops up a routing table that has {@link #LOW_PEERS} peers or fewer, as go-libp2p-kad-dht's
     * fixLowPeers: connected peers that serve the DHT go back in; a table still empty reconnects to
     * the bootstrap peers; then, if the table has anyone, a refresh. Runs on a timer
     * ({@link KadConfig#lowPeersInterval()}) and when failed requests empty the table: peers leave
     * the table on events (a failed request, an identify without the protocol) but, without this,
     * come back only through lookups, which an empty table cannot make, so a node that lost its
     * peers (a network outage, all of them restarting) stayed out of the DHT for good.
     *
     * @return whether it refreshed
     */
    public boolean fixLowPeers() throws IOException {
        if (table.size() > LOW_PEERS || !fixingLowPeers.compareAndSet(false, true)) {
            return false;
        }
        lastLowPeersFix = config.clock().millis();
        try {
            for (Connection c : host.network().connections()) {
                if (host.peerStore().supports(c.remotePeer(), protocol)) {
                    offer(c.remotePeer(), c.remoteAddress());
                }
            }
            if (table.size() == 0) {
                connectBootstrapPeers();
            }
            if (table.size() == 0) {
                return false; // nobody to ask; the next check tries again
            }
            refresh();
            return true;
        } finally {
            fixingLowPeers.set(false);
        }
    }

    // A failed request emptied the table: top it up now rather than at the next check.
    private void tableMayBeEmpty() {
        if (table.size() == 0 && config.periodicTasks() && !fixingLowPeers.get()
                && config.clock().millis() - lastLowPeersFix >= 10_000) {
            host.spawn("p2pkit-kad-low-peers", () -> {
                try {
                    fixLowPeers();
                } catch (IOException e) {
                    // the timer tries again
                }
            });
        }
    }

    /** Refreshes every non-empty bucket with a lookup of a random key in it, plus a self-lookup. */
    public void refresh() throws IOException {
        // A refresh re-measures the network: the size estimate moves on to its lookups.
        networkSize.startRound();
        lookup(host.peerId().bytes(), MessageType.FIND_NODE, null);
        // The bucket lookups are independent: run them side by side (each keeps its own alpha).
        List<PeerId> targets = new ArrayList<>();
        for (int cpl : table.nonEmptyBuckets()) {
            if (cpl <= MAX_REFRESH_CPL) {
                targets.add(randomPeerIdIn(cpl));
            }
        }
        fanOut(targets, target -> lookup(target.bytes(), MessageType.FIND_NODE, null));
        networkSize.endRound(table.size());
    }

    /** A random peer ID (SHA-256 multihash) whose key shares exactly {@code cpl} bits with ours. */
    PeerId randomPeerIdIn(int cpl) {
        byte[] digest = new byte[32];
        while (true) {
            config.random().nextBytes(digest);
            PeerId p = PeerId.fromMultihash(Multihash.of(Multicodec.SHA2_256, digest));
            if (table.localKey().commonPrefixLength(KadKey.of(p)) == cpl) {
                return p;
            }
        }
    }

    // ------------------------------------------------------------------ lookups

    /** The k peers closest to {@code key} (any bytes; a peer ID's bytes for peer routing). */
    public LookupResult getClosestPeers(byte[] key) throws IOException {
        return lookup(key, MessageType.FIND_NODE, null);
    }

    /** What {@link #findPeer} found. */
    public record FindPeerResult(Optional<PeerInfo> peer, LookupResult lookup) {
    }

    /** Finds the addresses of {@code target}: from a live connection, or by a lookup. */
    public FindPeerResult findPeer(PeerId target) throws IOException {
        if (host.network().connection(target).isPresent()) {
            return new FindPeerResult(Optional.of(new PeerInfo(target, host.peerStore().addresses(target))),
                    new LookupResult(List.of(), 0, 0, 0, Duration.ZERO, true, false));
        }
        AtomicReference<PeerInfo> found = new AtomicReference<>();
        LookupResult r = lookup(target.bytes(), MessageType.FIND_NODE, (lookup, from, reply) -> {
            for (KadPeer p : reply.closerPeers()) {
                if (p.peerId().equals(target)) {
                    List<Multiaddr> addrs = signedRecords.learn(p, AddressTtl.TEMPORARY);
                    if (!addrs.isEmpty()) {
                        found.compareAndSet(null, new PeerInfo(target, addrs));
                        lookup.stop();
                    }
                }
            }
        });
        if (found.get() == null && r.closest().contains(target)) {
            found.set(new PeerInfo(target, host.peerStore().addresses(target)));
        }
        return new FindPeerResult(Optional.ofNullable(found.get()), r);
    }

    /** Sees each reply of a lookup (on the lookup's request threads). */
    @FunctionalInterface
    private interface ReplyObserver {
        void reply(Lookup lookup, PeerId from, KadMessage reply);
    }

    private LookupResult lookup(byte[] key, MessageType type, ReplyObserver observer) throws IOException {
        KadKey target = KadKey.of(key);
        List<PeerId> seeds = table.nearest(target, config.k());
        if (seeds.isEmpty()) {
            return new LookupResult(List.of(), 0, 0, 0, Duration.ZERO, false, false);
        }
        Lookup[] holder = new Lookup[1];
        Lookup lookup = new Lookup(target, host.peerId(), config.k(), config.alpha(), config.queryTimeout(), peer -> {
            KadMessage reply;
            try {
                reply = client.request(peer, KadMessage.request(type, key));
            } catch (IOException e) {
                if (table.remove(peer)) {
                    tableMayBeEmpty();
                }
                throw e;
            }
            if (host.peerStore().supports(peer, protocol)) {
                offer(peer, host.network().connection(peer).map(Connection::remoteAddress).orElse(null));
            }
            List<PeerId> closer = new ArrayList<>();
            for (KadPeer p : reply.closerPeers()) {
                if (p.peerId().equals(host.peerId())) {
                    continue;
                }
                signedRecords.learn(p, AddressTtl.TEMPORARY);
                closer.add(p.peerId());
            }
            if (observer != null) {
                observer.reply(holder[0], peer, reply);
            }
            return closer;
        });
        holder[0] = lookup;
        try {
            LookupResult result = lookup.run(seeds);
            if (type == MessageType.FIND_NODE && !result.stoppedEarly() && !result.timedOut()
                    && result.closest().size() >= config.k()) {
                networkSize.record(target, result.closest(), host.peerId(), table.size());
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("lookup interrupted");
        }
    }

    // ------------------------------------------------------------------ providers

    /**
     * What {@link #provide} did.
     *
     * @param peers    how many peers took the record (the ADD_PROVIDER went out without error; it
     *                 has no reply, as in go); for an optimistic provide, those known when it returned
     * @param lookup   the lookup's cost; for an optimistic provide, its closest are the peers the
     *                 record was sent to
     * @param strategy how the provide went about it
     * @param estimate the network-size estimate consulted (its status says why optimistic provide
     *                 fell back to classic)
     */
    public record ProvideResult(int peers, LookupResult lookup, ProvideStrategy strategy,
                                NetworkSizeEstimator.Estimate estimate) {
    }

    /**
     * Announces that this node provides {@code multihash} (the bytes of a multihash, as a CID's
     * {@code multihash().bytes()}) to the k closest peers, and remembers it for republishing.
     */
    public ProvideResult provide(byte[] multihash) throws IOException {
        checkMultihash(multihash);
        providers.addLocal(multihash);
        providers.addProvider(multihash, host.peerId());
        return announce(multihash, config.optimisticProvide());
    }

    /**
     * {@link #provide} with optimistic provide whatever the config says (when the network-size
     * estimate cannot be used, what {@link KadConfig#optimisticFallback()} says).
     */
    public ProvideResult provideOptimistically(byte[] multihash) throws IOException {
        checkMultihash(multihash);
        providers.addLocal(multihash);
        providers.addProvider(multihash, host.peerId());
        return announce(multihash, true);
    }

    private ProvideResult announce(byte[] multihash, boolean optimistic) throws IOException {
        KadMessage msg = KadMessage.request(MessageType.ADD_PROVIDER, multihash)
                .withProviderPeers(List.of(signedRecords.entry(host.peerId(), host.addresses(), ConnectionType.CONNECTED)));
        NetworkSizeEstimator.Estimate estimate = networkSize.estimate(table.size());
        if (!optimistic) {
            return classicProvide(multihash, msg, ProvideStrategy.CLASSIC, estimate);
        }
        ProvideStrategy strategy = ProvideStrategy.OPTIMISTIC;
        if (!estimate.usable() && config.optimisticFallback() == OptimisticFallback.REFRESH && table.size() > 0) {
            estimateRefresh.lock();
            try {
                // Another provide may have refreshed while this one waited for the lock.
                estimate = networkSize.estimate(table.size());
                if (!estimate.usable()) {
                    refresh();
                    estimate = networkSize.estimate(table.size());
                    strategy = ProvideStrategy.OPTIMISTIC_AFTER_REFRESH;
                }
            } finally {
                estimateRefresh.unlock();
            }
        }
        if (!estimate.usable()) {
            return classicProvide(multihash, msg, ProvideStrategy.CLASSIC_FALLBACK, estimate);
        }
        return optimisticProvide(multihash, estimate, msg, strategy);
    }

    private ProvideResult classicProvide(byte[] multihash, KadMessage msg, ProvideStrategy strategy,
                                         NetworkSizeEstimator.Estimate estimate) throws IOException {
        LookupResult r = lookup(multihash, MessageType.FIND_NODE, null);
        int ok = fanOut(r.closest(), peer -> client.send(peer, msg)).size();
        return new ProvideResult(ok, r, strategy, estimate);
    }

    /**
     * Optimistic provide, after go-libp2p-kad-dht's: during the FIND_NODE lookup, every peer heard
     * of (answering or only named in a reply) that is nearer than the individual threshold gets the
     * record at once; the lookup stops when k peers got it or when the mean distance of the k
     * closest heard of falls below the set threshold ({@link OptimisticThresholds}). The k closest
     * heard of that did not get it yet get it then. The call returns once 75 % of the
     * ADD_PROVIDERs have ended and at least one of them stored the record (or all ended); the
     * rest finish in the background, within the DHT's cap ({@link BackgroundSends}).
     */
    private ProvideResult optimisticProvide(byte[] multihash, NetworkSizeEstimator.Estimate estimate, KadMessage msg,
                                            ProvideStrategy strategy) throws IOException {
        double size = estimate.size().orElseThrow();
        KadKey target = KadKey.of(multihash);
        int k = config.k();
        double individual = OptimisticThresholds.individual(k, size);
        double setThreshold = OptimisticThresholds.set(k, size);
        ReentrantLock lock = new ReentrantLock();
        Map<PeerId, Double> heard = new HashMap<>();
        Set<PeerId> sent = new LinkedHashSet<>();
        BackgroundSends.Batch batch = backgroundSends.batch();
        Consumer<PeerId> store = peer -> {
            batch.started();
            Thread.ofVirtual().name("p2pkit-kad-optprov").start(() -> {
                boolean ok = false;
                try {
                    client.send(peer, msg);
                    ok = true;
                } catch (IOException | RuntimeException e) {
                    // that peer missed it
                } finally {
                    batch.finished(ok);
                }
            });
        };
        LookupResult r = lookup(multihash, MessageType.FIND_NODE, (lookup, from, reply) -> {
            List<PeerId> now = new ArrayList<>();
            boolean stop;
            lock.lock();
            try {
                heard.computeIfAbsent(from, p -> NetworkSizeEstimator.normalisedDistance(target, KadKey.of(p)));
                for (KadPeer p : reply.closerPeers()) {
                    if (!p.peerId().equals(host.peerId())) {
                        heard.computeIfAbsent(p.peerId(), q -> NetworkSizeEstimator.normalisedDistance(target, KadKey.of(q)));
                    }
                }
                List<Map.Entry<PeerId, Double>> closest = closestHeard(heard, k);
                double sum = 0;
                for (Map.Entry<PeerId, Double> e : closest) {
                    sum += e.getValue();
                    if (e.getValue() <= individual && sent.add(e.getKey())) {
                        now.add(e.getKey());
                    }
                }
                stop = sent.size() >= k || (closest.size() >= k && sum / closest.size() < setThreshold);
            } finally {
                lock.unlock();
            }
            now.forEach(store);
            if (stop) {
                lookup.stop();
            }
        });
        List<PeerId> rest = new ArrayList<>();
        List<PeerId> all = new ArrayList<>();
        lock.lock();
        try {
            for (Map.Entry<PeerId, Double> e : closestHeard(heard, k)) {
                if (sent.size() >= k) {
                    break;
                }
                if (sent.add(e.getKey())) {
                    rest.add(e.getKey());
                }
            }
            all.addAll(sent);
        } finally {
            lock.unlock();
        }
        rest.forEach(store);
        int stored;
        try {
            stored = batch.awaitReturn((int) Math.ceil(all.size() * 0.75));
            batch.handOver();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while providing");
        }
        all.sort((a, b) -> target.compareDistance(KadKey.of(a), KadKey.of(b)));
        return new ProvideResult(stored, new LookupResult(all, r.hops(), r.messages(), r.failures(),
                r.elapsed(), r.stoppedEarly(), r.timedOut()), strategy, estimate);
    }

    /** The {@code n} entries of {@code heard} with the smallest distance, nearest first. */
    private static List<Map.Entry<PeerId, Double>> closestHeard(Map<PeerId, Double> heard, int n) {
        return heard.entrySet().stream().sorted(Map.Entry.comparingByValue()).limit(n)
                .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    /** The current network-size estimate, if it is usable (see {@link #networkSize()}). */
    public java.util.OptionalDouble networkSizeEstimate() {
        NetworkSizeEstimator.Estimate e = networkSize();
        return e.usable() ? e.size() : java.util.OptionalDouble.empty();
    }

    /** The network-size estimator's verdict given the routing table now. */
    public NetworkSizeEstimator.Estimate networkSize() {
        return networkSize.estimate(table.size());
    }

    /** ADD_PROVIDER sends that optimistic provides left running (for tests and measurements). */
    public int backgroundSends() {
        return backgroundSends.running();
    }

    /** Stops providing {@code multihash} (records already sent expire by themselves). */
    public void stopProviding(byte[] multihash) {
        providers.removeLocal(multihash);
    }

    /** Republishes every key this node provides, and every value it put. */
    public void republish() throws IOException {
        for (byte[] key : providers.localKeys()) {
            providers.addProvider(key, host.peerId());
            announce(key, config.optimisticProvide());
        }
        for (Map.Entry<KeyBytes, byte[]> e : ownValues.entrySet()) {
            putValue(e.getKey().bytes(), e.getValue());
        }
    }

    /** What {@link #findProviders} found. */
    public record FindProvidersResult(List<PeerInfo> providers, LookupResult lookup) {
        /** Copies the list. */
        public FindProvidersResult {
            providers = List.copyOf(providers);
        }
    }

    /**
     * Finds up to {@code limit} providers of {@code multihash}, handing each to {@code onProvider}
     * as it arrives (from the local store first, then from the lookup's replies).
     */
    public FindProvidersResult findProviders(byte[] multihash, int limit, Consumer<PeerInfo> onProvider) throws IOException {
        checkMultihash(multihash);
        // Replies arrive on the lookup's threads: the set of providers seen is guarded by one lock.
        Map<PeerId, PeerInfo> seen = new LinkedHashMap<>();
        ReentrantLock seenLock = new ReentrantLock();
        Supplier<List<PeerInfo>> found = () -> {
            seenLock.lock();
            try {
                return List.copyOf(seen.values());
            } finally {
                seenLock.unlock();
            }
        };
        Consumer<PeerInfo> emit = p -> {
            boolean fresh;
            seenLock.lock();
            try {
                fresh = seen.size() < limit && seen.putIfAbsent(p.peerId(), p) == null;
            } finally {
                seenLock.unlock();
            }
            if (fresh) {
                onProvider.accept(p);
            }
        };
        for (PeerId p : providers.providers(multihash)) {
            emit.accept(new PeerInfo(p, p.equals(host.peerId()) ? host.addresses() : host.peerStore().addresses(p)));
        }
        List<PeerInfo> local = found.get();
        if (local.size() >= limit) {
            return new FindProvidersResult(local, new LookupResult(List.of(), 0, 0, 0, Duration.ZERO, true, false));
        }
        LookupResult r = lookup(multihash, MessageType.GET_PROVIDERS, (lookup, from, reply) -> {
            for (KadPeer p : reply.providerPeers()) {
                emit.accept(new PeerInfo(p.peerId(), signedRecords.learn(p, config.providerAddressTtl())));
            }
            if (found.get().size() >= limit) {
                lookup.stop();
            }
        });
        return new FindProvidersResult(found.get(), r);
    }

    private static void checkMultihash(byte[] multihash) {
        Multihash.decode(multihash);
    }

    // ------------------------------------------------------------------ values

    /** What {@link #putValue} did. */
    public record PutResult(int peers, LookupResult lookup) {
    }

    /**
     * Validates the record, stores it locally and puts it to the k closest peers.
     *
     * @throws InvalidRecordException if the record is not valid
     */
    public PutResult putValue(byte[] key, byte[] value) throws IOException {
        config.validators().validate(key, value);
        records.put(key, value);
        ownValues.put(new KeyBytes(key.clone()), value.clone());
        LookupResult r = lookup(key, MessageType.FIND_NODE, null);
        KadMessage msg = KadMessage.request(MessageType.PUT_VALUE, key)
                .withRecord(new KadRecord(key, value, timestamp()));
        int ok = fanOut(r.closest(), peer -> client.request(peer, msg)).size();
        return new PutResult(ok, r);
    }

    /**
     * What {@link #getValue} found.
     *
     * @param value     the best valid record, if any
     * @param received  how many valid records arrived (the local one included)
     * @param corrected peers that had sent an outdated record and were sent the best one
     * @param lookup    the lookup's cost
     */
    public record GetResult(Optional<byte[]> value, int received, List<PeerId> corrected, LookupResult lookup) {
    }

    /**
     * Looks up the record under {@code key}, stopping once {@code quorum} valid records arrived,
     * and returns the best; peers that returned an outdated one are sent the best (entry correction).
     */
    public GetResult getValue(byte[] key, int quorum) throws IOException {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        config.validators().forKey(key).orElseThrow(
                () -> new InvalidRecordException("key", "no validator for the key's namespace"));
        Map<PeerId, byte[]> got = new ConcurrentHashMap<>();
        List<byte[]> values = new CopyOnWriteArrayList<>();
        Optional<byte[]> local = localValue(key);
        local.ifPresent(values::add);
        LookupResult r = lookup(key, MessageType.GET_VALUE, (lookup, from, reply) -> {
            Optional<KadRecord> rec = reply.record();
            if (rec.isEmpty() || !Arrays.equals(rec.get().key(), key)) {
                return;
            }
            byte[] v = rec.get().value();
            try {
                config.validators().validate(key, v);
            } catch (DecodeException e) {
                return; // an invalid record neither counts nor gets corrected
            }
            got.put(from, v);
            values.add(v);
            if (values.size() >= quorum) {
                lookup.stop();
            }
        });
        if (values.isEmpty()) {
            return new GetResult(Optional.empty(), 0, List.of(), r);
        }
        List<byte[]> all = List.copyOf(values);
        byte[] best = all.get(config.validators().select(key, all));
        List<PeerId> stale = new ArrayList<>();
        for (Map.Entry<PeerId, byte[]> e : got.entrySet()) {
            if (!Arrays.equals(e.getValue(), best)) {
                stale.add(e.getKey());
            }
        }
        KadMessage fix = KadMessage.request(MessageType.PUT_VALUE, key).withRecord(new KadRecord(key, best, timestamp()));
        List<PeerId> corrected = fanOut(stale, peer -> client.request(peer, fix));
        return new GetResult(Optional.of(best), all.size(), corrected, r);
    }

    private Optional<byte[]> localValue(byte[] key) {
        Optional<byte[]> v = records.get(key).map(RecordStore.Stored::value);
        if (v.isEmpty() && Arrays.equals(Arrays.copyOf(key, Math.min(key.length, 4)), PublicKeyValidator.PREFIX.getBytes())) {
            // Answer /pk/ keys from the peerstore, as go does.
            try {
                PeerId p = PeerId.decode(Arrays.copyOfRange(key, 4, key.length));
                v = host.peerStore().publicKey(p).map(pk -> pk.marshal());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (v.isPresent()) {
            try {
                config.validators().validate(key, v.get());
            } catch (DecodeException e) {
                return Optional.empty();
            }
        }
        return v;
    }

    private String timestamp() {
        return config.clock().instant().toString();
    }

    /** Sends to each peer in parallel; returns those that succeeded. */
    private List<PeerId> fanOut(List<PeerId> peers, PeerAction action) throws IOException {
        List<PeerId> ok = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (PeerId p : peers) {
            threads.add(Thread.ofVirtual().name("p2pkit-kad-send").start(() -> {
                try {
                    action.run(p);
                    ok.add(p);
                } catch (IOException | RuntimeException e) {
                    // that peer missed it
                }
            }));
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        }
        return new ArrayList<>(ok);
    }

    @FunctionalInterface
    private interface PeerAction {
        void run(PeerId peer) throws IOException;
    }

    // ------------------------------------------------------------------ serving

    private void serve(Stream s) throws IOException {
        serving.add(s);
        try {
            if (!closed) {
                serveRequests(s);
            }
        } finally {
            serving.remove(s);
        }
    }

    private void serveRequests(Stream s) throws IOException {
        PeerId remote = s.remotePeer();
        while (!closed) {
            ScheduledFuture<?> idle = host.scheduler().schedule(s::reset, config.streamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS);
            byte[] raw;
            try {
                raw = LengthPrefixed.read(s.in(), KadMessage.MAX_BYTES);
            } finally {
                idle.cancel(false);
            }
            if (raw == null) {
                return;
            }
            KadMessage request = KadMessage.decode(raw);
            signedRecords.learnSender(remote, request);
            KadMessage reply = handle(remote, request);
            if (reply != null) {
                LengthPrefixed.write(s.out(), reply.withSenderRecord(signedRecords.own()).encode());
                s.out().flush();
            }
        }
    }

    /** Answers one request from {@code from}; null when no reply is due. */
    KadMessage handle(PeerId from, KadMessage req) {
        byte[] key = req.key();
        return switch (req.type()) {
            case PING -> KadMessage.request(MessageType.PING, new byte[0]);
            case FIND_NODE -> KadMessage.request(MessageType.FIND_NODE, key).withCloserPeers(closerPeers(key, from, true));
            case GET_VALUE -> {
                KadMessage reply = KadMessage.request(MessageType.GET_VALUE, key).withCloserPeers(closerPeers(key, from, false));
                Optional<byte[]> v = localValue(key);
                if (v.isPresent()) {
                    Instant at = records.get(key).map(RecordStore.Stored::received).orElse(config.clock().instant());
                    reply = reply.withRecord(new KadRecord(key, v.get(), at.toString()));
                }
                yield reply;
            }
            case PUT_VALUE -> {
                KadRecord rec = req.record().orElseThrow(() -> new DecodeException("Message.record", "PUT_VALUE without a record"));
                if (!Arrays.equals(rec.key(), key)) {
                    throw new DecodeException("Record.key", "the record's key differs from the message's");
                }
                byte[] value = rec.value();
                config.validators().validate(key, value);
                Optional<byte[]> existing = records.get(key).map(RecordStore.Stored::value);
                // The same record again is a republish: stored anew, so its 48 h start over.
                if (existing.isEmpty() || Arrays.equals(existing.get(), value)
                        || config.validators().select(key, List.of(existing.get(), value)) == 1) {
                    records.put(key, value);
                }
                yield req;
            }
            case GET_PROVIDERS -> {
                checkMultihash(key);
                List<KadPeer> provs = new ArrayList<>();
                for (PeerId p : providers.providers(key)) {
                    List<Multiaddr> addrs = p.equals(host.peerId()) ? host.addresses() : host.peerStore().addresses(p);
                    provs.add(signedRecords.entry(p, addrs, connectionType(p)));
                    if (provs.size() >= config.k()) {
                        break;
                    }
                }
                yield KadMessage.request(MessageType.GET_PROVIDERS, key)
                        .withCloserPeers(closerPeers(key, from, false)).withProviderPeers(provs);
            }
            case ADD_PROVIDER -> {
                checkMultihash(key);
                for (KadPeer p : req.providerPeers()) {
                    // Only the sender may announce itself: anything else would let one peer poison the store.
                    if (p.peerId().equals(from)) {
                        if (providers.addProvider(key, from)) {
                            signedRecords.learn(p, config.providerAddressTtl());
                        }
                    }
                }
                yield null;
            }
        };
    }

    private List<KadPeer> closerPeers(byte[] key, PeerId requester, boolean includeTarget) {
        List<KadPeer> out = new ArrayList<>();
        if (includeTarget) {
            try {
                PeerId target = PeerId.decode(key);
                if (target.equals(host.peerId())) {
                    out.add(signedRecords.entry(target, host.addresses(), ConnectionType.CONNECTED));
                } else if (!target.equals(requester) && !table.contains(target)
                        && host.network().connection(target).isPresent()) {
                    List<Multiaddr> a = host.peerStore().addresses(target);
                    if (!a.isEmpty()) {
                        out.add(signedRecords.entry(target, a, ConnectionType.CONNECTED));
                    }
                }
            } catch (IllegalArgumentException e) {
                // not a peer ID: just closer peers
            }
        }
        for (PeerId p : table.nearest(KadKey.of(key), config.k() + 1)) {
            if (p.equals(requester) || out.size() >= config.k()) {
                continue;
            }
            List<Multiaddr> a = host.peerStore().addresses(p);
            if (!a.isEmpty()) {
                out.add(signedRecords.entry(p, a, connectionType(p)));
            }
        }
        return out;
    }

    private ConnectionType connectionType(PeerId p) {
        return host.network().connection(p).isPresent() ? ConnectionType.CONNECTED : ConnectionType.NOT_CONNECTED;
    }

    // ------------------------------------------------------------------ lifecycle

    /** The request sender (tests look at its stream pool). */
    KadClient clientForTests() {
        return client;
    }

    /** Requests sent since start (for measurements). */
    public long requestsSent() {
        return client.sent();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        host.removeStreamHandler(protocol);
        backgroundSends.close();
        client.close(config.closeGrace());
        // Inbound streams would otherwise stay until their remote ends them or the idle timeout.
        for (Stream s : new ArrayList<>(serving)) {
            s.reset();
        }
        providers.close();
    }

    @Override
    public String toString() {
        return "KadDht[" + protocol + " " + effectiveMode() + " " + table + "]";
    }
}
