package io.p2pkit.node.gateway;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kubo's {@code Gateway.RetrievalTimeout} for one request: when nothing has been written for the
 * timeout (the first byte included), the thread serving the request is interrupted, which ends
 * the wait for a block from the network or for a client that does not read; the request then
 * answers 504, or is cut if its status is sent. One check per request, rescheduled to the latest
 * write's deadline, so a write costs a volatile store and no timer.
 */
final class RetrievalDeadline {
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    /** No deadline: {@code Gateway.RetrievalTimeout} 0. */
    static final RetrievalDeadline NONE = new RetrievalDeadline(null, 0);

    private static final ScheduledExecutorService TIMER = timer();

    private final Thread serving;
    private final long timeoutNanos;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile long lastProgress = System.nanoTime();
    /** The check waiting in the timer, cancelled when the request ends so that the timer holds no ended requests. */
    private volatile java.util.concurrent.ScheduledFuture<?> pending;

    private RetrievalDeadline(Thread serving, long timeoutNanos) {
        this.serving = serving;
        this.timeoutNanos = timeoutNanos;
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "gateway-retrieval-deadline");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
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
        d.schedule(d.timeoutNanos);
        return d;
    }

    private void schedule(long delayNanos) {
        pending = TIMER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (state.get() != RUNNING) {
            return;
        }
        long left = lastProgress + timeoutNanos - System.nanoTime();
        if (left > 0) {
            schedule(left);
        } else if (state.compareAndSet(RUNNING, FIRING)) {
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
            pending.cancel(false);
            return;
        }
        while (state.get() == FIRING) {
            Thread.onSpinWait(); // the interrupt is being delivered: a few instructions
        }
        Thread.interrupted();
    }
}
