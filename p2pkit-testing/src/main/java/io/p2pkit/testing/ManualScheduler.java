package io.p2pkit.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link ScheduledExecutorService} on virtual time, for code whose timers tests must drive
 * without sleeping. Tasks run on the test's thread when {@link #advance} moves the clock past
 * their time (in time order, periodic ones again and again); {@code execute} and zero-delay
 * tasks run at the next {@link #advance} or {@link #runDue}. {@link #nanoTime} is the clock to
 * hand the code under test, so that its own reading of time agrees with the timers.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    /** Guards against a periodic task of period zero, or a task that keeps rescheduling itself at once. */
    private static final int MAX_RUNS_PER_STEP = 100_000;

    private final AtomicLong now;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    /** A scheduler whose clock starts at {@code startNanos}. */
    public ManualScheduler(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    /** A scheduler whose clock starts at one second (so that "never" and zero stay distinct). */
    public ManualScheduler() {
        this(1_000_000_000L);
    }

    /** The virtual time in nanoseconds. */
    public long nanoTime() {
        return now.get();
    }

    /** The virtual clock, as a supplier for code that takes one. */
    public LongSupplier clock() {
        return now::get;
    }

    /** Runs every task due now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward by {@code d}, running each task when its time comes. */
    public void advance(Duration d) {
        long target = now.get() + d.toNanos();
        int runs = 0;
        while (true) {
            Task<?> next;
            lock.lock();
            try {
                next = queue.peek();
                if (next == null || next.at > target) {
                    break;
                }
                queue.poll();
            } finally {
                lock.unlock();
            }
            if (next.at > now.get()) {
                now.set(next.at);
            }
            next.runOnce();
            if (++runs > MAX_RUNS_PER_STEP) {
                throw new IllegalStateException("more than " + MAX_RUNS_PER_STEP + " tasks in one step: a task "
                        + "reschedules itself without delay");
            }
        }
        now.set(Math.max(now.get(), target));
    }

    /** How many tasks wait (periodic ones count once). */
    public int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private <T> Task<T> enqueue(Task<T> t) {
        lock.lock();
        try {
            if (shutdown) {
                throw new java.util.concurrent.RejectedExecutionException("scheduler is shut down");
            }
            t.seq = sequence++;
            queue.add(t);
        } finally {
            lock.unlock();
        }
        return t;
    }

    @Override
    public void execute(Runnable command) {
        enqueue(new Task<Void>(callable(command), now.get(), 0));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<Void>(callable(command), now.get() + Math.max(0, unit.toNanos(delay)), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, now.get() + Math.max(0, unit.toNanos(delay)), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return periodic(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return periodic(command, initialDelay, delay, unit); // tasks take no virtual time: the same thing
    }

    private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive");
        }
        return enqueue(new Task<Void>(callable(command), now.get() + Math.max(0, unit.toNanos(initialDelay)),
                unit.toNanos(period)));
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        lock.lock();
        try {
            shutdown = true;
            List<Runnable> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && pending() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** A task at a virtual time; periodic when {@code period > 0}. */
    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final long period;
        long at;
        long seq;

        Task(Callable<V> callable, long at, long period) {
            super(callable);
            this.at = at;
            this.period = period;
        }

        void runOnce() {
            if (period == 0) {
                run();
            } else if (runAndReset()) {
                at += period;
                lock.lock();
                try {
                    if (!shutdown) {
                        queue.add(this);
                    }
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            lock.lock();
            try {
                queue.remove(this);
            } finally {
                lock.unlock();
            }
            return cancelled;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - now.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            if (o instanceof Task<?> t) {
                int c = Long.compare(at, t.at);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            if (!isDone()) {
                throw new IllegalStateException("a task on virtual time is not done: advance the scheduler first");
            }
            return super.get();
        }
    }

    private static Callable<Void> callable(Runnable r) {
        return () -> {
            r.run();
            return null;
        };
    }
}
