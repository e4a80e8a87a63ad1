package io.p2pkit.kad;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostReachability;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.kad.provider.ProviderStore;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.query.NetworkSizeEstimator;
import io.p2pkit.kad.record.RecordStore;
import io.p2pkit.kad.routing.IpGroup;
import io.p2pkit.kad.routing.RoutingTable;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.MessageType;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
 * <p>This class keeps the routing table (who goes in, the bootstrap, the low-peers top-up, the
 * periodic tasks) and the mode; the two roles are classes of their own, as go-libp2p-kad-dht
 * splits handlers.go from lookup.go: {@link KadServer} answers requests while in server mode, and
 * {@link KadQueries} runs the lookups behind every operation here.
 *
 * <p>All operations block; call them from virtual threads. The routing table, the provider store
 * and the record store each guard their own state with one lock.
 */
public final class KadDht implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(KadDht.class);
    /** How long bootstrap waits for a bootstrap peer's identify. */
    private static final Duration IDENTIFY_WAIT = Duration.ofSeconds(10);
    /**
     * At this many routing-table peers or fewer the table is topped up (go-libp2p-kad-dht's
     * minRTRefreshThreshold): see {@link #fixLowPeers()}.
     */
    public static final int LOW_PEERS = 10;

    private final Host host;
    private final KadConfig config;
    private final String protocol;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final RecordStore records;
    private final KadClient client;
    private final KadServer server;
    private final KadQueries queries;
    private final Set<PeerId> checking = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Mode> mode = new AtomicReference<>();
    /** One top-up at a time: the timer's and the one an emptied table asks for. */
    private final AtomicBoolean fixingLowPeers = new AtomicBoolean();
    /** When the last top-up started (clock millis), so that an emptied table asks for one at most every 10 s. */
    private volatile long lastLowPeersFix = Long.MIN_VALUE / 2;
    private volatile boolean publiclyReachable;
    /** Follows the host's reachability (AutoNAT's verdict) for {@link Mode#AUTO}. */
    private final java.util.function.Consumer<HostReachability.State> reachabilityListener =
            s -> setPubliclyReachable(s.reachability() == Reachability.PUBLIC);
    private volatile boolean closed;

    private KadDht(Host host, KadConfig config, ProviderStore providers) {
        this.host = host;
        this.config = config;
        this.protocol = config.protocolId();
        this.table = new RoutingTable(host.peerId(), config.k(), config.maxPerIpGroupPerBucket(),
                config.maxPerIpGroup(), config.clock());
        table.setScores(host.reputation()::score); // a full bucket keeps the better-scored peers
        this.providers = providers;
        this.records = new RecordStore(config.clock(), config.recordExpiry(), config.maxRecords());
        SignedPeerRecords signedRecords = new SignedPeerRecords(host);
        LocalRecords values = new LocalRecords(host, config, records);
        this.client = new KadClient(host, signedRecords, protocol, config.requestTimeout());
        this.server = new KadServer(host, config, table, providers, values, signedRecords);
        this.queries = new KadQueries(host, config, table, providers, values, client, signedRecords,
                new KadQueries.RoutingTableFeedback() {
                    @Override
                    public void answered(PeerId peer) {
                        if (host.peerStore().supports(peer, protocol)) {
                            offer(peer, host.network().connection(peer).map(Connection::remoteAddress).orElse(null));
                        }
                    }

                    @Override
                    public void failed(PeerId peer) {
                        if (table.remove(peer)) {
                            tableMayBeEmpty();
                        }
                    }
                });
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
        if (!config.republishProviders()) {
            int forgotten = store.forgetLocal(); // kept by an older build, which republished them
            if (forgotten > 0) {
                LOG.log(System.Logger.Level.INFO, () -> "kad: " + forgotten + " provided keys kept by the store are "
                        + "left to the owner's reprovider");
            }
        }
        KadDht dht = new KadDht(host, config, store);
        identify.addListener(dht::identified);
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                dht.client.connectionClosed(c);
            }
        });
        dht.publiclyReachable = host.reachability().reachability() == Reachability.PUBLIC;
        host.reachability().addListener(dht.reachabilityListener);
        dht.setMode(config.mode());
        host.addService(dht);
        if (config.periodicTasks()) {
            dht.every(config.refreshInterval(), "refresh", dht.queries::refresh);
            dht.every(config.lowPeersInterval(), "low-peers", dht::fixLowPeers);
            dht.every(config.providerRepublish(), "republish", dht.queries::republish);
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
                LOG.log(System.Logger.Level.DEBUG, () -> "kad " + name + " failed: " + e);
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

    /**
     * Reports whether the node is publicly reachable (for {@link Mode#AUTO}). The DHT follows the
     * host's {@link Host#reachability()}, which AutoNAT keeps up to date, so this is only for a
     * node that knows better (or a test).
     */
    public void setPubliclyReachable(boolean reachable) {
        this.publiclyReachable = reachable;
        if (closed) {
            return;
        }
        applyMode();
    }

    private void applyMode() {
        if (effectiveMode() == Mode.SERVER) {
            host.setStreamHandler(protocol, server::serve);
        } else {
            host.removeStreamHandler(protocol);
        }
    }

    // ------------------------------------------------------------------ state

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

    /** The current network-size estimate, if it is usable (see {@link #networkSize()}). */
    public OptionalDouble networkSizeEstimate() {
        NetworkSizeEstimator.Estimate e = networkSize();
        return e.usable() ? e.size() : OptionalDouble.empty();
    }

    /** The network-size estimator's verdict given the routing table now. */
    public NetworkSizeEstimator.Estimate networkSize() {
        return queries.networkSize();
    }

    /** ADD_PROVIDER sends that optimistic provides left running (for tests and measurements). */
    public int backgroundSends() {
        return queries.backgroundSends();
    }

    /** Requests sent since start (for measurements). */
    public long requestsSent() {
        return client.sent();
    }

    // ------------------------------------------------------------------ routing table upkeep

    private void identified(IdentifyResult r) {
        if (r.protocols().contains(protocol)) {
            offer(r.peerId(), r.connection().remoteAddress());
        } else {
            table.remove(r.peerId());
        }
    }

    /** Offers {@code peer} to the table; a full bucket keeps its oldest peer if that one still answers. */
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
                            alive = false; // the answer to the check: it makes room for the newcomer
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
                // the count says how many were reached; the others are tried again on the next top-up
                LOG.log(System.Logger.Level.DEBUG, () -> "bootstrap peer " + p.peerId() + " not reached: " + e);
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
                    LOG.log(System.Logger.Level.DEBUG, () -> "kad low-peers top-up failed: " + e);
                }
            });
        }
    }

    /** Refreshes every non-empty bucket with a lookup of a random key in it, plus a self-lookup. */
    public void refresh() throws IOException {
        queries.refresh();
    }

    /**
     * A bucket refresh that ended.
     *
     * @param at      when it ended
     * @param buckets how many buckets it looked up keys in: those of common prefix length 0 to {@code buckets - 1}
     */
    public record Refreshed(java.time.Instant at, int buckets) {
    }

    /** The last bucket refresh that ended (the periodic one or {@link #refresh}), if one has (Kubo's stats dht). */
    public Optional<Refreshed> lastRefresh() {
        return queries.lastRefresh();
    }

    /** A random peer ID (SHA-256 multihash) whose key shares exactly {@code cpl} bits with ours. */
    PeerId randomPeerIdIn(int cpl) {
        return queries.randomPeerIdIn(cpl);
    }

    // ------------------------------------------------------------------ peer routing

    /** The k peers closest to {@code key} (any bytes; a peer ID's bytes for peer routing). */
    public LookupResult getClosestPeers(byte[] key) throws IOException {
        return queries.getClosestPeers(key);
    }

    /** The same, telling {@code events} of each request as it goes (Kubo's {@code dht query} streams them). */
    public LookupResult getClosestPeers(byte[] key, LookupEvents events) throws IOException {
        return queries.getClosestPeers(key, events);
    }

    /** Finds the addresses of {@code target}: from a live connection, or by a lookup. */
    public FindPeerResult findPeer(PeerId target) throws IOException {
        return queries.findPeer(target);
    }

    // ------------------------------------------------------------------ providers

    /**
     * Announces that this node provides {@code multihash} (the bytes of a multihash, as a CID's
     * {@code multihash().bytes()}) to the k closest peers, and remembers it for republishing.
     */
    public ProvideResult provide(byte[] multihash) throws IOException {
        return queries.provide(multihash);
    }

    /**
     * Records this node as a provider of {@code multihash} in its own provider store, as
     * {@link #provide} does, without announcing it: a peer that asks this node finds it. For a
     * provider that holds its announcements while the DHT has no peer.
     *
     * @throws IllegalArgumentException when the bytes are no multihash
     */
    public void provideLocally(byte[] multihash) {
        queries.provideLocally(multihash);
    }

    /**
     * Announces many keys (each the bytes of a multihash) with few lookups, one region of the key
     * space at a time, as go-libp2p-kad-dht's sweeping provider does: the peers of each region
     * the keys fall in are found once, then each key's record goes to its k closest among them,
     * the records for one peer sent one after the other on its stream. Each key is remembered as
     * {@link #provide} remembers it.
     *
     * @param workers     runs of neighbouring keys swept at once, each with lookups of its own
     *                    (Kubo's {@code Provide.DHT.MaxWorkers}); a run has at least 256 keys
     * @param connections peers each run sends records to at once (Kubo's
     *                    {@code Provide.DHT.MaxProvideConnsPerWorker})
     * @throws IllegalArgumentException when a key is not a multihash, or a count is not positive
     */
    public SweepResult provideSweep(List<byte[]> multihashes, int workers, int connections) throws IOException {
        if (workers < 1 || connections < 1) {
            throw new IllegalArgumentException("workers and connections must be positive");
        }
        return queries.provideSweep(multihashes, workers, connections);
    }

    /**
     * {@link #provide} with optimistic provide whatever the config says (when the network-size
     * estimate cannot be used, what {@link KadConfig#optimisticFallback()} says).
     */
    public ProvideResult provideOptimistically(byte[] multihash) throws IOException {
        return queries.provideOptimistically(multihash);
    }

    /** Stops providing {@code multihash} (records already sent expire by themselves). */
    public void stopProviding(byte[] multihash) {
        queries.stopProviding(multihash);
    }

    /** Republishes every key this node provides, and every value it put. */
    public void republish() throws IOException {
        queries.republish();
    }

    /**
     * Finds up to {@code limit} providers of {@code multihash}, handing each to {@code onProvider}
     * as it arrives (from the local store first, then from the lookup's replies).
     */
    public FindProvidersResult findProviders(byte[] multihash, int limit, Consumer<PeerInfo> onProvider) throws IOException {
        return queries.findProviders(multihash, limit, onProvider);
    }

    // ------------------------------------------------------------------ values

    /**
     * Validates the record, stores it locally and puts it to the k closest peers.
     *
     * @throws io.p2pkit.kad.record.InvalidRecordException if the record is not valid
     */
    public PutResult putValue(byte[] key, byte[] value) throws IOException {
        return queries.putValue(key, value);
    }

    /**
     * Looks up the record under {@code key}, stopping once {@code quorum} valid records arrived,
     * and returns the best; peers that returned an outdated one are sent the best (entry correction).
     */
    public GetResult getValue(byte[] key, int quorum) throws IOException {
        return queries.getValue(key, quorum);
    }

    // ------------------------------------------------------------------ lifecycle

    /** The request sender (tests look at its stream pool). */
    KadClient clientForTests() {
        return client;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        host.reachability().removeListener(reachabilityListener);
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        host.removeStreamHandler(protocol);
        queries.close();
        client.close(config.closeGrace());
        server.close();
        providers.close();
    }

    @Override
    public String toString() {
        return "KadDht[" + protocol + " " + effectiveMode() + " " + table + "]";
    }
}
