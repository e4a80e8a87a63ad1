package io.p2pkit.kad.sim;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.FindPeerResult;
import io.p2pkit.kad.FindProvidersResult;
import io.p2pkit.kad.OptimisticFallback;
import io.p2pkit.kad.ProvideResult;
import io.p2pkit.kad.ProvideStrategy;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.routing.KadKey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The DHT at scale in one JVM: N nodes on a {@link MemoryNetwork} with per-link latency, then
 * peer lookups, provides and provider lookups, before and after churn (a share of the nodes
 * leaves and as many new ones join). Prints a Markdown table.
 *
 * <pre>
 * scripts/sim-kad [--nodes 1000] [--lookups 200] [--provides 50] [--churn 0.10] [--seed 1]
 *                 [--min-latency-ms 5] [--max-latency-ms 50] [--k 20] [--alpha 10]
 *                 [--optimistic-fallback classic|refresh]
 * </pre>
 */
public final class KadSimulation {
    /** The simulation's settings. */
    public record Settings(int nodes, int lookups, int provides, double churn, long seed, int minLatencyMs,
                           int maxLatencyMs, int k, int alpha, int parallelJoins, int maxConnections,
                           OptimisticFallback fallback, int sweepKeys) {
        /** Without the comparison of announcing many keys one lookup each and swept. */
        public Settings(int nodes, int lookups, int provides, double churn, long seed, int minLatencyMs,
                        int maxLatencyMs, int k, int alpha, int parallelJoins, int maxConnections,
                        OptimisticFallback fallback) {
            this(nodes, lookups, provides, churn, seed, minLatencyMs, maxLatencyMs, k, alpha, parallelJoins,
                    maxConnections, fallback, 0);
        }
    }

    /**
     * Many keys announced from one node, by one of two methods.
     *
     * @param method        how
     * @param keys          keys announced
     * @param lookups       lookups made
     * @param requests      requests the node sent (lookups' and ADD_PROVIDERs)
     * @param seconds       wall time
     * @param closestHeld   the mean share of each key's true k closest live nodes that hold its record
     * @param holders       the mean number of nodes that hold a key's record
     * @param keysOnNoPeer  keys no node holds
     */
    public record ManyKeys(String method, int keys, int lookups, long requests, double seconds, double closestHeld,
                           double holders, int keysOnNoPeer) {
        String row() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.1f %% | %.1f | %d |", method, keys,
                    lookups, requests, requests / (double) keys, seconds, closestHeld * 100, holders, keysOnNoPeer);
        }
    }

    /** One measured operation. */
    private record Sample(boolean ok, int hops, int messages, long micros, double closestOverlap) {
    }

    /** Aggregates of a batch of samples. */
    public record Stats(String phase, String operation, int count, double successRate, double meanHops,
                        double meanMessages, double p50Millis, double p95Millis, double closestOverlap) {
        String row() {
            return String.format(Locale.ROOT, "| %s | %s | %d | %.1f %% | %.2f | %.1f | %.0f | %.0f | %s |", phase,
                    operation, count, successRate * 100, meanHops, meanMessages, p50Millis, p95Millis,
                    Double.isNaN(closestOverlap) ? "" : String.format(Locale.ROOT, "%.1f %%", closestOverlap * 100));
        }
    }

    private final Settings settings;
    private final DhtSwarm swarm;
    private final List<Stats> results = new ArrayList<>();
    private final List<ManyKeys> manyKeys = new ArrayList<>();

    private KadSimulation(Settings s, ScheduledExecutorService scheduler) {
        this.settings = s;
        MemoryNetwork network = new MemoryNetwork();
        int span = s.maxLatencyMs() - s.minLatencyMs();
        // Each link gets a fixed one-way delay derived from its two ends, the same both ways.
        network.latency((a, b) -> {
            long lo = Math.min(a, b);
            long hi = Math.max(a, b);
            long h = (lo * 0x9E3779B97F4A7C15L) ^ (hi * 0xC2B2AE3D27D4EB4FL) ^ s.seed();
            h ^= h >>> 31;
            return Duration.ofMillis(s.minLatencyMs() + Math.floorMod(h, span + 1));
        });
        this.swarm = new DhtSwarm(network, s.seed(), b -> b.k(s.k()).alpha(s.alpha())
                .queryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(2))
                .optimisticFallback(s.fallback()))
                .sharedScheduler(scheduler)
                // Small frames and windows: DHT messages are small, and a thousand nodes' session buffers add up.
                .maxConnections(s.maxConnections(), new io.p2pkit.core.muxer.yamux.YamuxConfig(
                        io.p2pkit.core.muxer.yamux.YamuxConfig.SPEC_INITIAL_WINDOW, 1024 * 1024, 1000, 1000, 256,
                        16 * 1024, Duration.ZERO, Duration.ofSeconds(10), 4096));
    }

    /** Runs the whole simulation and returns the table rows. */
    public static List<Stats> run(Settings s) throws Exception {
        return runWithManyKeys(s, new ArrayList<>());
    }

    /** The same, adding the comparison of announcing many keys ({@code --sweep-keys}) to {@code manyKeysOut}. */
    static List<Stats> runWithManyKeys(Settings s, List<ManyKeys> manyKeysOut) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "sim-scheduler");
            t.setDaemon(true);
            return t;
        });
        KadSimulation sim = new KadSimulation(s, scheduler);
        try {
            sim.runPhases();
            manyKeysOut.addAll(sim.manyKeys);
            return sim.results;
        } finally {
            sim.swarm.close();
            scheduler.shutdownNow();
        }
    }

    private void runPhases() throws Exception {
        long t0 = System.nanoTime();
        swarm.grow(settings.nodes(), settings.parallelJoins());
        log("joined %d nodes in %.1f s", swarm.nodes().size(), (System.nanoTime() - t0) / 1e9);
        List<byte[]> provided = measure("stable");
        if (settings.sweepKeys() > 0) {
            compareManyKeys();
        }
        int leave = (int) Math.round(settings.nodes() * settings.churn());
        if (leave > 0) {
            List<DhtSwarm.Node> all = new ArrayList<>(swarm.nodes());
            for (int i = 0; i < leave; i++) {
                swarm.stop(all.remove(swarm.random().nextInt(all.size())));
            }
            t0 = System.nanoTime();
            swarm.grow(leave, settings.parallelJoins());
            log("churn: %d left, %d joined in %.1f s", leave, leave, (System.nanoTime() - t0) / 1e9);
            // Content provided before the churn, looked up after it (its providers may have left).
            results.add(stats("churn " + pct(), "findProviders (old content)", findProviders(provided)));
            measure("churn " + pct());
        }
    }

    /**
     * Announces {@code sweepKeys} keys from one node one lookup each (32 at a time, the
     * reprovider's default), then as many other keys swept region by region, and checks where
     * every record landed against the whole swarm's knowledge.
     */
    private void compareManyKeys() throws Exception {
        DhtSwarm.Node from = swarm.nodes().get(swarm.random().nextInt(swarm.nodes().size()));
        List<byte[]> alone = manyKeys("one by one ", settings.sweepKeys());
        swarm.trimConnections();
        long sent = from.dht().requestsSent();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(32, Thread.ofVirtual().factory())) {
            List<Future<?>> done = new ArrayList<>();
            // what the lookups themselves saw: requests that failed, and how many of the true
            // closest they returned (the records go to what they return)
            java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.DoubleAdder reached = new java.util.concurrent.atomic.DoubleAdder();
            for (byte[] key : alone) {
                done.add(pool.submit(() -> {
                    var provided = from.dht().provide(key);
                    failed.addAndGet(provided.lookup().failures());
                    reached.add(overlap(key, provided.lookup().closest(), from.host().peerId()));
                    return provided;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // counted below: its key is held by fewer nodes
                }
            }
            log("the %d lookups: %d failed requests; they returned %.1f %% of the true k closest", alone.size(),
                    failed.get(), reached.sum() * 100 / alone.size());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        manyKeys.add(held("a lookup per key, 32 at a time", from, alone, alone.size(),
                from.dht().requestsSent() - sent, seconds));
        log("announced %d keys one by one in %.1f s", alone.size(), seconds);

        List<byte[]> swept = manyKeys("swept ", settings.sweepKeys());
        swarm.trimConnections();
        sent = from.dht().requestsSent();
        t0 = System.nanoTime();
        io.p2pkit.kad.SweepResult r = from.dht().provideSweep(swept, 32, 20);
        seconds = (System.nanoTime() - t0) / 1e9;
        manyKeys.add(held("swept by region (" + r.regions() + " regions, 32 workers)", from, swept, r.lookups(),
                from.dht().requestsSent() - sent, seconds));
        log("swept %d keys in %.1f s: %s", swept.size(), seconds, r);
    }

    private static List<byte[]> manyKeys(String tag, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Multihash.digest(Multicodec.SHA2_256,
                    (tag + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)).bytes());
        }
        return out;
    }

    /**
     * Waits until the records sent are stored: an ADD_PROVIDER has no reply, so a sender is done
     * once it is written and the holder stores it a moment later. Done when every key is on k nodes
     * (or all others), or when the count stood still for a second; at most a minute.
     */
    private void awaitStored(List<byte[]> keys, PeerId provider) {
        long all = (long) keys.size() * Math.min(settings.k(), swarm.nodes().size() - 1);
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicLong since = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        io.p2pkit.testing.Await.until("the records stored", () -> {
            long n = 0;
            for (byte[] key : keys) {
                for (DhtSwarm.Node node : swarm.nodes()) {
                    if (node.dht().providerStore().providers(key).contains(provider)) {
                        n++;
                    }
                }
            }
            if (n != last.getAndSet(n)) {
                since.set(System.nanoTime());
                return false;
            }
            return n >= all || System.nanoTime() - since.get() > 1_000_000_000L;
        }, Duration.ofMinutes(1));
    }

    private ManyKeys held(String method, DhtSwarm.Node from, List<byte[]> keys, int lookups, long requests,
                          double seconds) {
        PeerId provider = from.host().peerId();
        awaitStored(keys, provider);
        double share = 0;
        int none = 0;
        long holders = 0;
        for (byte[] key : keys) {
            KadKey point = KadKey.of(key);
            List<DhtSwarm.Node> truth = new ArrayList<>(swarm.nodes());
            truth.removeIf(n -> n.host().peerId().equals(provider));
            truth.sort(Comparator.comparing(n -> KadKey.of(n.host().peerId()), point::compareDistance));
            List<DhtSwarm.Node> best = truth.subList(0, Math.min(settings.k(), truth.size()));
            long hit = best.stream().filter(n -> n.dht().providerStore().providers(key).contains(provider)).count();
            share += (double) hit / best.size();
            long anywhere = truth.stream().filter(n -> n.dht().providerStore().providers(key).contains(provider))
                    .count();
            holders += anywhere;
            if (anywhere == 0) {
                none++;
            }
        }
        return new ManyKeys(method, keys.size(), lookups, requests, seconds, share / keys.size(),
                holders / (double) keys.size(), none);
    }

    private String pct() {
        return Math.round(settings.churn() * 100) + " %";
    }

    /** Runs the lookups, provides and provider lookups of one phase; returns the keys provided. */
    private List<byte[]> measure(String phase) throws Exception {
        List<DhtSwarm.Node> nodes = swarm.nodes();
        List<Callable<Sample>> lookups = new ArrayList<>();
        List<Callable<Sample>> finds = new ArrayList<>();
        for (int i = 0; i < settings.lookups(); i++) {
            DhtSwarm.Node from = nodes.get(swarm.random().nextInt(nodes.size()));
            DhtSwarm.Node target;
            do {
                target = nodes.get(swarm.random().nextInt(nodes.size()));
            } while (target == from);
            DhtSwarm.Node t = target;
            lookups.add(() -> lookup(from, t));
            finds.add(() -> findPeer(from, t));
        }
        swarm.trimConnections();
        results.add(stats(phase, "lookup (FIND_NODE to a peer's key)", runAll(lookups)));
        swarm.trimConnections();
        results.add(stats(phase, "findPeer", runAll(finds)));

        List<byte[]> keys = new ArrayList<>();
        List<Callable<Sample>> provides = new ArrayList<>();
        for (int i = 0; i < settings.provides(); i++) {
            byte[] mh = Multihash.digest(Multicodec.SHA2_256, (phase + i + settings.seed()).getBytes()).bytes();
            keys.add(mh);
            DhtSwarm.Node from = nodes.get(swarm.random().nextInt(nodes.size()));
            provides.add(() -> {
                long t = System.nanoTime();
                ProvideResult r = from.dht().provide(mh);
                return new Sample(r.peers() > 0, r.lookup().hops(), r.lookup().messages() + r.peers(),
                        (System.nanoTime() - t) / 1000, overlap(mh, r.lookup().closest(), from.host().peerId()));
            });
        }
        swarm.trimConnections();
        results.add(stats(phase, "provide", runAll(provides)));
        swarm.trimConnections();
        results.add(stats(phase, "findProviders", findProviders(keys)));
        if (phase.equals("stable")) {
            // Optimistic provide from nodes as they are: most have not refreshed since they joined,
            // when the network was smaller. Their estimate is not used (the table changed since):
            // they fall back to classic, or refresh first, as configured.
            List<byte[]> asIsKeys = new ArrayList<>();
            List<Callable<Sample>> asIs = new ArrayList<>();
            java.util.Map<String, Integer> how = new java.util.concurrent.ConcurrentSkipListMap<>();
            List<Long> allRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < settings.provides(); i++) {
                DhtSwarm.Node from = nodes.get(swarm.random().nextInt(nodes.size()));
                byte[] mh = Multihash.digest(Multicodec.SHA2_256, ("as-is" + i + settings.seed()).getBytes()).bytes();
                asIsKeys.add(mh);
                asIs.add(() -> {
                    long t = System.nanoTime();
                    long before = from.dht().requestsSent();
                    ProvideResult r = from.dht().provideOptimistically(mh);
                    // Everything the node sent meanwhile: a refresh first, when the fallback ran one
                    // (other operations on the same node at the same time would count too; rare here).
                    allRequests.add(from.dht().requestsSent() - before);
                    how.merge(r.strategy() + (r.strategy() == ProvideStrategy.OPTIMISTIC ? "" : " (" + r.estimate().status() + ")"), 1, Integer::sum);
                    return new Sample(r.peers() > 0, r.lookup().hops(), r.lookup().messages() + r.lookup().closest().size(),
                            (System.nanoTime() - t) / 1000, overlap(mh, r.lookup().closest(), from.host().peerId()));
                });
            }
            swarm.trimConnections();
            results.add(stats(phase, "provide (optimistic asked, nodes not refreshed, fallback " + settings.fallback().name().toLowerCase(Locale.ROOT) + ")", runAll(asIs)));
            log("not-refreshed optimistic provides went: %s; requests sent during the call, refresh included: mean %.1f",
                    how, allRequests.stream().mapToLong(Long::longValue).average().orElse(Double.NaN));
            results.add(stats(phase, "findProviders (that content)", findProviders(asIsKeys)));
            // Optimistic against classic provide from the same random nodes. They refresh their
            // routing tables first, as a live node does every 10 minutes: in this network, which
            // grew while it was built, a node has not measured the network since it joined, when
            // it was smaller, and the size estimate is what optimistic provide stops on.
            List<DhtSwarm.Node> providers = new ArrayList<>();
            List<Callable<Sample>> refreshes = new ArrayList<>();
            for (int i = 0; i < settings.provides(); i++) {
                DhtSwarm.Node from = nodes.get(swarm.random().nextInt(nodes.size()));
                providers.add(from);
                refreshes.add(() -> {
                    from.dht().refresh();
                    return new Sample(true, 0, 0, 0, Double.NaN);
                });
            }
            runAll(refreshes);
            double estimates = 0;
            for (DhtSwarm.Node n : providers) {
                estimates += n.dht().networkSizeEstimate().orElse(Double.NaN);
            }
            log("network size estimate of the %d refreshed provider nodes: mean %.0f (true %d)",
                    providers.size(), estimates / providers.size(), nodes.size());
            java.util.Map<String, Integer> refreshedHow = new java.util.concurrent.ConcurrentSkipListMap<>();
            List<Callable<Sample>> classic = new ArrayList<>();
            List<byte[]> optimisticKeys = new ArrayList<>();
            List<Callable<Sample>> optimistic = new ArrayList<>();
            for (int i = 0; i < providers.size(); i++) {
                DhtSwarm.Node from = providers.get(i);
                byte[] classicKey = Multihash.digest(Multicodec.SHA2_256, ("classic" + i + settings.seed()).getBytes()).bytes();
                classic.add(() -> {
                    long t = System.nanoTime();
                    ProvideResult r = from.dht().provide(classicKey);
                    // messages: the lookup's requests plus the ADD_PROVIDERs sent (to the closest)
                    return new Sample(r.peers() > 0, r.lookup().hops(), r.lookup().messages() + r.lookup().closest().size(),
                            (System.nanoTime() - t) / 1000, overlap(classicKey, r.lookup().closest(), from.host().peerId()));
                });
                byte[] mh = Multihash.digest(Multicodec.SHA2_256, ("optimistic" + i + settings.seed()).getBytes()).bytes();
                optimisticKeys.add(mh);
                optimistic.add(() -> {
                    long t = System.nanoTime();
                    ProvideResult r = from.dht().provideOptimistically(mh);
                    refreshedHow.merge(r.strategy() + (r.strategy() == ProvideStrategy.OPTIMISTIC ? "" : " (" + r.estimate().status() + ")"), 1, Integer::sum);
                    // the optimistic result lists every peer the record was sent to
                    return new Sample(r.peers() > 0, r.lookup().hops(), r.lookup().messages() + r.lookup().closest().size(),
                            (System.nanoTime() - t) / 1000, overlap(mh, r.lookup().closest(), from.host().peerId()));
                });
            }
            swarm.trimConnections();
            results.add(stats(phase, "provide (classic, refreshed nodes)", runAll(classic)));
            swarm.trimConnections();
            results.add(stats(phase, "provide (optimistic, refreshed nodes)", runAll(optimistic)));
            log("refreshed optimistic provides went: %s", refreshedHow);
            results.add(stats(phase, "findProviders (optimistic content)", findProviders(optimisticKeys)));
            double sum = 0;
            int with = 0;
            java.util.Map<String, Integer> statuses = new java.util.TreeMap<>();
            for (DhtSwarm.Node n : nodes) {
                var e = n.dht().networkSize();
                statuses.merge(e.status().name(), 1, Integer::sum);
                if (e.size().isPresent()) {
                    sum += e.size().getAsDouble();
                    with++;
                }
            }
            log("network size estimate: %d of %d nodes have one (usable or not), mean %.0f (true %d); status: %s",
                    with, nodes.size(), with == 0 ? Double.NaN : sum / with, nodes.size(), statuses);
        }
        return keys;
    }

    private List<Sample> findProviders(List<byte[]> keys) throws Exception {
        List<DhtSwarm.Node> nodes = swarm.nodes();
        List<Callable<Sample>> finds = new ArrayList<>();
        for (byte[] mh : keys) {
            DhtSwarm.Node from = nodes.get(swarm.random().nextInt(nodes.size()));
            finds.add(() -> {
                long t = System.nanoTime();
                FindProvidersResult r = from.dht().findProviders(mh, 1, p -> { });
                return new Sample(!r.providers().isEmpty(), r.lookup().hops(), r.lookup().messages(),
                        (System.nanoTime() - t) / 1000, Double.NaN);
            });
        }
        return runAll(finds);
    }

    /** A full lookup of a live peer's key: a success when that peer comes back as the closest. */
    private Sample lookup(DhtSwarm.Node from, DhtSwarm.Node target) throws Exception {
        long t = System.nanoTime();
        LookupResult r = from.dht().getClosestPeers(target.host().peerId().bytes());
        long micros = (System.nanoTime() - t) / 1000;
        boolean ok = !r.closest().isEmpty() && r.closest().get(0).equals(target.host().peerId());
        return new Sample(ok, r.hops(), r.messages(), micros, overlap(target.host().peerId().bytes(), r.closest(), from.host().peerId()));
    }

    private Sample findPeer(DhtSwarm.Node from, DhtSwarm.Node target) throws Exception {
        long t = System.nanoTime();
        FindPeerResult r = from.dht().findPeer(target.host().peerId());
        long micros = (System.nanoTime() - t) / 1000;
        boolean ok = r.peer().map(PeerInfo::addresses).map(a -> a.equals(target.host().addresses())).orElse(false);
        return new Sample(ok, r.lookup().hops(), r.lookup().messages(), micros, Double.NaN);
    }

    /** The share of the true k closest live nodes (other than the asker) that a lookup returned. */
    private double overlap(byte[] key, List<PeerId> found, PeerId asker) {
        KadKey target = KadKey.of(key);
        List<PeerId> truth = new ArrayList<>();
        for (DhtSwarm.Node n : swarm.nodes()) {
            if (!n.host().peerId().equals(asker)) {
                truth.add(n.host().peerId());
            }
        }
        truth.sort(Comparator.comparing(KadKey::of, target::compareDistance));
        List<PeerId> best = truth.subList(0, Math.min(settings.k(), truth.size()));
        long hit = found.stream().filter(best::contains).count();
        return best.isEmpty() ? 1 : (double) hit / best.size();
    }

    private static List<Sample> runAll(List<Callable<Sample>> tasks) throws Exception {
        // A few operations at a time, as a node's users would issue them, not all at once.
        try (ExecutorService pool = Executors.newFixedThreadPool(8, Thread.ofVirtual().factory())) {
            List<Future<Sample>> futures = pool.invokeAll(tasks);
            List<Sample> out = new ArrayList<>();
            for (Future<Sample> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    out.add(new Sample(false, 0, 0, 0, Double.NaN));
                }
            }
            return out;
        }
    }

    private static Stats stats(String phase, String op, List<Sample> samples) {
        int n = samples.size();
        long ok = samples.stream().filter(Sample::ok).count();
        double hops = samples.stream().mapToInt(Sample::hops).average().orElse(0);
        double msgs = samples.stream().mapToInt(Sample::messages).average().orElse(0);
        long[] times = samples.stream().mapToLong(Sample::micros).sorted().toArray();
        double p50 = n == 0 ? 0 : times[(int) Math.min(n - 1, Math.floor(n * 0.5))] / 1000.0;
        double p95 = n == 0 ? 0 : times[(int) Math.min(n - 1, Math.floor(n * 0.95))] / 1000.0;
        double overlap = samples.stream().mapToDouble(Sample::closestOverlap).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        return new Stats(phase, op, n, n == 0 ? 0 : (double) ok / n, hops, msgs, p50, p95, overlap);
    }

    private static void log(String fmt, Object... args) {
        System.err.println("sim-kad: " + String.format(Locale.ROOT, fmt, args));
    }

    /** Prints the comparison of announcing many keys, when it ran, as a Markdown table. */
    static String manyKeysTable(List<ManyKeys> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n| method | keys | lookups | requests sent | requests per key | wall s "
                + "| true k closest holding the record | nodes holding it | keys on no node |\n|---|---|---|---|---|---|---|---|---|\n");
        for (ManyKeys r : rows) {
            b.append(r.row()).append('\n');
        }
        return b.toString();
    }

    /** Prints the results as a Markdown table. */
    public static String table(Settings s, List<Stats> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d nodes, k=%d, alpha=%d, one-way link latency %d-%d ms, at most %d connections per node, seed %d%n%n",
                s.nodes(), s.k(), s.alpha(), s.minLatencyMs(), s.maxLatencyMs(), s.maxConnections(), s.seed()));
        b.append("| phase | operation | count | success | hops (mean) | messages (mean) | p50 ms | p95 ms | true k closest reached |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Stats r : rows) {
            b.append(r.row()).append('\n');
        }
        return b.toString();
    }

    public static void main(String[] argv) throws Exception {
        int nodes = 1000;
        int lookups = 200;
        int provides = 50;
        double churn = 0.10;
        long seed = 1;
        int minLat = 5;
        int maxLat = 50;
        int k = 20;
        int alpha = 10;
        int parallel = 32;
        int maxConns = 24;
        OptimisticFallback fallback = OptimisticFallback.CLASSIC;
        int sweepKeys = 0;
        for (int i = 0; i + 1 < argv.length; i += 2) {
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--nodes" -> nodes = Integer.parseInt(v);
                case "--lookups" -> lookups = Integer.parseInt(v);
                case "--provides" -> provides = Integer.parseInt(v);
                case "--churn" -> churn = Double.parseDouble(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--min-latency-ms" -> minLat = Integer.parseInt(v);
                case "--max-latency-ms" -> maxLat = Integer.parseInt(v);
                case "--k" -> k = Integer.parseInt(v);
                case "--alpha" -> alpha = Integer.parseInt(v);
                case "--parallel-joins" -> parallel = Integer.parseInt(v);
                case "--max-connections" -> maxConns = Integer.parseInt(v);
                case "--optimistic-fallback" -> fallback = OptimisticFallback.valueOf(v.toUpperCase(Locale.ROOT));
                case "--sweep-keys" -> sweepKeys = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        Settings s = new Settings(nodes, lookups, provides, churn, seed, minLat, maxLat, k, alpha, parallel, maxConns,
                fallback, sweepKeys);
        long t0 = System.nanoTime();
        List<ManyKeys> many = new ArrayList<>();
        List<Stats> rows = runWithManyKeys(s, many);
        System.out.print(table(s, rows));
        System.out.print(manyKeysTable(many));
        log("done in %.1f s", (System.nanoTime() - t0) / 1e9);
        System.exit(0);
    }
}
