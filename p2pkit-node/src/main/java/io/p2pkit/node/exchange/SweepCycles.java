package io.p2pkit.node.exchange;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Multihash;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The sweeping provider's schedule, as Kubo 0.39 spreads its reprovides: each interval is a cycle
 * in which slice {@code i} of the key space ({@link SweepKeystore}) is swept at
 * {@code start + i × interval / SLICES}, so that the work is spread evenly over the interval and
 * each key is announced again one interval after the last time (records expire after 48 hours). A
 * cycle begins by writing the keys the strategy names into the keystore.
 *
 * <p>Slices whose time has passed are swept at once, together: a start with nothing kept sweeps
 * every slice at once (as Kubo announces at once what was not announced within an interval) and
 * the next cycle begins one slice later; a restart goes on with the kept cycle where it was (Kubo's
 * {@code Provide.DHT.ResumeEnabled}); after a stop longer than an interval everything is swept at
 * once again.
 */
final class SweepCycles {
    private static final System.Logger LOG = LazyLogger.of(SweepCycles.class);

    /**
     * Where a cycle stands.
     *
     * @param start  when it began (slice 0's time)
     * @param next   the first slice not yet swept; {@link SweepKeystore#SLICES} when it is over
     * @param stored whether its keys are in the keystore
     */
    record Cycle(Instant start, int next, boolean stored) {
    }

    /** What a cycle does with the keys. */
    interface Work {
        /** The keys the strategy names, each once. */
        Stream<Multihash> keys() throws IOException;

        /** Sweeps {@code keys}; returns how many no server took. */
        int sweep(List<Multihash> keys);

        /** {@code slices} slices of the cycle were swept. */
        void slicesSwept(int slices);

        /** Whether the slices due may be swept now (the DHT has peers); if not they wait. */
        boolean online();

        /** Keys of slices due that wait for the network, given once each cycle. */
        void holding(List<Multihash> keys);

        /** A cycle ended: keys swept, those no server took, and the time spent writing and sweeping them. */
        void ended(long keys, long failures, long nanos);
    }

    private final Work work;
    private final SweepKeystore keystore;
    /** Null when nothing is kept across restarts. */
    private final ProvideState state;
    private final Duration interval;
    private final Duration slice;
    private final int batch;
    private final BooleanSupplier closed;
    private volatile ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> pending;
    private volatile Instant firstSweep;
    // The cycle and its counts: each step runs after the one before has ended and scheduled it
    // (the cycle is read by the statistics too).
    private volatile Cycle cycle;
    private long keys;
    private long failures;
    private long nanos;
    /** Slices of this cycle below this were handed to {@link Work#holding} while they waited. */
    private int heldTo;

    SweepCycles(Work work, SweepKeystore keystore, ProvideState state, Duration interval, int batch,
                BooleanSupplier closed) {
        this.work = work;
        this.keystore = keystore;
        this.state = state;
        this.interval = interval;
        this.slice = interval.dividedBy(SweepKeystore.SLICES);
        this.batch = batch;
        this.closed = closed;
    }

    /** The keystore, which keys announced for the first time join. */
    SweepKeystore keystore() {
        return keystore;
    }

    /**
     * The cycle to run from {@code earliest} on, given what was kept: the kept cycle if it is not
     * over, is stored and began less than an interval ago; else a new one beginning an interval
     * after the kept one (or one slice after the last whole run a build without cycles kept), or
     * earlier when that leaves a slice more than an interval unswept, at the latest so that every
     * slice is due at {@code earliest}.
     */
    static Cycle plan(Optional<Cycle> kept, Optional<Instant> lastRun, boolean keystoreExists, Instant earliest,
                      Duration interval) {
        Duration slice = interval.dividedBy(SweepKeystore.SLICES);
        Instant everyDue = earliest.minus(slice.multipliedBy(SweepKeystore.SLICES - 1));
        if (kept.isPresent() && !kept.get().start().isAfter(earliest)) {
            Cycle c = kept.get();
            if (c.next() < SweepKeystore.SLICES) {
                if (keystoreExists && c.start().plus(interval).isAfter(earliest)) {
                    return new Cycle(c.start(), c.next(), true);
                }
                return new Cycle(everyDue, 0, false);
            }
            return new Cycle(later(c.start().plus(interval), everyDue), 0, false);
        }
        if (lastRun.isPresent() && !lastRun.get().isAfter(earliest)) {
            return new Cycle(later(lastRun.get().plus(slice), everyDue), 0, false);
        }
        return new Cycle(everyDue, 0, false);
    }

    /** When slice {@code i} of {@code c} is due. */
    Instant due(Cycle c, int i) {
        return c.start().plus(slice.multipliedBy(i));
    }

    /**
     * Plans the first cycle from what was kept and schedules its first step, not before
     * {@code delay} from now.
     */
    void start(ScheduledExecutorService scheduler, Duration delay, Optional<Cycle> kept, Optional<Instant> lastRun) {
        this.scheduler = scheduler;
        Instant earliest = Instant.now().plus(delay);
        cycle = plan(kept, lastRun, keystore.exists(), earliest, interval);
        Instant first = later(nextStep(), earliest);
        firstSweep = first;
        if (cycle.stored() && cycle.next() > 0) {
            LOG.log(System.Logger.Level.INFO, () -> "reprovider: resuming the cycle begun at " + cycle.start()
                    + " at slice " + cycle.next() + " of " + SweepKeystore.SLICES + ", from " + first);
        } else {
            LOG.log(System.Logger.Level.INFO, () -> "reprovider: the next sweeping cycle begins at "
                    + later(cycle.start(), earliest) + (cycle.start().isBefore(earliest) ? " with every slice due" : ""));
        }
        schedule(first);
    }

    /** The cycle as it stands, once started. */
    Optional<Cycle> current() {
        return Optional.ofNullable(cycle);
    }

    /** The interval. */
    Duration interval() {
        return interval;
    }

    /** When the first step of this process runs, once started. */
    Optional<Instant> firstSweep() {
        return Optional.ofNullable(firstSweep);
    }

    /** Stops the schedule (a step under way ends after its batch). */
    void close() {
        ScheduledFuture<?> p = pending;
        if (p != null) {
            p.cancel(false);
        }
    }

    private Instant nextStep() {
        return cycle.stored() ? due(cycle, cycle.next()) : cycle.start();
    }

    private void schedule(Instant at) {
        if (closed.getAsBoolean()) {
            return;
        }
        long ms = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        try {
            pending = scheduler.schedule(() -> Thread.ofVirtual().name("p2pkit-reprovide").start(this::step), ms,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "reprovider: the node's scheduler has stopped; no more sweeps");
        }
    }

    private void step() {
        Instant after;
        try {
            after = runDue() ? nextStep() : Instant.now().plus(Reprovider.RETRY);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: a sweep of the cycle failed: " + e
                    + "; trying again in " + slice.toSeconds() + " s");
            after = Instant.now().plus(slice);
        } catch (InterruptedException e) {
            return;
        }
        schedule(after);
    }

    /**
     * Begins the cycle if due, sweeps the slices due, and ends the cycle when its last is swept;
     * answers false when slices are due and wait for the network.
     */
    private boolean runDue() throws IOException, InterruptedException {
        if (closed.getAsBoolean()) {
            return true;
        }
        if (!cycle.stored()) {
            long t = System.nanoTime();
            long written;
            try (Stream<Multihash> all = work.keys()) {
                written = keystore.replace(all.iterator(), closed);
            }
            nanos += System.nanoTime() - t;
            if (closed.getAsBoolean()) {
                return true;
            }
            cycle = new Cycle(cycle.start(), 0, true);
            keep();
            LOG.log(System.Logger.Level.DEBUG, () -> "reprovider: a cycle of " + written + " keys begins");
        }
        Instant now = Instant.now();
        int to = cycle.next();
        while (to < SweepKeystore.SLICES && !due(cycle, to).isAfter(now)) {
            to++;
        }
        if (to > cycle.next() && !work.online()) {
            // Kubo's reprovide queue: the slices due wait until the DHT has peers
            int from = Math.max(cycle.next(), heldTo);
            if (to > from) {
                keystore.peek(from, to, batch, closed, work::holding);
                heldTo = to;
            }
            return false;
        }
        if (to > cycle.next()) {
            long t = System.nanoTime();
            keys += keystore.read(cycle.next(), to, batch, closed, b -> failures += work.sweep(b));
            nanos += System.nanoTime() - t;
            if (closed.getAsBoolean()) {
                return true; // the slices taken are swept again after a restart
            }
            work.slicesSwept(to - cycle.next());
            cycle = new Cycle(cycle.start(), to, true);
            keep();
        }
        if (cycle.next() == SweepKeystore.SLICES) {
            work.ended(keys, failures, nanos);
            keys = 0;
            failures = 0;
            nanos = 0;
            Instant everyDue = Instant.now().minus(slice.multipliedBy(SweepKeystore.SLICES - 1));
            cycle = new Cycle(later(cycle.start().plus(interval), everyDue), 0, false);
            heldTo = 0;
        }
        return true;
    }

    private void keep() {
        if (state == null) {
            return;
        }
        try {
            state.keepCycle(cycle.start(), cycle.next());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "reprovider: where the cycle stands cannot be kept: " + e);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
