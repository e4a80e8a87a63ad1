package io.p2pkit.node.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kubo's {@code Gateway.RetrievalTimeout} for one request: when nothing has been written for the
 * timeout (the first byte included), the thread serving the request is interrupted, which ends
 * the wait for a block from the network or for a client that does not read; the request then
 * answers 504, or is cut if its status is sent.
 *
 * <p>The requests in flight are in one set that a single thread sweeps every
 * {@link #SWEEP_MILLIS} while the set is not empty, so that a request costs a set entry and a
 * write a volatile store, where a timer task per request (scheduled, then cancelled) would take
 * the timer's lock twice per request (docs/PERFORMANCE.md, "Kubo's gateway settings on the
 * request path").
 */
final class RetrievalDeadline {
    /** How often the requests in flight are looked at: a deadline fires up to this late. */
    static final long SWEEP_MILLIS = 250;

    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    /** No deadline: {@code Gateway.RetrievalTimeout} 0. */
    static final RetrievalDeadline NONE = new RetrievalDeadline(null, 0);

    private static final Set<RetrievalDeadline> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean SWEEPING = new AtomicBoolean();

    private final Thread serving;
    private final long timeoutNanos;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile long lastProgress = System.nanoTime();

    private RetrievalDeadline(Thread serving, long timeoutNanos) {
        this.serving = serving;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Starts the deadline for the calling thread's request.
     *
     * @param timeout the longest silence; zero for none
     */
    static RetrievalDeadline start(Duration timeout) {
        if (timeout.isZero()) {
            return NONE;
        }
        RetrievalDeadline d = new RetrievalDeadline(Thread.currentThread(), timeout.toNanos());
        IN_FLIGHT.add(d);
        if (!SWEEPING.get() && SWEEPING.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("gateway-retrieval-deadlines").start(RetrievalDeadline::sweep);
        }
        return d;
    }

    /** Fires the deadlines that passed, until no request is in flight. */
    private static void sweep() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                SWEEPING.set(false); // nobody interrupts this thread; a new one starts with the next request
                return;
            }
            long now = System.nanoTime();
            for (RetrievalDeadline d : IN_FLIGHT) {
                d.check(now);
            }
            if (IN_FLIGHT.isEmpty()) {
                SWEEPING.set(false);
                // a request that came in meanwhile found the flag set and started no sweeper
                if (IN_FLIGHT.isEmpty() || !SWEEPING.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    private void check(long now) {
        if (now - lastProgress >= timeoutNanos && state.compareAndSet(RUNNING, FIRING)) {
            IN_FLIGHT.remove(this);
            serving.interrupt();
            state.set(FIRED);
        }
    }

    /** Something was written: the silence starts again. */
    void progress() {
        if (this != NONE) {
            lastProgress = System.nanoTime();
        }
    }

    /** Whether the deadline passed and interrupted the request. */
    boolean fired() {
        return state.get() >= FIRING;
    }

    /** The timeout as Go writes it, for the 504's message. */
    String timeout() {
        return io.p2pkit.node.config.GoDurations.format(Duration.ofNanos(timeoutNanos));
    }

    /**
     * Ends the deadline, on the serving thread, before it returns: an interrupt that came for
     * this request is cleared so that it does not reach whatever the thread does next.
     */
    void end() {
        if (this == NONE) {
            return;
        }
        if (state.compareAndSet(RUNNING, ENDED)) {
            IN_FLIGHT.remove(this);
            return;
        }
        while (state.get() == FIRING) {
            Thread.onSpinWait(); // the interrupt is being delivered: a few instructions
        }
        Thread.interrupted();
    }
}
