package io.p2pkit.core.network.dial;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A per-peer circuit breaker: closed while dials work; open after {@code threshold} consecutive
 * failures, refusing dials for {@code coolDown}; then half-open, letting exactly one probe dial
 * through. The probe's success closes it again; its failure opens it for another cool-down.
 * {@link #failed(int, Duration)} lets the caller tighten both for one failure (the dial policy does
 * for peers with a bad reputation).
 */
public final class CircuitBreaker {
    /** The breaker's state. */
    public enum State {
        /** Dials go through. */
        CLOSED,
        /** Dials are refused until the cool-down ends. */
        OPEN,
        /** One probe dial is allowed (or in flight). */
        HALF_OPEN
    }

    private final int threshold;
    private final long coolDownNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private int consecutiveFailures;
    private long openedAt;
    /** The cool-down of the current opening. */
    private long openCoolDownNanos;
    private boolean open;
    private boolean probeInFlight;

    /**
     * @param threshold how many failures in a row open it
     * @param coolDown  how long it stays open before a probe
     * @param clock     nanoseconds, monotonic
     */
    public CircuitBreaker(int threshold, Duration coolDown, LongSupplier clock) {
        if (threshold <= 0) {
            throw new IllegalArgumentException("threshold must be positive");
        }
        this.threshold = threshold;
        this.coolDownNanos = coolDown.toNanos();
        this.clock = clock;
    }

    /** The state now. */
    public State state() {
        lock.lock();
        try {
            if (!open) {
                return State.CLOSED;
            }
            return clock.getAsLong() - openedAt >= openCoolDownNanos ? State.HALF_OPEN : State.OPEN;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks to dial: always yes when closed; when half-open, yes for the first caller only (the probe).
     *
     * @return whether to dial now
     */
    public boolean tryAcquire() {
        lock.lock();
        try {
            State s = state();
            if (s == State.CLOSED) {
                return true;
            }
            if (s == State.HALF_OPEN && !probeInFlight) {
                probeInFlight = true;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** How long until a probe may go, when open; zero otherwise. */
    public Duration remainingCoolDown() {
        lock.lock();
        try {
            long left = open ? openedAt + openCoolDownNanos - clock.getAsLong() : 0;
            return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
        } finally {
            lock.unlock();
        }
    }

    /** A dial succeeded: close. */
    public void succeeded() {
        lock.lock();
        try {
            open = false;
            probeInFlight = false;
            consecutiveFailures = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A dial failed: count it, and open when the threshold is reached or a probe failed. */
    public void failed() {
        failed(threshold, Duration.ofNanos(coolDownNanos));
    }

    /**
     * A dial failed: count it, and open for {@code coolDown} when {@code threshold} failures in a
     * row are reached (instead of the breaker's own settings) or a probe failed.
     */
    public void failed(int threshold, Duration coolDown) {
        lock.lock();
        try {
            consecutiveFailures++;
            if (probeInFlight || consecutiveFailures >= Math.max(1, threshold)) {
                open = true;
                openedAt = clock.getAsLong();
                openCoolDownNanos = coolDown.toNanos();
                probeInFlight = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The probe let through by {@link #tryAcquire} was not used: let the next caller probe. */
    public void abandonProbe() {
        lock.lock();
        try {
            probeInFlight = false;
        } finally {
            lock.unlock();
        }
    }

    /** Failures in a row so far. */
    public int consecutiveFailures() {
        lock.lock();
        try {
            return consecutiveFailures;
        } finally {
            lock.unlock();
        }
    }
}
