package io.p2pkit.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting in tests for a condition another thread makes true, with a deadline instead of a sleep. */
public final class Await {
    /** How long {@link #until(String, BooleanSupplier)} waits. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    private Await() {
    }

    /** Waits up to {@link #DEFAULT} for {@code condition}; fails naming {@code what} otherwise. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, DEFAULT);
    }

    /** Waits up to {@code timeout} for {@code condition}, checking every millisecond. */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits up to {@link #DEFAULT} for {@code thread} to end; fails otherwise. */
    public static void join(Thread thread) throws InterruptedException {
        if (!thread.join(DEFAULT)) {
            throw new AssertionError("timed out after " + DEFAULT + " waiting for thread " + thread + " to end");
        }
    }

    /** Waits up to {@link #DEFAULT} for {@code latch} to reach zero; fails naming {@code what} otherwise. */
    public static void await(String what, CountDownLatch latch) throws InterruptedException {
        if (!latch.await(DEFAULT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + DEFAULT + " waiting for " + what);
        }
    }

    /** Takes a permit of {@code permits} within {@link #DEFAULT}; fails naming {@code what} otherwise. */
    public static void acquire(String what, Semaphore permits) throws InterruptedException {
        if (!permits.tryAcquire(DEFAULT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + DEFAULT + " waiting for " + what);
        }
    }
}
