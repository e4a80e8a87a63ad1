package io.p2pkit.node.exchange;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.KadDht;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.config.GoDurations;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Announces what the repository holds to the DHT, as the strategy says: once soon after start,
 * then every interval (Kubo's default is 22 hours). As Kubo 0.39's default sweeping provider does,
 * keys go out many at once, region by region of the DHT's key space ({@link KadDht#provideSweep}):
 * the peers of a region are found with a lookup or two, and every key in it goes to its closest
 * peers among them, so that 100,000 keys take a few lookups per region rather than 100,000; and each
 * interval's work is spread over it, one slice of the key space at a time ({@link SweepCycles}),
 * after a first cycle that sweeps everything at once. Without
 * a sweep (Kubo's {@code Provide.DHT.SweepEnabled=false}) each key has a lookup of its own,
 * {@link #PARALLELISM} at a time unless told otherwise (Kubo's {@code Provide.DHT.MaxWorkers}).
 * Blocks fetched or added by the node are announced as they arrive through {@link #provide}: their
 * keys wait in a bounded queue, swept in batches of what waits (or each given a free slot), which
 * {@link #clear} empties (Kubo's {@code provide clear}).
 */
public final class Reprovider implements Closeable {
    /** Kubo's {@code Provide.DHT.Interval} (before 0.38 {@code Reprovider.Interval}). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(22);
    /** Announcements in flight at once, by default. */
    public static final int PARALLELISM = 32;
    /** The most announcements in flight at once that may be asked for (each holds a DHT lookup's connections). */
    public static final int MAX_PARALLELISM = 1024;
    /** Announcements of fetched blocks that may wait for their turn (the provide queue's bound). */
    public static final int MAX_PENDING = 10_000;
    private static final System.Logger LOG = LazyLogger.of(Reprovider.class);

    /**
     * What the last run did.
     *
     * @param keys     keys announced
     * @param failures keys no DHT server took
     * @param millis   how long it took
     */
    public record Run(long keys, long failures, long millis) {
    }

    /**
     * The runs so far, as Kubo's legacy reprovider counts them ({@code provide stat}): runs that
     * had no key to announce are not counted.
     *
     * @param totalKeys     keys announced by every run together
     * @param lastKeys      keys the last run announced
     * @param totalNanos    the runs' durations together
     * @param lastNanos     the last run's duration
     * @param lastRun       when the last run ended, or empty before one has
     * @param interval      the time between runs
     */
    public record Stats(long totalKeys, long lastKeys, long totalNanos, long lastNanos, Optional<Instant> lastRun,
                        Duration interval) {
        /** The average time per key (Kubo's {@code AvgReprovideDuration}), zero before a run. */
        public long averageNanosPerKey() {
            return totalKeys == 0 ? 0 : totalNanos / totalKeys;
        }
    }

    /** A run was asked for while one was going on (Kubo's words). */
    public static final class AlreadyRunningException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        AlreadyRunningException() {
            super("instance of reprovide already running");
        }
    }

    /** How one key is announced: the number of DHT servers that took it. */
    @FunctionalInterface
    interface Announcer {
        int announce(Multihash key) throws IOException;
    }

    /** How many keys are announced at once, region by region; answers how many no server took. */
    @FunctionalInterface
    interface Sweeper {
        int sweep(List<Multihash> keys) throws IOException;

        /** The same, with what the sweep met (a test's sweeper knows only the keys no server took). */
        default Swept swept(List<Multihash> keys) throws IOException {
            return new Swept(sweep(keys), 0, 0, 0, 0);
        }
    }

    /**
     * What a sweep did.
     *
     * @param unplaced  keys no server took
     * @param records   provider records sent
     * @param regions   regions of the DHT it found
     * @param peers     servers given records
     * @param reachable those that took them all
     */
    record Swept(int unplaced, long records, int regions, int peers, int reachable) {
    }

    /**
     * The DHT's peers now, its k, the connections a sweep may use, how long without peers before
     * the provider is offline ({@link ProviderConnectivity}), and how a key held back is recorded
     * in the node's own provider store ({@link KadDht#provideLocally}), so that a peer asking this
     * node finds it while the announcement waits.
     */
    record Network(java.util.function.IntSupplier peers, int replication, int connections, Duration offlineDelay,
                   java.util.function.Consumer<Multihash> local) {
        /** No DHT to ask (a test's reprovider): always online, go's k. */
        static final Network NONE = new Network(() -> 1, 20, 1, ProviderConnectivity.DEFAULT_OFFLINE_DELAY);

        /** The same recording nothing locally. */
        Network(java.util.function.IntSupplier peers, int replication, int connections, Duration offlineDelay) {
            this(peers, replication, connections, offlineDelay, key -> { });
        }
    }

    /** How often a provider held back by a lost network looks at it again. */
    static final Duration RETRY = Duration.ofSeconds(5);

    private final Announcer announcer;
    /** Null when each key is announced alone (Kubo's legacy provider). */
    private final Sweeper sweeper;
    private final int batch;
    /** Whether a worker is sweeping the provide queue now (one at a time, so keys go out in batches). */
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private final Repository repo;
    private final LinkReader links;
    private final ReprovideStrategy strategy;
    private final int parallelism;
    private final Semaphore inFlight;
    /** Keys of fetched or written blocks waiting for their first announcement: Kubo's provide queue. */
    private final LinkedBlockingQueue<Multihash> queue = new LinkedBlockingQueue<>(MAX_PENDING);
    /** One run at a time: the scheduled one or one asked for ({@code routing reprovide}). */
    private final ReentrantLock running = new ReentrantLock();
    private volatile ScheduledFuture<?> schedule;
    private volatile Run lastRun;
    private volatile Stats stats = new Stats(0, 0, 0, 0, Optional.empty(), DEFAULT_INTERVAL);
    private volatile boolean closed;
    /** When the first scheduled run starts, once started. */
    private volatile Instant firstRun;
    /** Null unless the state is kept across restarts. */
    private volatile ProvideState state;
    /** The sweeping schedule once started; null without a sweep. */
    private volatile SweepCycles cycles;
    /** Keys of the provide queue announced once ({@code provide once}), which join no schedule. */
    private final Set<Multihash> once = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Network network;
    private final SweepCounters counters = new SweepCounters();
    private final ProviderConnectivity connectivity;
    private volatile ScheduledExecutorService scheduler;
    /** Whether a look at the network is scheduled for the held queue (one at most, however many keys come). */
    private final java.util.concurrent.atomic.AtomicBoolean retrying = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param dht      the DHT to announce in
     * @param repo     the repository whose content is announced
     * @param links    how to read links, for {@link ReprovideStrategy#PINNED} and {@link ReprovideStrategy#MFS}
     * @param strategy what to announce
     */
    public Reprovider(KadDht dht, Repository repo, LinkReader links, ReprovideStrategy strategy) {
        this(dht, repo, links, strategy, PARALLELISM);
    }

    /**
     * The same with {@code parallelism} announcements in flight at once.
     *
     * @param parallelism from 1 to {@link #MAX_PARALLELISM}
     */
    public Reprovider(KadDht dht, Repository repo, LinkReader links, ReprovideStrategy strategy, int parallelism) {
        this(dht, repo, links, strategy, parallelism, Optional.empty());
    }

    /**
     * The same, announcing many keys at once region by region of the key space when {@code sweep}
     * says how ({@link KadDht#provideSweep}, Kubo 0.39's default): a run sweeps the keys in batches
     * of {@link NodeConfig.Sweep#batch()}, with {@code parallelism} workers; the provide queue is
     * swept by one worker, in batches of what waits. A key alone is announced with a lookup of its own.
     */
    public Reprovider(KadDht dht, Repository repo, LinkReader links, ReprovideStrategy strategy, int parallelism,
                      Optional<NodeConfig.Sweep> sweep) {
        this(key -> dht.provide(key.bytes()).peers(), sweep.map(s -> dhtSweeper(dht, parallelism, s)).orElse(null),
                sweep.map(NodeConfig.Sweep::batch).orElse(1), repo, links, strategy, parallelism,
                dht == null ? Network.NONE : new Network(() -> dht.routingTable().size(), dht.routingTable().k(),
                        sweep.map(NodeConfig.Sweep::connections).orElse(1), sweep.map(NodeConfig.Sweep::offlineDelay)
                        .orElse(ProviderConnectivity.DEFAULT_OFFLINE_DELAY), key -> dht.provideLocally(key.bytes())));
    }

    private static Sweeper dhtSweeper(KadDht dht, int parallelism, NodeConfig.Sweep s) {
        return new Sweeper() {
            @Override
            public int sweep(List<Multihash> keys) throws IOException {
                return swept(keys).unplaced();
            }

            @Override
            public Swept swept(List<Multihash> keys) throws IOException {
                io.p2pkit.kad.SweepResult r = dht.provideSweep(keys.stream().map(Multihash::bytes).toList(),
                        parallelism, s.connections());
                return new Swept(r.unplaced(), r.recordsSent(), r.regions(), r.peers(), r.reachable());
            }
        };
    }

    /** The same announcing through {@code announcer} (a test's, which can hold announcements back). */
    Reprovider(Announcer announcer, Repository repo, LinkReader links, ReprovideStrategy strategy) {
        this(announcer, repo, links, strategy, PARALLELISM);
    }

    Reprovider(Announcer announcer, Repository repo, LinkReader links, ReprovideStrategy strategy, int parallelism) {
        this(announcer, null, 1, repo, links, strategy, parallelism);
    }

    Reprovider(Announcer announcer, Sweeper sweeper, int batch, Repository repo, LinkReader links,
               ReprovideStrategy strategy, int parallelism) {
        this(announcer, sweeper, batch, repo, links, strategy, parallelism, Network.NONE);
    }

    Reprovider(Announcer announcer, Sweeper sweeper, int batch, Repository repo, LinkReader links,
               ReprovideStrategy strategy, int parallelism, Network network) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("announcements at once must be from 1 to " + MAX_PARALLELISM + ", got "
                    + parallelism);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("a sweep batch must be positive, got " + batch);
        }
        this.parallelism = parallelism;
        this.inFlight = new Semaphore(parallelism);
        this.sweeper = sweeper;
        this.batch = batch;
        this.announcer = announcer;
        this.repo = repo;
        this.links = links;
        this.strategy = strategy;
        this.network = network;
        this.connectivity = new ProviderConnectivity(network.peers(), network.offlineDelay(), java.time.Clock.systemUTC());
    }

    /** Runs {@link #reprovide} after {@code delay}, then every {@code interval}. */
    public void start(ScheduledExecutorService scheduler, Duration delay, Duration interval) {
        start(scheduler, delay, interval, Optional.empty());
    }

    /**
     * The same; with {@code resume}, the repository whose {@code provider/} directory keeps the
     * state across restarts (Kubo's {@code Provide.DHT.ResumeEnabled}), and the keys the provide
     * queue held when the node stopped are announced now. A sweeping reprovider spreads each
     * interval's work over it, slice by slice of the key space ({@link SweepCycles}), and with
     * resume goes on with the cycle where it was; without a sweep the first run waits until an
     * interval has passed since the last run ended, if one ended less than that ago.
     */
    public void start(ScheduledExecutorService scheduler, Duration delay, Duration interval, Optional<Path> resume) {
        this.scheduler = scheduler;
        stats = new Stats(0, 0, 0, 0, Optional.empty(), interval);
        if (strategy == ReprovideStrategy.NONE) {
            return;
        }
        state = resume.map(ProvideState::new).orElse(null);
        if (sweeper != null) {
            startCycles(scheduler, delay, interval); // first: the kept queue's keys join its cycle
        }
        if (state != null) {
            List<Multihash> kept = state.takeQueue(MAX_PENDING);
            boolean held = held();
            for (Multihash k : kept) {
                if (queue.offer(k)) {
                    if (held) {
                        recordLocally(k);
                    }
                    announceQueued();
                }
            }
        }
        if (sweeper != null) {
            return;
        }
        if (state != null) {
            Optional<Instant> last = state.lastRun();
            Instant now = Instant.now();
            if (last.isPresent() && last.get().isBefore(now) && last.get().plus(interval).isAfter(now)) {
                Duration wait = Duration.between(now, last.get().plus(interval));
                delay = wait.compareTo(delay) > 0 ? wait : delay;
                Duration waited = delay;
                LOG.log(System.Logger.Level.INFO, () -> "reprovider: the last run ended at " + last.get()
                        + "; the next in " + waited.toMinutes() + " min");
            }
        }
        firstRun = Instant.now().plus(delay);
        schedule = scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("p2pkit-reprovide").start(() -> {
            try {
                reprovide();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "reprovide failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), delay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the sweeping schedule, with its keystore in the repository's {@code provider/} directory. */
    private void startCycles(ScheduledExecutorService scheduler, Duration delay, Duration interval) {
        SweepCycles c = new SweepCycles(new SweepCycles.Work() {
            @Override
            public Stream<Multihash> keys() throws IOException {
                return Reprovider.this.keys();
            }

            @Override
            public int sweep(List<Multihash> keys) {
                return Reprovider.this.sweep(keys, true);
            }

            @Override
            public void slicesSwept(int slices) {
                counters.slicesSwept(slices);
            }

            @Override
            public boolean online() {
                return connectivity.check() == ProviderConnectivity.State.ONLINE;
            }

            @Override
            public void holding(List<Multihash> keys) {
                keys.forEach(Reprovider.this::recordLocally);
            }

            @Override
            public void ended(long keys, long failures, long nanos) {
                lastRun = finished(nanos, keys, failures);
            }
        }, new SweepKeystore(repo.root().resolve(ProvideState.DIR)), state, interval, batch, () -> closed);
        cycles = c;
        ProvideState kept = state;
        c.start(scheduler, delay, kept == null ? Optional.empty() : kept.cycle(),
                kept == null ? Optional.empty() : kept.lastRun());
        firstRun = c.firstSweep().orElseThrow();
    }

    /**
     * When the first scheduled run (or sweep of a cycle's slices) starts, or empty before
     * {@link #start} (or with nothing to announce).
     */
    Optional<Instant> firstRun() {
        return Optional.ofNullable(firstRun);
    }

    /** The strategy. */
    public ReprovideStrategy strategy() {
        return strategy;
    }

    /**
     * @return what the last finished run did, or empty before the first has finished; once a run
     *         shows here, {@link #reprovide} may start the next
     */
    public Optional<Run> lastRun() {
        return Optional.ofNullable(lastRun);
    }

    /** @return the runs so far */
    public Stats stats() {
        return stats;
    }

    /**
     * What the sweeping reprovider reports in the sections of Kubo 0.39's {@code provide stat}, or
     * empty without a sweep (the legacy statistics, {@link #stats}, then say it all) or before
     * {@link #start}.
     */
    public Optional<SweepStats> sweepStats() {
        SweepCycles c = cycles;
        if (c == null) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        Duration interval = c.interval();
        long[] counts;
        try {
            counts = c.keystore().counts();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "reprovider: the keystore cannot be counted: " + e);
            counts = new long[SweepKeystore.SLICES];
        }
        long keys = 0;
        int regions = 0;
        for (long n : counts) {
            keys += n;
            regions += n > 0 ? 1 : 0;
        }
        SweepCycles.Cycle cycle = c.current().orElse(new SweepCycles.Cycle(counters.started(), 0, false));
        // the slices of this cycle still to sweep: all of them until it has begun writing its keys
        int from = cycle.stored() ? cycle.next() : 0;
        int overdue = 0;
        int next = -1;
        Instant nextAt = null;
        for (int i = from; i < SweepKeystore.SLICES; i++) {
            if (counts[i] == 0) {
                continue;
            }
            if (next < 0) {
                next = i;
                nextAt = c.due(cycle, i);
            }
            if (!c.due(cycle, i).isAfter(now)) {
                overdue++;
            }
        }
        for (int i = 0; next < 0 && i < SweepKeystore.SLICES; i++) {
            if (counts[i] > 0) {
                next = i;
                nextAt = c.due(new SweepCycles.Cycle(cycle.start().plus(interval), 0, false), i);
            }
        }
        Instant cycleStart = cycle.start();
        while (cycleStart.isAfter(now)) {
            cycleStart = cycleStart.minus(interval);
        }
        long[] ongoing = counters.ongoing();
        SweepCounters.Window w = counters.window(now, interval);
        SweepCounters.Sweep p = w.periodic();
        SweepCounters.Sweep b = w.burst();
        long allKeys = p.keys() + b.keys();
        int allRegions = p.regions() + b.regions();
        return Optional.of(new SweepStats(closed,
                connectivity.stats(),
                new SweepStats.Queues(queue.size(), slices(List.copyOf(queue)), overdue),
                new SweepStats.Schedule(keys, regions, regions > 0 ? 8 : 0, Optional.ofNullable(nextAt),
                        next < 0 ? "" : prefix(next)),
                new SweepStats.Workers(parallelism, (int) (ongoing[4] + ongoing[5]), (int) ongoing[5], (int) ongoing[4],
                        1, 1, 0, 0, network.connections()),
                new SweepStats.Timing(Duration.between(counters.started(), now), interval, cycleStart,
                        Duration.between(cycleStart, now), Duration.ZERO),
                new SweepStats.Operations(ongoing[0], ongoing[1], ongoing[2], ongoing[3], counters.records(),
                        counters.keysProvided(), counters.keysFailed(), perMinute(b), perMinute(p),
                        Duration.ofNanos(p.slices() == 0 ? 0 : p.nanos() / p.slices()),
                        p.slices() == 0 ? 0 : (double) p.keys() / p.slices(), p.slices()),
                new SweepStats.Network(p.peers(), p.reachable(), p.slices() >= SweepKeystore.SLICES,
                        allRegions == 0 ? 0 : (double) (p.peers() + b.peers()) / allRegions,
                        allKeys == 0 ? 0 : (double) (p.records() + b.records()) / allKeys, network.replication())));
    }

    /** Keys swept per minute of sweeping. */
    private static double perMinute(SweepCounters.Sweep s) {
        return s.nanos() == 0 ? 0 : s.keys() / (s.nanos() / 60e9);
    }

    /** A slice's prefix: its 8 bits. */
    private static String prefix(int slice) {
        String bits = Integer.toBinaryString(slice);
        return "0".repeat(8 - bits.length()) + bits;
    }

    /**
     * Announces every key the strategy names and waits until all are done.
     *
     * @return what the run did
     * @throws AlreadyRunningException when a run is going on
     */
    public Run reprovide() throws IOException, InterruptedException {
        if (!running.tryLock()) {
            throw new AlreadyRunningException();
        }
        Run r;
        try {
            r = run();
        } finally {
            running.unlock();
        }
        // published once the lock is free: whoever sees this run ended may start the next
        lastRun = r;
        return r;
    }

    /** Whether keys are announced many at once, region by region. */
    public boolean sweeps() {
        return sweeper != null;
    }

    private Run run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        AtomicLong failures = new AtomicLong();
        long n = 0;
        if (sweeper != null) {
            List<Multihash> pending = new java.util.ArrayList<>();
            try (Stream<Multihash> keys = keys()) {
                for (Multihash key : (Iterable<Multihash>) keys::iterator) {
                    if (closed) {
                        break;
                    }
                    n++;
                    pending.add(key);
                    if (pending.size() == batch) {
                        failures.addAndGet(sweep(pending, true));
                        pending.clear();
                    }
                }
            }
            if (!pending.isEmpty() && !closed) {
                failures.addAndGet(sweep(pending, true));
            }
            if (!closed) {
                counters.slicesSwept(SweepKeystore.SLICES); // the whole key space, at once
            }
            return finished(System.nanoTime() - start, n, failures.get());
        }
        try (Stream<Multihash> keys = keys()) {
            for (Multihash key : (Iterable<Multihash>) keys::iterator) {
                if (closed) {
                    break;
                }
                inFlight.acquire();
                n++;
                Thread.ofVirtual().name("p2pkit-provide").start(() -> {
                    try {
                        if (announce(key) == 0) {
                            failures.incrementAndGet();
                        }
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        inFlight.acquire(parallelism); // every announcement has ended
        inFlight.release(parallelism);
        return finished(System.nanoTime() - start, n, failures.get());
    }

    /**
     * Sweeps {@code keys} (a key alone goes with a lookup of its own), counted as the cycle's
     * ({@code periodic}) or the provide queue's; returns those no server took.
     */
    private int sweep(List<Multihash> keys, boolean periodic) {
        int slices = slices(keys);
        counters.begin(periodic, slices, keys.size());
        long t = System.nanoTime();
        Swept r;
        if (keys.size() == 1) {
            int took = announce(keys.get(0));
            r = new Swept(took == 0 ? 1 : 0, took, 0, 0, 0);
        } else {
            try {
                r = sweeper.swept(List.copyOf(keys));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "sweeping " + keys.size() + " keys failed: " + e);
                r = new Swept(keys.size(), 0, 0, 0, 0);
            }
        }
        counters.end(periodic, slices, keys.size(), System.nanoTime() - t, r.unplaced(), r.records(), r.regions(),
                r.peers(), r.reachable());
        return r.unplaced();
    }

    /** The slices of the key space {@code keys} fall in. */
    private static int slices(java.util.Collection<Multihash> keys) {
        boolean[] seen = new boolean[SweepKeystore.SLICES];
        int n = 0;
        for (Multihash k : keys) {
            int s = SweepKeystore.slice(k);
            if (!seen[s]) {
                seen[s] = true;
                n++;
            }
        }
        return n;
    }

    private Run finished(long nanos, long n, long failed) {
        Run r = new Run(n, failed, nanos / 1_000_000);
        ProvideState s = state;
        if (s != null && !closed) {
            try {
                s.ranAt(Instant.now());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "reprovider: the end of the run cannot be kept: " + e);
            }
        }
        if (n > 0) {
            Stats before = stats;
            stats = new Stats(before.totalKeys() + n, n, before.totalNanos() + nanos, nanos, Optional.of(Instant.now()),
                    before.interval());
        }
        long keysDone = n;
        LOG.log(System.Logger.Level.INFO, () -> "reprovided " + keysDone + " keys (" + strategy.kuboName() + ") in "
                + r.millis() + " ms; " + r.failures() + " found no DHT server");
        return r;
    }

    /**
     * Announces blocks the node just got (fetched or added), if the strategy covers them. At most
     * {@link #MAX_PENDING} wait their turn; the rest are left to the next run.
     */
    public void provide(List<Cid> cids) {
        if (strategy == ReprovideStrategy.ALL) {
            announceSoon(cids);
        }
    }

    /**
     * Announces the blocks a change of the MFS wrote, as Kubo does at once, under the strategies
     * that cover the MFS ({@code all}, {@code mfs}, {@code pinned+mfs}); with the same bound as
     * {@link #provide}.
     */
    public void provideMfs(List<Cid> cids) {
        if (strategy == ReprovideStrategy.ALL || strategy == ReprovideStrategy.MFS || strategy == ReprovideStrategy.PINNED_MFS) {
            announceSoon(cids);
        }
    }

    /**
     * Announces a key once, whatever the strategy, without adding it to any schedule (Kubo's
     * {@code provide once}): waits up to {@code wait} for room in the provide queue, so that a
     * long stream of keys goes out as fast as the DHT takes them without the queue growing.
     *
     * @throws IOException          when the queue had no room for that long, or the reprovider is closed
     * @throws InterruptedException when interrupted while waiting
     */
    public void provideOnce(Multihash key, Duration wait) throws IOException, InterruptedException {
        if (closed) {
            throw new IOException("the node is shutting down");
        }
        if (sweeper != null && connectivity.check() == ProviderConnectivity.State.OFFLINE) {
            throw new IOException("the provider is offline: no DHT peer for " + GoDurations.format(
                    connectivity.offlineDelay()) + " (Provide.DHT.OfflineDelay); nothing is announced until one is back");
        }
        if (sweeper != null) {
            once.add(key); // forgotten when the queue's sweeper takes it
        }
        if (!queue.offer(key, wait.toNanos(), TimeUnit.NANOSECONDS)) {
            once.remove(key);
            throw new IOException("the provide queue stayed full for " + wait.toSeconds() + " s");
        }
        if (held()) {
            recordLocally(key);
        }
        announceQueued();
    }

    /** Kubo's {@code DefaultFastProvideTimeout}: how long a root announced in the background may take. */
    static final Duration FAST_PROVIDE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Whether the strategy covers content added here (Kubo's {@code ShouldProvideForStrategy}):
     * {@code all} always; {@code pinned} and {@code roots} (and {@code pinned+mfs}) when it was
     * pinned; {@code mfs} only for the MFS, which announces its own blocks ({@link #provideMfs}).
     */
    public boolean covers(boolean pinned) {
        return switch (strategy) {
            case ALL -> true;
            case PINNED, ROOTS, PINNED_MFS -> pinned;
            case MFS, NONE -> false;
        };
    }

    /**
     * Announces content just added here ({@code add}, {@code dag import}, {@code block put}…), as
     * Kubo 0.39 announces what is written: nothing unless the strategy {@linkplain #covers covers}
     * it; the roots only under {@code roots}; else the roots, then every other block written.
     * They go through the provide queue in the background: at most {@link #MAX_PENDING} wait, the
     * rest are left to the next run.
     *
     * @param roots   the roots added
     * @param written the blocks written (the roots may be among them)
     */
    public void added(List<Cid> roots, List<Cid> written, boolean pinned) {
        if (closed || !covers(pinned)) {
            return;
        }
        announceSoon(roots);
        if (strategy != ReprovideStrategy.ROOTS) {
            Set<Cid> first = new HashSet<>(roots);
            announceSoon(written.stream().filter(c -> !first.contains(c)).toList());
        }
    }

    /**
     * Kubo's {@code fast-provide-root}: announces {@code root} at once, beside the queue, when the
     * strategy covers it; with {@code wait} the caller waits for the DHT's answer, else it is
     * announced in the background (for at most {@link #FAST_PROVIDE_TIMEOUT}).
     *
     * @throws IOException with Kubo's {@code fast-provide: …} when waiting and no DHT server took it
     */
    public void provideRoot(Cid root, boolean pinned, boolean wait) throws IOException {
        if (closed || !covers(pinned) || root.multihash().code() == io.p2pkit.core.multiformats.Multicodec.IDENTITY) {
            return;
        }
        if (!wait) {
            Thread worker = Thread.ofVirtual().name("p2pkit-fast-provide").start(() -> announce(root.multihash()));
            Thread.ofVirtual().name("p2pkit-fast-provide-timeout").start(() -> {
                try {
                    if (!worker.join(FAST_PROVIDE_TIMEOUT)) {
                        worker.interrupt();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return;
        }
        int took;
        try {
            took = announcer.announce(root.multihash());
        } catch (IOException | RuntimeException e) {
            throw new IOException("fast-provide: " + e.getMessage(), e);
        }
        if (took == 0) {
            throw new IOException("fast-provide: no DHT server took the provider record of " + root);
        }
    }

    private void announceSoon(List<Cid> cids) {
        if (closed) {
            return;
        }
        boolean held = held();
        for (Cid c : cids) {
            // a key the full queue refused is left to the next run
            boolean queued = queue.offer(c.multihash());
            if (queued && held) {
                recordLocally(c.multihash());
            }
            if (queued && sweeper == null) {
                // one worker per key queued
                Thread.ofVirtual().name("p2pkit-provide").start(this::announceNext);
            }
        }
        if (sweeper != null) {
            drain();
        }
    }

    /** Has the queue's new key announced: by a worker of its own, or in the next sweep of the queue. */
    private void announceQueued() {
        if (sweeper == null) {
            Thread.ofVirtual().name("p2pkit-provide").start(this::announceNext);
        } else {
            drain();
        }
    }

    /**
     * Starts the worker that sweeps the provide queue, unless it runs: it takes what waits (up to
     * a batch), sweeps it, and goes on until the queue is empty, so that keys queued during a
     * sweep go out together in the next.
     */
    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("p2pkit-provide-sweep").start(() -> {
            boolean held = false;
            try {
                while (!closed && !queue.isEmpty()) {
                    ProviderConnectivity.State state = connectivity.check();
                    if (state == ProviderConnectivity.State.OFFLINE) {
                        dropQueue();
                        break;
                    }
                    if (state == ProviderConnectivity.State.DISCONNECTED) {
                        held = true; // the keys wait for the network
                        break;
                    }
                    List<Multihash> keys = new java.util.ArrayList<>();
                    queue.drainTo(keys, batch);
                    if (keys.isEmpty()) {
                        break;
                    }
                    sweep(keys, false);
                    joinCycle(keys);
                }
            } finally {
                draining.set(false);
            }
            if (held) {
                retryLater();
            } else if (!queue.isEmpty() && !closed) {
                drain(); // a key came after the last look and before the flag was down
            }
        });
    }

    /** Whether announcements wait for the network now (a sweeping provider without a DHT peer). */
    private boolean held() {
        return sweeper != null && connectivity.check() != ProviderConnectivity.State.ONLINE;
    }

    /** Records this node as the key's provider in its own store while the announcement waits. */
    private void recordLocally(Multihash key) {
        try {
            network.local().accept(key);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "reprovider: " + key + " cannot be recorded locally: " + e);
        }
    }

    /** Looks at the network again in a while, to sweep the queue once it is back. */
    private void retryLater() {
        ScheduledExecutorService s = scheduler;
        if (s == null || closed || !retrying.compareAndSet(false, true)) {
            return; // not started (the next key queued looks again), or a look is scheduled
        }
        try {
            s.schedule(() -> {
                retrying.set(false);
                drain();
            }, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            retrying.set(false);
            LOG.log(System.Logger.Level.DEBUG, () -> "reprovider: the node's scheduler has stopped");
        }
    }

    /**
     * Offline ({@code Provide.DHT.OfflineDelay} without a DHT peer), as Kubo's provider: the keys
     * waiting for their first announcement are dropped, and join the keystore, so that they are
     * announced with their slice once the node is online again.
     */
    private void dropQueue() {
        List<Multihash> dropped = new java.util.ArrayList<>();
        queue.drainTo(dropped);
        if (dropped.isEmpty()) {
            return;
        }
        joinCycle(dropped);
        LOG.log(System.Logger.Level.WARNING, () -> "reprovider: offline, no DHT peer for " + GoDurations.format(
                connectivity.offlineDelay()) + ": " + dropped.size() + " keys waiting for their first announcement "
                + "are left to their slice of the cycle");
    }

    /**
     * Has the keys just announced from the provide queue announced again with their slice of the
     * running cycle, if it is still to come (not those announced once).
     */
    private void joinCycle(List<Multihash> keys) {
        SweepCycles c = cycles;
        if (c == null) {
            keys.forEach(once::remove);
            return;
        }
        List<Multihash> joining = new java.util.ArrayList<>(keys.size());
        for (Multihash k : keys) {
            if (!once.remove(k)) {
                joining.add(k);
            }
        }
        c.keystore().add(joining);
    }

    /** Waits for a free slot, then announces the queue's head (nothing when {@link #clear} took it). */
    private void announceNext() {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            Multihash key = queue.poll();
            if (key != null && !closed) {
                announce(key);
            }
        } finally {
            inFlight.release();
        }
    }

    /** @return the keys waiting in the provide queue now */
    public int queued() {
        return queue.size();
    }

    /**
     * Empties the provide queue, as Kubo's {@code provide clear}: the keys waiting for their first
     * announcement are dropped (announcements under way go on). Their blocks stay in the
     * repository, so the next run announces them if the strategy names them.
     *
     * @return how many keys were dropped
     */
    public int clear() {
        int n = 0;
        for (Multihash k = queue.poll(); k != null; k = queue.poll()) {
            once.remove(k);
            n++;
        }
        return n;
    }

    private int announce(Multihash key) {
        try {
            return announcer.announce(key);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "providing " + key + " failed: " + e);
            return 0;
        }
    }

    /** The keys the strategy names, each once. */
    Stream<Multihash> keys() throws IOException {
        return switch (strategy) {
            case ALL -> repo.blocks().local().keys();
            case ROOTS -> repo.pinner().ls(EnumSet.of(PinType.RECURSIVE, PinType.DIRECT)).stream()
                    .map(p -> p.cid().multihash()).distinct();
            case PINNED -> pinnedBlocks(new HashSet<>()).stream();
            case MFS -> dag(repo.mfs().root(), new HashSet<>()).stream();
            case PINNED_MFS -> dag(repo.mfs().root(), pinnedBlocks(new HashSet<>())).stream();
            case NONE -> Stream.empty();
        };
    }

    /** Every block of every pinned DAG that is here, added to {@code seen}. */
    private Set<Multihash> pinnedBlocks(Set<Multihash> seen) throws IOException {
        for (Pin p : repo.pinner().ls(EnumSet.of(PinType.RECURSIVE, PinType.DIRECT))) {
            if (p.type() == PinType.DIRECT) {
                seen.add(p.cid().multihash());
            } else {
                dag(p.cid(), seen);
            }
        }
        return seen;
    }

    /**
     * The blocks of the DAG under {@code root} that are here (Kubo walks the MFS with an offline
     * fetcher too: what is not here is neither fetched nor announced), added to {@code seen}.
     */
    private Set<Multihash> dag(Cid root, Set<Multihash> seen) throws IOException {
        Deque<Cid> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Cid c = todo.poll();
            if (!seen.add(c.multihash())) {
                continue;
            }
            Optional<Block> b = repo.blocks().local().get(c);
            if (b.isPresent()) {
                try {
                    todo.addAll(links.links(b.get()));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "reprovide: " + c + " does not decode: " + e);
                }
            }
        }
        return seen;
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
        SweepCycles c = cycles;
        if (c != null) {
            c.close();
        }
        ProvideState kept = state;
        if (kept != null) {
            try {
                kept.keepQueue(List.copyOf(queue));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "reprovider: the provide queue cannot be kept: " + e);
            }
        }
    }
}
