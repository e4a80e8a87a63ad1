package io.p2pkit.node.exchange;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.BitswapStats;
import io.p2pkit.ipfs.bitswap.ProviderFinder;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.ipfs.graphsync.GraphSyncConfig;
import io.p2pkit.ipfs.graphsync.GraphSyncStats;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.KadDht;
import io.p2pkit.node.NodeConfig;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * A node's content: its repository, opened for the node's lifetime, with Bitswap serving it and
 * filling its remote tier, GraphSync serving it too (when on), the DHT as the sessions' provider finder, and the reprovider.
 */
public final class ContentService implements Closeable {
    /** How long after start the first announcement runs (the DHT bootstrap has begun by then). */
    static final Duration FIRST_REPROVIDE = Duration.ofSeconds(1);

    private final Repository repo;
    private final Bitswap bitswap;
    private final Optional<GraphSync> graphsync;
    private final Optional<Reprovider> reprovider;
    private final Optional<PeriodicGc> gc;

    private ContentService(Repository repo, Bitswap bitswap, Optional<GraphSync> graphsync, Optional<Reprovider> reprovider,
                           Optional<PeriodicGc> gc) {
        this.repo = repo;
        this.bitswap = bitswap;
        this.graphsync = graphsync;
        this.reprovider = reprovider;
        this.gc = gc;
    }

    /**
     * Opens the repository and starts Bitswap and the reprovider on {@code host}.
     *
     * @throws IOException when the repository cannot be opened (none, or another process has it)
     */
    public static ContentService start(Host host, NodeConfig.Content config, Optional<KadDht> dht) throws IOException {
        return start(host, config, dht, List.of());
    }

    /**
     * The same, finding providers through {@code routers} (Delegated Routing V1 HTTP) first, then
     * through the DHT.
     */
    public static ContentService start(Host host, NodeConfig.Content config, Optional<KadDht> dht,
                                       List<ProviderFinder> routers) throws IOException {
        return start(host, config, dht, routers, java.util.Set.of());
    }

    /**
     * The same, ignoring the provider records of {@code ignored} whoever gives them (Kubo's
     * {@code Routing.IgnoreProviders}).
     */
    public static ContentService start(Host host, NodeConfig.Content config, Optional<KadDht> dht,
                                       List<ProviderFinder> routers, java.util.Set<io.p2pkit.core.identity.PeerId> ignored)
            throws IOException {
        AtomicReference<Bitswap> exchange = new AtomicReference<>();
        Codecs codecs = Codecs.standard();
        Repository repo = Repository.open(config.repo(), OpenOptions.of(codecs).fetcher((cid, timeout) -> {
            Bitswap b = exchange.get();
            return b == null ? Optional.empty() : b.fetch(cid, timeout);
        }));
        try {
            List<ProviderFinder> finders = new java.util.ArrayList<>(routers);
            dht.ifPresent(d -> finders.add((cid, limit, found) -> d.findProviders(cid.multihash().bytes(), limit, found)));
            ProviderFinder finder = finders.isEmpty() ? ProviderFinder.NONE : ignoring(inTurn(finders), ignored);
            Bitswap bitswap = Bitswap.attach(host, repo.blocks().local(), config.bitswap(), finder);
            exchange.set(bitswap);
            Optional<GraphSync> graphsync = config.graphsync()
                    ? Optional.of(GraphSync.attach(host, repo.blocks().local(), GraphSyncConfig.defaults().withServe(config.bitswap().serve())))
                    : Optional.empty();
            Optional<Reprovider> reprovider = Optional.empty();
            if (dht.isPresent() && config.reprovide() != ReprovideStrategy.NONE) {
                Reprovider r = new Reprovider(dht.get(), repo, codecs, config.reprovide(), config.provideWorkers(),
                        config.sweep());
                r.start(host.scheduler(), FIRST_REPROVIDE, config.reprovideInterval(),
                        config.sweep().filter(NodeConfig.Sweep::resume).map(x -> config.repo()));
                bitswap.onBlocksReceived(r::provide);
                repo.mfs().onWritten(r::provideMfs);
                reprovider = Optional.of(r);
            }
            Optional<PeriodicGc> gc = config.gc().map(g -> new PeriodicGc(repo, g).start(host.scheduler()));
            return new ContentService(repo, bitswap, graphsync, reprovider, gc);
        } catch (IOException | RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    /** Passes on the providers {@code finder} finds but those of {@code ignored}. */
    private static ProviderFinder ignoring(ProviderFinder finder, java.util.Set<io.p2pkit.core.identity.PeerId> ignored) {
        if (ignored.isEmpty()) {
            return finder;
        }
        return (cid, limit, found) -> finder.findProviders(cid, limit, p -> {
            if (!ignored.contains(p.peerId())) {
                found.accept(p);
            }
        });
    }

    /** Asks each finder in turn; fails only when every one failed. */
    private static ProviderFinder inTurn(List<ProviderFinder> finders) {
        return (cid, limit, found) -> {
            List<IOException> failures = new java.util.ArrayList<>();
            for (ProviderFinder f : finders) {
                try {
                    f.findProviders(cid, limit, found);
                } catch (IOException e) {
                    failures.add(e);
                }
            }
            if (failures.size() == finders.size()) {
                IOException first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                throw first;
            }
        };
    }

    /** The repository. */
    public Repository repository() {
        return repo;
    }

    /** Bitswap. */
    public Bitswap bitswap() {
        return bitswap;
    }

    /** GraphSync, when {@link NodeConfig.Content#graphsync()} is on. */
    public Optional<GraphSync> graphsync() {
        return graphsync;
    }

    /** The reprovider, when there is a DHT and something to announce. */
    public Optional<Reprovider> reprovider() {
        return reprovider;
    }

    /** Adds Bitswap's counts to a metrics registry. */
    public void registerMetrics(MetricRegistry registry) {
        gauge(registry, "p2pkit_bitswap_blocks_received", "Wanted blocks received", BitswapStats::blocksReceived);
        gauge(registry, "p2pkit_bitswap_data_received_bytes", "Bytes of wanted blocks received", BitswapStats::dataReceived);
        gauge(registry, "p2pkit_bitswap_unwanted_blocks", "Blocks received that nobody wanted", BitswapStats::unwantedBlocks);
        gauge(registry, "p2pkit_bitswap_blocks_sent", "Blocks sent", BitswapStats::blocksSent);
        gauge(registry, "p2pkit_bitswap_data_sent_bytes", "Bytes of blocks sent", BitswapStats::dataSent);
        gauge(registry, "p2pkit_bitswap_malformed_messages", "Messages that did not decode", BitswapStats::malformedMessages);
        gauge(registry, "p2pkit_bitswap_oversized_messages", "Messages over 4 MiB", BitswapStats::oversizedMessages);
        gauge(registry, "p2pkit_bitswap_refused_wants", "Wants refused at the per-peer limit", BitswapStats::refusedWants);
        gauge(registry, "p2pkit_bitswap_slow_peers", "Streams reset because the peer did not read", BitswapStats::slowPeers);
        gauge(registry, "p2pkit_bitswap_wantlist", "Blocks this node wants", BitswapStats::wantlist);
        gauge(registry, "p2pkit_bitswap_peers", "Peers with a ledger", BitswapStats::peers);
        registry.gaugeCallback("p2pkit_bitswap_broadcast_skips", "Times a peer was left out of a want broadcast by "
                + "broadcast control (boxo's bcast_skips_total)", List.of(), () -> Map.of(List.of(),
                (double) bitswap.broadcastsSkipped()));
        DirectBuffers buffers = DirectBuffers.SHARED;
        registry.gaugeCallback("p2pkit_blocks_direct_buffers_lent_bytes",
                "Direct buffers that streamed block reads (gateway, cat) hold now, in bytes", List.of(),
                () -> Map.of(List.of(), (double) buffers.lentBytes()));
        registry.gaugeCallback("p2pkit_blocks_direct_buffers_idle_bytes",
                "Direct buffers kept for reuse by streamed block reads, in bytes", List.of(),
                () -> Map.of(List.of(), (double) buffers.idleBytes()));
        graphsync.ifPresent(gs -> {
            graphsyncGauge(registry, gs, "p2pkit_graphsync_requests_served", "GraphSync requests answered to the end", GraphSyncStats::requestsServed);
            graphsyncGauge(registry, gs, "p2pkit_graphsync_requests_busy", "GraphSync requests answered busy (31)", GraphSyncStats::requestsBusy);
            graphsyncGauge(registry, gs, "p2pkit_graphsync_blocks_sent", "GraphSync blocks sent", GraphSyncStats::blocksSent);
            graphsyncGauge(registry, gs, "p2pkit_graphsync_blocks_received", "GraphSync blocks received and stored", GraphSyncStats::blocksReceived);
            graphsyncGauge(registry, gs, "p2pkit_graphsync_malformed_messages", "GraphSync messages that did not decode or were over 4 MiB",
                    s -> s.malformedMessages() + s.oversizedMessages());
            graphsyncGauge(registry, gs, "p2pkit_graphsync_outside_selection", "Blocks or links a peer sent that the selector does not reach",
                    GraphSyncStats::outsideSelection);
        });
    }

    private static void graphsyncGauge(MetricRegistry registry, GraphSync gs, String name, String help, ToLongFunction<GraphSyncStats> value) {
        registry.gaugeCallback(name, help, List.of(), () -> Map.of(List.of(), (double) value.applyAsLong(gs.stats())));
    }

    private void gauge(MetricRegistry registry, String name, String help, ToLongFunction<BitswapStats> value) {
        registry.gaugeCallback(name, help, List.of(), () -> Map.of(List.of(), (double) value.applyAsLong(bitswap.stats())));
    }

    /** Stops announcing and exchanging, then closes the repository. */
    @Override
    public void close() throws IOException {
        gc.ifPresent(PeriodicGc::close);
        reprovider.ifPresent(Reprovider::close);
        graphsync.ifPresent(GraphSync::close);
        bitswap.close();
        repo.close();
    }
}
