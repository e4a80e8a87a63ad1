package io.p2pkit.core.multistream;

import io.p2pkit.core.logging.LazyLogger;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a deadline on a negotiation. When it passes, the negotiation's connection or stream is
 * aborted, which makes its blocked reads and writes fail; the negotiation then ends with a
 * {@link NegotiationException} whose {@link NegotiationException#timedOut()} is true.
 *
 * <p>All deadlines share one scheduler (the host's), so a negotiation costs no thread beyond
 * its caller's.
 */
public final class NegotiationTimer {
    private static final System.Logger LOG = LazyLogger.of(NegotiationTimer.class);

    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int TIMED_OUT = 2;

    private final ScheduledExecutorService scheduler;
    private final Duration timeout;

    /**
     * @param scheduler the shared scheduler that fires deadlines; not shut down by this class
     * @param timeout how long a negotiation may take; must be positive
     */
    public NegotiationTimer(ScheduledExecutorService scheduler, Duration timeout) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** The time a negotiation may take. */
    public Duration timeout() {
        return timeout;
    }

    /** A step of a negotiation that reads and writes. */
    @FunctionalInterface
    public interface Step<T> {
        /** Runs the step. */
        T run() throws IOException;
    }

    /**
     * Runs {@code step}, aborting {@code abort} if it has not finished within the timeout.
     *
     * @throws NegotiationException with {@code timedOut()} true when the deadline passed
     */
    public <T> T run(Closeable abort, Step<T> step) throws IOException {
        AtomicInteger state = new AtomicInteger(RUNNING);
        ScheduledFuture<?> alarm = scheduler.schedule(() -> {
            if (state.compareAndSet(RUNNING, TIMED_OUT)) {
                try {
                    abort.close();
                } catch (IOException | RuntimeException e) {
                    // the negotiation fails with a timeout either way
                    LOG.log(System.Logger.Level.DEBUG, () -> "aborting a negotiation that timed out: " + e);
                }
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            T result = step.run();
            if (state.compareAndSet(RUNNING, FINISHED)) {
                return result;
            }
            // the alarm won the race and has aborted the connection: the result is unusable
            throw timedOut(null);
        } catch (IOException | RuntimeException e) {
            if (state.compareAndSet(RUNNING, FINISHED)) {
                throw e;
            }
            throw timedOut(e);
        } finally {
            alarm.cancel(false);
        }
    }

    private NegotiationException timedOut(Throwable cause) {
        List<String> proposed = cause instanceof NegotiationException n ? n.proposed() : List.of();
        List<String> answers = cause instanceof NegotiationException n ? n.answers() : List.of();
        return new NegotiationException("negotiation timed out after " + timeout, proposed, answers, true, cause);
    }
}
