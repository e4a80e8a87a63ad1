package io.p2pkit.kad;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.kad.provider.ProviderStore;
import io.p2pkit.kad.query.Lookup;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.query.NetworkSizeEstimator;
import io.p2pkit.kad.query.OptimisticThresholds;
import io.p2pkit.kad.record.InvalidRecordException;
import io.p2pkit.kad.record.RecordStore;
import io.p2pkit.kad.routing.KadKey;
import io.p2pkit.kad.routing.RoutingTable;
import io.p2pkit.kad.wire.ConnectionType;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.KadPeer;
import io.p2pkit.kad.wire.KadRecord;
import io.p2pkit.kad.wire.MessageType;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client side of the DHT (go-libp2p-kad-dht's lookup.go, query.go and routing.go): iterative
 * lookups, and on them peer routing, classic and optimistic provide, provider search, putting and
 * getting value records, and the bucket refresh. Nothing here answers requests; what the lookups
 * learn about peers goes to the keeper of the routing table through {@link RoutingTableFeedback}.
 */
final class KadQueries {
    private static final System.Logger LOG = LazyLogger.of(KadQueries.class);
    /** Buckets deeper than this are not refreshed (finding a key for them costs 2^(cpl+1) hashes). */
    static final int MAX_REFRESH_CPL = 15;

    /** What lookups tell the keeper of the routing table about the peers they asked. */
    interface RoutingTableFeedback {
        /** {@code peer} answered a request. */
        void answered(PeerId peer);

        /** A request to {@code peer} failed. */
        void failed(PeerId peer);
    }

    private final Host host;
    private final KadConfig config;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final RecordStore records;
    private final LocalRecords localRecords;
    private final KadClient client;
    private final SignedPeerRecords signedRecords;
    private final NetworkSizeEstimator networkSize;
    private final BackgroundSends backgroundSends;
    private final RoutingTableFeedback feedback;
    /** Values this node put, republished with its provider records. */
    private final Map<KeyBytes, byte[]> ownValues = new ConcurrentHashMap<>();
    /** One refresh at a time for providers whose estimate is stale (the others wait and reuse it). */
    private final ReentrantLock estimateRefresh = new ReentrantLock();
    /** The last refresh that ended, or null before one has. */
    private volatile KadDht.Refreshed lastRefresh;

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

    KadQueries(Host host, KadConfig config, RoutingTable table, ProviderStore providers, LocalRecords values,
               KadClient client, SignedPeerRecords signedRecords, RoutingTableFeedback feedback) {
        this.host = host;
        this.config = config;
        this.table = table;
        this.providers = providers;
        this.records = values.store();
        this.localRecords = values;
        this.client = client;
        this.signedRecords = signedRecords;
        this.feedback = feedback;
        this.networkSize = new NetworkSizeEstimator(config.clock(), config.networkSizeMaxAge(), Math.max(1, config.k() / 2));
        this.backgroundSends = new BackgroundSends(config.optimisticBackgroundSends());
    }

    /** ADD_PROVIDER sends that optimistic provides left running. */
    int backgroundSends() {
        return backgroundSends.running();
    }

    /** The network-size estimator's verdict given the routing table now. */
    NetworkSizeEstimator.Estimate networkSize() {
        return networkSize.estimate(table.size());
    }

    /** Ends the background sends (the DHT is closing). */
    void close() {
        backgroundSends.close();
    }

    /** Refreshes every non-empty bucket with a lookup of a random key in it, plus a self-lookup. */
    void refresh() throws IOException {
        // A refresh re-measures the network: the size estimate moves on to its lookups.
        networkSize.startRound();
        lookup(host.peerId().bytes(), MessageType.FIND_NODE, null);
        // As go-libp2p-kad-dht, every prefix length up to the longest one the table knows gets a
        // lookup, empty buckets included: they are the ones that most need peers, and a table
        // whose few peers sit in one or two buckets would otherwise measure the network with two
        // or three lookups. The lookups are independent: run them side by side (each keeps its own alpha).
        List<PeerId> targets = new ArrayList<>();
        int maxCpl = Math.min(table.maxCommonPrefix(), MAX_REFRESH_CPL);
        for (int cpl = 0; cpl <= maxCpl; cpl++) {
            targets.add(randomPeerIdIn(cpl));
        }
        fanOut(targets, target -> lookup(target.bytes(), MessageType.FIND_NODE, null));
        networkSize.endRound(table.size());
        lastRefresh = new KadDht.Refreshed(java.time.Instant.now(), targets.size());
    }

    /** The last refresh that ended, if one has. */
    java.util.Optional<KadDht.Refreshed> lastRefresh() {
        return java.util.Optional.ofNullable(lastRefresh);
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
    LookupResult getClosestPeers(byte[] key) throws IOException {
        return lookup(key, MessageType.FIND_NODE, null, LookupEvents.NONE);
    }

    LookupResult getClosestPeers(byte[] key, LookupEvents events) throws IOException {
        return lookup(key, MessageType.FIND_NODE, null, events);
    }

    /** Finds the addresses of {@code target}: from a live connection, or by a lookup. */
    FindPeerResult findPeer(PeerId target) throws IOException {
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
        return lookup(key, type, observer, LookupEvents.NONE);
    }

    private LookupResult lookup(byte[] key, MessageType type, ReplyObserver observer, LookupEvents events)
            throws IOException {
        KadKey target = KadKey.of(key);
        List<PeerId> seeds = table.nearest(target, config.k());
        if (seeds.isEmpty()) {
            return new LookupResult(List.of(), 0, 0, 0, Duration.ZERO, false, false);
        }
        Lookup lookup = new Lookup(target, host.peerId(), config.k(), config.alpha(), config.queryTimeout(), (l, peer) -> {
            KadMessage reply;
            events.querying(peer);
            try {
                reply = client.request(peer, KadMessage.request(type, key));
            } catch (IOException e) {
                if (!io.p2pkit.core.network.DialException.isLocalRefusal(e)) {
                    feedback.failed(peer); // a peer our own limits kept us from asking stays in the table
                }
                events.failed(peer, e);
                throw e;
            }
            feedback.answered(peer);
            List<PeerId> closer = new ArrayList<>();
            List<PeerInfo> named = events == LookupEvents.NONE ? List.of() : new ArrayList<>();
            for (KadPeer p : reply.closerPeers()) {
                if (p.peerId().equals(host.peerId())) {
                    continue;
                }
                signedRecords.learn(p, AddressTtl.TEMPORARY);
                closer.add(p.peerId());
                if (events != LookupEvents.NONE) {
                    named.add(new PeerInfo(p.peerId(), p.addresses()));
                }
            }
            events.answered(peer, named);
            if (observer != null) {
                observer.reply(l, peer, reply);
            }
            return closer;
        }).scoredBy(host.reputation()::score);
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
     * Announces that this node provides {@code multihash} (the bytes of a multihash, as a CID's
     * {@code multihash().bytes()}) to the k closest peers, and remembers it for republishing.
     */
    ProvideResult provide(byte[] multihash) throws IOException {
        Multihash.decode(multihash); // refuses what is no multihash
        remember(multihash);
        return announce(multihash, config.optimisticProvide());
    }

    /** Stores this node as a provider of {@code multihash} as {@link #provide} does, announcing nothing. */
    void provideLocally(byte[] multihash) {
        Multihash.decode(multihash);
        remember(multihash);
    }

    /**
     * {@link #provide} with optimistic provide whatever the config says (when the network-size
     * estimate cannot be used, what {@link KadConfig#optimisticFallback()} says).
     */
    ProvideResult provideOptimistically(byte[] multihash) throws IOException {
        Multihash.decode(multihash); // refuses what is no multihash
        remember(multihash);
        return announce(multihash, true);
    }

    /**
     * Announces {@code multihashes} region by region of the key space ({@link RegionSweep}), with
     * {@code workers} runs of neighbouring keys swept at once and {@code connections} peers sent
     * records at once by each; remembered for republishing as
     * {@link #provide} remembers them.
     */
    SweepResult provideSweep(List<byte[]> multihashes, int workers, int connections) throws IOException {
        for (byte[] mh : multihashes) {
            Multihash.decode(mh); // refuses what is no multihash
        }
        for (byte[] mh : multihashes) {
            remember(mh);
        }
        KadPeer self = signedRecords.entry(host.peerId(), host.addresses(), ConnectionType.CONNECTED);
        return RegionSweep.run(multihashes, workers, config.k(), connections, config.random().nextLong(),
                key -> lookup(key, MessageType.FIND_NODE, null),
                (peer, mh) -> client.send(peer, KadMessage.request(MessageType.ADD_PROVIDER, mh)
                        .withProviderPeers(List.of(self))),
                mh -> announce(mh, config.optimisticProvide()).peers());
    }

    /**
     * Stores this node as a provider of {@code multihash}, and keeps the key for republishing
     * unless the DHT's owner reprovides by itself ({@link KadConfig#republishProviders()}).
     */
    private void remember(byte[] multihash) {
        if (config.republishProviders()) {
            providers.addLocal(multihash);
        }
        providers.addProvider(multihash, host.peerId());
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
        // Each send is counted (batch.started) under the lock, as its peer joins sent: a reply's
        // callback may still be running when the lookup returns, and the call must not count
        // fewer sends than it reports.
        boolean[] settled = {false};
        Consumer<PeerId> store = peer -> {
            Thread.ofVirtual().name("p2pkit-kad-optprov").start(() -> {
                boolean ok = false;
                try {
                    client.send(peer, msg);
                    ok = true;
                } catch (IOException | RuntimeException e) {
                    // that peer missed it: the batch counts only those that stored it
                    LOG.log(System.Logger.Level.DEBUG, () -> "optimistic ADD_PROVIDER to " + peer + " failed: " + e);
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
                if (settled[0]) {
                    return; // a late reply: the set of peers is already fixed
                }
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
                        batch.started();
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
            settled[0] = true;
            for (Map.Entry<PeerId, Double> e : closestHeard(heard, k)) {
                if (sent.size() >= k) {
                    break;
                }
                if (sent.add(e.getKey())) {
                    batch.started();
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

    /** Stops providing {@code multihash} (records already sent expire by themselves). */
    void stopProviding(byte[] multihash) {
        providers.removeLocal(multihash);
    }

    /**
     * Republishes every key this node provides (unless its owner reprovides them itself), and
     * every value it put.
     */
    void republish() throws IOException {
        if (config.republishProviders()) {
            for (byte[] key : providers.localKeys()) {
                providers.addProvider(key, host.peerId());
                announce(key, config.optimisticProvide());
            }
        }
        for (Map.Entry<KeyBytes, byte[]> e : ownValues.entrySet()) {
            putValue(e.getKey().bytes(), e.getValue());
        }
    }

    /**
     * Finds up to {@code limit} providers of {@code multihash}, handing each to {@code onProvider}
     * as it arrives (from the local store first, then from the lookup's replies).
     */
    FindProvidersResult findProviders(byte[] multihash, int limit, Consumer<PeerInfo> onProvider) throws IOException {
        Multihash.decode(multihash); // refuses what is no multihash
        // Replies arrive on the lookup's threads, which may outlive it (a reply after the deadline,
        // or one in flight when another reached the limit). One lock guards the providers seen and
        // is held while the caller is told of one, so that no callback is still running when this
        // method returns, and none starts after: a caller streaming its answer (the RPC API's
        // routing/findprovs) never writes to a response already finished.
        Map<PeerId, PeerInfo> seen = new LinkedHashMap<>();
        ReentrantLock seenLock = new ReentrantLock();
        boolean[] over = {false};
        Supplier<List<PeerInfo>> found = () -> {
            seenLock.lock();
            try {
                return List.copyOf(seen.values());
            } finally {
                seenLock.unlock();
            }
        };
        Consumer<PeerInfo> emit = p -> {
            seenLock.lock();
            try {
                if (!over[0] && seen.size() < limit && seen.putIfAbsent(p.peerId(), p) == null) {
                    onProvider.accept(p);
                }
            } finally {
                seenLock.unlock();
            }
        };
        for (PeerId p : providers.providers(multihash)) {
            emit.accept(new PeerInfo(p, p.equals(host.peerId()) ? host.addresses() : host.peerStore().addresses(p)));
        }
        List<PeerInfo> local = found.get();
        if (local.size() >= limit) {
            return new FindProvidersResult(local, new LookupResult(List.of(), 0, 0, 0, Duration.ZERO, true, false));
        }
        LookupResult r;
        try {
            r = lookup(multihash, MessageType.GET_PROVIDERS, (lookup, from, reply) -> {
                for (KadPeer p : reply.providerPeers()) {
                    emit.accept(new PeerInfo(p.peerId(), signedRecords.learn(p, config.providerAddressTtl())));
                }
                if (found.get().size() >= limit) {
                    lookup.stop();
                }
            });
        } finally {
            seenLock.lock();
            over[0] = true; // waits for a callback in progress; later replies tell the caller nothing
            seenLock.unlock();
        }
        return new FindProvidersResult(found.get(), r);
    }

    // ------------------------------------------------------------------ values

    /**
     * Validates the record, stores it locally and puts it to the k closest peers.
     *
     * @throws InvalidRecordException if the record is not valid
     */
    PutResult putValue(byte[] key, byte[] value) throws IOException {
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
     * Looks up the record under {@code key}, stopping once {@code quorum} valid records arrived,
     * and returns the best; peers that returned an outdated one are sent the best (entry correction).
     */
    GetResult getValue(byte[] key, int quorum) throws IOException {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        config.validators().forKey(key).orElseThrow(
                () -> new InvalidRecordException("key", "no validator for the key's namespace"));
        Map<PeerId, byte[]> got = new ConcurrentHashMap<>();
        List<byte[]> values = new CopyOnWriteArrayList<>();
        Optional<byte[]> local = localRecords.value(key);
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
                    // that peer missed it: the caller counts those that did not
                    LOG.log(System.Logger.Level.DEBUG, () -> "kad send to " + p + " failed: " + e);
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
}
