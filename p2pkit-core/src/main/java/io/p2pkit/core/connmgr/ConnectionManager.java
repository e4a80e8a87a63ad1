package io.p2pkit.core.connmgr;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceManagerConfig;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;

/**
 * Keeps the number of connections between the watermarks: when there are more than the high
 * watermark, it closes the connections of the least valuable peers until the low watermark is
 * reached. A peer's value is the sum of its tags (set by protocols) and decaying tags. Protected
 * peers and peers still in their grace period are never trimmed; a trim runs at most once per
 * silence period, so a node hovering around the high watermark does not oscillate.
 *
 * <p>A trim starts when a connection takes the count over the high watermark, and also on a timer
 * (as go-libp2p's background loop): every silence period while the count is above the high
 * watermark, and as soon as a trim that was held back (by the silence period, or because the
 * surplus peers were still in their grace period) can make progress. Without the timer a burst of
 * newcomers, all in their grace period when they arrive, would keep the node above its high
 * watermark until someone else connected.
 *
 * <p>Attach it to a host with {@link io.p2pkit.core.host.HostBuilder#connectionManager}; it listens to
 * connection events and runs its timer on the host's scheduler. Time comes from an injectable
 * nanosecond clock, and closing happens on an injectable executor, so tests are deterministic.
 */
public final class ConnectionManager implements ConnectionListener, Closeable {
    private static final System.Logger LOG = LazyLogger.of(ConnectionManager.class);
    /** A cap on tick catch-up work per access; a value untouched for longer is decayed this far only. */
    private static final int MAX_TICKS = 100_000;

    private final ConnectionManagerConfig config;
    private final LongSupplier clock;
    private final Executor executor;
    private final ReentrantLock lock = new ReentrantLock();
    /** Whether a watermark conflict was reported, so that it is reported once. */
    private final AtomicBoolean reported = new AtomicBoolean();
    private final Map<PeerId, PeerEntry> peers = new HashMap<>();
    private final Map<PeerId, Set<String>> protections = new HashMap<>();
    private final Map<String, DecayingTag> decayingTags = new HashMap<>();
    private int connectionCount;
    private long lastTrimNanos;
    private boolean trimmedOnce;
    private boolean trimScheduled;
    private volatile boolean closed;
    /** The timer's scheduler, once {@link #start} gave one. */
    private ScheduledExecutorService timers;
    private ScheduledFuture<?> background;
    /** The one follow-up trim waiting for a silence or grace period to end, and when it runs. */
    private ScheduledFuture<?> followUp;
    private long followUpAt;

    private static final class PeerEntry {
        long firstSeenNanos;
        final Map<String, Integer> tags = new HashMap<>();
        final Map<DecayingTag, DecayingValue> decaying = new IdentityHashMap<>();
        final Map<DecayingTag, Long> appliedTick = new IdentityHashMap<>();
        final Map<Object, Runnable> connections = new IdentityHashMap<>();
    }

    /** A manager with {@code config}, the system clock and closing on virtual threads. */
    public ConnectionManager(ConnectionManagerConfig config) {
        this(config, System::nanoTime, Executors.newVirtualThreadPerTaskExecutor());
    }

    /**
     * A manager with an injected clock (nanoseconds, monotonic) and an executor for trims and
     * closes ({@code Runnable::run} makes them synchronous, for tests).
     */
    public ConnectionManager(ConnectionManagerConfig config, LongSupplier nanoClock, Executor executor) {
        this.config = config;
        this.clock = nanoClock;
        this.executor = executor;
    }

    /**
     * A manager whose timer, trims and closes all run on {@code scheduler}, with the injected
     * clock; the timer starts at once (tests pass a scheduler on virtual time).
     */
    public ConnectionManager(ConnectionManagerConfig config, LongSupplier nanoClock, ScheduledExecutorService scheduler) {
        this(config, nanoClock, (Executor) scheduler);
        start(scheduler);
    }

    /**
     * Starts the timer on {@code scheduler}: a check every silence period (half the grace period
     * when the silence period is zero) that trims while the count is above the high watermark, and
     * follow-up trims when a silence or grace period ends. {@link io.p2pkit.core.host.HostBuilder}
     * calls it with the host's scheduler; a manager used without a host needs it to trim on time.
     * Only the first call counts. The timer's tasks are short: closing happens on the executor.
     */
    public void start(ScheduledExecutorService scheduler) {
        lock.lock();
        try {
            if (closed || timers != null) {
                return;
            }
            timers = scheduler;
            long period = checkInterval().toNanos();
            background = scheduler.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** How often the timer checks the count: go-libp2p's choice (the silence period, else half the grace). */
    private Duration checkInterval() {
        if (config.silencePeriod().isPositive()) {
            return config.silencePeriod();
        }
        if (config.gracePeriod().toMillis() >= 2) {
            return config.gracePeriod().dividedBy(2);
        }
        return Duration.ofSeconds(1);
    }

    // The timer's periodic check: go's background loop.
    private void check() {
        try {
            if (connectionCount() > config.highWater()) {
                trimOpenConnections();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connection manager check failed", e);
        }
    }

    /** Schedules one trim at {@code at} (clock nanoseconds), unless an earlier one is waiting. Under the lock. */
    private void followUpAt(long at, long now) {
        if (timers == null || closed) {
            return;
        }
        if (followUp != null && !followUp.isDone() && followUpAt <= at) {
            return;
        }
        if (followUp != null) {
            followUp.cancel(false);
        }
        followUpAt = at;
        try {
            followUp = timers.schedule(() -> {
                lock.lock();
                try {
                    followUp = null;
                } finally {
                    lock.unlock();
                }
                check();
            }, Math.max(0, at - now), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            followUp = null; // the host is closing: nothing left to trim for
        }
    }

    /** The watermarks and timings. */
    public ConnectionManagerConfig config() {
        return config;
    }

    /**
     * Checks that the watermarks fit inside the resource manager's connection limits; a high
     * watermark above them means the resource manager refuses connections before this manager
     * ever trims, so peers get refused instead of the least useful ones being dropped.
     *
     * @return a message explaining the conflict, or empty when they fit
     */
    public Optional<String> checkAgainst(ResourceManagerConfig limits) {
        if (!config.trims()) {
            return Optional.empty(); // the limits are meant to be the only bound
        }
        List<String> problems = new ArrayList<>();
        long total = limits.system().limit(Resource.CONNECTIONS);
        long inbound = limits.system().limit(Resource.INBOUND_CONNECTIONS);
        if (config.highWater() > total) {
            problems.add("the system limit of " + total + " connections");
        }
        if (config.highWater() > inbound) {
            problems.add("the system limit of " + inbound + " inbound connections");
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("connection manager high watermark " + config.highWater() + " exceeds "
                + String.join(" and ", problems) + ": the resource manager will refuse connections before the "
                + "connection manager trims any. Lower the high watermark (--conn-high) below the limits, or raise "
                + "the limits (--limits FILE).");
    }

    /**
     * Runs {@link #checkAgainst} and logs a warning when the watermarks do not fit, unless the
     * conflict was already reported (see {@link #warnIfInconsistent(ResourceManagerConfig, Consumer)}).
     */
    public Optional<String> warnIfInconsistent(ResourceManagerConfig limits) {
        return warnIfInconsistent(limits, p -> LOG.log(System.Logger.Level.WARNING, p));
    }

    /**
     * Runs {@link #checkAgainst} and hands a conflict to {@code report}, at most once per manager:
     * an application that reports it its own way (the daemon on stderr) calls this first, and the
     * host builder's later check then stays quiet instead of printing the same warning again.
     *
     * @return the conflict, whether or not it was reported by this call
     */
    public Optional<String> warnIfInconsistent(ResourceManagerConfig limits, Consumer<String> report) {
        Optional<String> problem = checkAgainst(limits);
        if (problem.isPresent() && reported.compareAndSet(false, true)) {
            report.accept(problem.get());
        }
        return problem;
    }

    // ------------------------------------------------------------------ tags

    /** Sets {@code tag} on {@code peer} to {@code value}. */
    public void tagPeer(PeerId peer, String tag, int value) {
        upsertTag(peer, tag, v -> value);
    }

    /** Removes {@code tag} from {@code peer}. */
    public void untagPeer(PeerId peer, String tag) {
        lock.lock();
        try {
            PeerEntry e = peers.get(peer);
            if (e != null) {
                e.tags.remove(tag);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sets {@code tag} on {@code peer} to {@code update} of its current value (0 when absent). */
    public void upsertTag(PeerId peer, String tag, IntUnaryOperator update) {
        lock.lock();
        try {
            PeerEntry e = entry(peer);
            e.tags.put(tag, update.applyAsInt(e.tags.getOrDefault(tag, 0)));
        } finally {
            lock.unlock();
        }
    }

    /** What the manager knows of {@code peer}, if anything. */
    public Optional<TagInfo> tagInfo(PeerId peer) {
        lock.lock();
        try {
            PeerEntry e = peers.get(peer);
            if (e == null) {
                return Optional.empty();
            }
            long now = clock.getAsLong();
            Map<String, Integer> all = new HashMap<>(e.tags);
            applyDecay(e, now);
            e.decaying.forEach((t, v) -> all.put(t.name(), v.value()));
            return Optional.of(new TagInfo(e.firstSeenNanos, value(e, now), all, e.connections.size()));
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ protection

    /** Protects {@code peer} from trimming under {@code tag} (several protocols may each protect it). */
    public void protect(PeerId peer, String tag) {
        lock.lock();
        try {
            protections.computeIfAbsent(peer, p -> new HashSet<>()).add(tag);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the protection {@code tag} from {@code peer}.
     *
     * @return whether the peer is still protected by another tag
     */
    public boolean unprotect(PeerId peer, String tag) {
        lock.lock();
        try {
            Set<String> tags = protections.get(peer);
            if (tags == null) {
                return false;
            }
            tags.remove(tag);
            if (tags.isEmpty()) {
                protections.remove(peer);
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The tag peering protects its peers under (Kubo's and boxo's {@code ipfs-peering}). */
    public static final String PEERING_TAG = "ipfs-peering";

    /** Whether {@code peer} is protected by {@code tag}, or by any tag when {@code tag} is null. */
    public boolean isProtected(PeerId peer, String tag) {
        lock.lock();
        try {
            Set<String> tags = protections.get(peer);
            return tags != null && (tag == null || tags.contains(tag));
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ decaying tags

    /**
     * Registers a decaying tag: every {@code interval} its value on each peer goes through
     * {@code decay}; {@link DecayingTag#bump} applies {@code bump}.
     *
     * @throws IllegalArgumentException when a tag of that name is registered
     */
    public DecayingTag registerDecayingTag(String name, Duration interval, DecayFunction decay, BumpFunction bump) {
        lock.lock();
        try {
            if (decayingTags.containsKey(name)) {
                throw new IllegalArgumentException("decaying tag " + name + " is already registered");
            }
            DecayingTag t = new DecayingTag(this, name, interval, decay, bump, clock.getAsLong());
            decayingTags.put(name, t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    void bumpDecaying(DecayingTag tag, PeerId peer, int delta) {
        lock.lock();
        try {
            if (decayingTags.get(tag.name()) != tag) {
                return;
            }
            long now = clock.getAsLong();
            PeerEntry e = entry(peer);
            applyDecay(e, now);
            DecayingValue v = e.decaying.get(tag);
            if (v == null) {
                v = new DecayingValue(tag.name(), peer, 0, now, now);
                e.appliedTick.put(tag, tag.tick(now));
            }
            DecayingValue bumped = new DecayingValue(tag.name(), peer, tag.bumpFunction().bump(v, delta),
                    v.addedNanos(), now);
            e.decaying.put(tag, bumped);
        } finally {
            lock.unlock();
        }
    }

    void removeDecaying(DecayingTag tag, PeerId peer) {
        lock.lock();
        try {
            PeerEntry e = peers.get(peer);
            if (e != null) {
                e.decaying.remove(tag);
                e.appliedTick.remove(tag);
            }
        } finally {
            lock.unlock();
        }
    }

    void closeDecaying(DecayingTag tag) {
        lock.lock();
        try {
            decayingTags.remove(tag.name(), tag);
            for (PeerEntry e : peers.values()) {
                e.decaying.remove(tag);
                e.appliedTick.remove(tag);
            }
        } finally {
            lock.unlock();
        }
    }

    // Applies the ticks passed since each value was last decayed (lazily, so no timer is needed).
    private void applyDecay(PeerEntry e, long now) {
        Iterator<Map.Entry<DecayingTag, DecayingValue>> it = e.decaying.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<DecayingTag, DecayingValue> en = it.next();
            DecayingTag tag = en.getKey();
            long current = tag.tick(now);
            long applied = e.appliedTick.getOrDefault(tag, current);
            DecayingValue v = en.getValue();
            long from = Math.max(applied + 1, current - MAX_TICKS + 1);
            boolean removed = false;
            for (long t = from; t <= current; t++) {
                OptionalInt after = tag.decay().decay(v, tag.tickTime(t));
                if (after.isEmpty()) {
                    removed = true;
                    break;
                }
                v = v.withValue(after.getAsInt());
            }
            if (removed) {
                it.remove();
                e.appliedTick.remove(tag);
            } else {
                en.setValue(v);
                e.appliedTick.put(tag, current);
            }
        }
    }

    private int value(PeerEntry e, long now) {
        long sum = 0;
        for (int v : e.tags.values()) {
            sum += v;
        }
        for (DecayingValue v : e.decaying.values()) {
            sum += v.value();
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
    }

    // ------------------------------------------------------------------ connections

    /** How many connections the manager counts now. */
    public int connectionCount() {
        lock.lock();
        try {
            return connectionCount;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void connected(Connection connection) {
        track(connection.remotePeer(), connection, connection::close);
    }

    @Override
    public void disconnected(Connection connection) {
        untrack(connection.remotePeer(), connection);
    }

    /** Counts a connection identified by {@code key}, closed by {@code closer} if trimmed. */
    void track(PeerId peer, Object key, Runnable closer) {
        boolean trim = false;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            PeerEntry e = entry(peer);
            if (e.connections.isEmpty()) {
                e.firstSeenNanos = clock.getAsLong();
            }
            if (e.connections.put(key, closer) == null) {
                connectionCount++;
            }
            if (connectionCount > config.highWater() && !trimScheduled) {
                trimScheduled = true;
                trim = true;
            }
        } finally {
            lock.unlock();
        }
        if (trim) {
            executor.execute(() -> {
                lock.lock();
                try {
                    trimScheduled = false;
                } finally {
                    lock.unlock();
                }
                trimOpenConnections();
            });
        }
    }

    void untrack(PeerId peer, Object key) {
        lock.lock();
        try {
            PeerEntry e = peers.get(peer);
            if (e != null && e.connections.remove(key) != null) {
                connectionCount--;
                if (e.connections.isEmpty()) {
                    peers.remove(peer); // tags live as long as the peer is connected, as in go-libp2p
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the connections of the least valuable peers that are neither protected nor in their
     * grace period until at most the low watermark remain. Does nothing within the silence period
     * of the previous trim.
     *
     * @return how many connections it closed
     */
    public int trimOpenConnections() {
        List<Runnable> toClose = new ArrayList<>();
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (closed || connectionCount <= config.lowWater()) {
                return 0;
            }
            if (trimmedOnce && now - lastTrimNanos < config.silencePeriod().toNanos()) {
                if (connectionCount > config.highWater()) {
                    followUpAt(lastTrimNanos + config.silencePeriod().toNanos(), now);
                }
                return 0;
            }
            trimmedOnce = true;
            lastTrimNanos = now;
            peers.values().removeIf(e -> e.connections.isEmpty());
            record Candidate(PeerId peer, PeerEntry entry, int value) {
            }
            List<Candidate> candidates = new ArrayList<>();
            long grace = config.gracePeriod().toNanos();
            long firstGraceEnd = Long.MAX_VALUE;
            for (Map.Entry<PeerId, PeerEntry> en : peers.entrySet()) {
                PeerEntry e = en.getValue();
                if (protections.containsKey(en.getKey())) {
                    continue;
                }
                if (now - e.firstSeenNanos < grace) {
                    firstGraceEnd = Math.min(firstGraceEnd, e.firstSeenNanos + grace);
                    continue;
                }
                applyDecay(e, now);
                candidates.add(new Candidate(en.getKey(), e, value(e, now)));
            }
            // Lowest value first; among equals, the peer with more connections frees more; then a stable order.
            candidates.sort(Comparator.comparingInt(Candidate::value)
                    .thenComparing(c -> -c.entry().connections.size())
                    .thenComparing(c -> c.peer().toString()));
            int excess = connectionCount - config.lowWater();
            for (Candidate c : candidates) {
                if (excess <= 0) {
                    break;
                }
                excess -= c.entry().connections.size();
                toClose.addAll(c.entry().connections.values());
            }
            // Peers in their grace period kept the count above the high watermark: trim again once
            // the first of them is out of it (and the silence period allows).
            if (connectionCount - toClose.size() > config.highWater() && firstGraceEnd != Long.MAX_VALUE) {
                followUpAt(Math.max(firstGraceEnd, now + config.silencePeriod().toNanos()), now);
            }
        } finally {
            lock.unlock();
        }
        for (Runnable r : toClose) {
            executor.execute(r);
        }
        return toClose.size();
    }

    private PeerEntry entry(PeerId peer) {
        return peers.computeIfAbsent(peer, p -> new PeerEntry());
    }

    /** Stops trimming and the timer; the connections stay open. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (background != null) {
                background.cancel(false);
            }
            if (followUp != null) {
                followUp.cancel(false);
            }
            peers.clear();
            connectionCount = 0;
        } finally {
            lock.unlock();
        }
    }
}
