package io.p2pkit.core.muxer.scheduling;

import io.p2pkit.core.muxer.StreamPriority;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The turn to write on one muxed connection, handed from writer to writer by priority: a lock
 * whose waiters are served in the order of a {@link FairQueue}, with the control-frame flusher
 * always first. The holder writes on its own thread; on release the turn goes straight to the
 * chosen waiter, so a writer that loops cannot barge ahead of the queue.
 *
 * <p>Uncontended, taking and giving back the turn is one short critical section each and no
 * bookkeeping: tags matter only among waiting writes, and a stream that starts to wait starts
 * from the current virtual time.
 *
 * <p>Internal to p2pkit (the package is not exported); public for the muxers' packages.
 */
public final class SendScheduler {
    private final ReentrantLock lock = new ReentrantLock();
    private final FairQueue queue = new FairQueue();
    // Guarded by lock.
    private boolean busy;
    private Thread controlWaiter;
    private boolean controlGranted;

    /**
     * One stream's place in the scheduler: its weight and virtual finish tag. Made with the
     * stream and dropped with it; the scheduler refers to it only from the stream's waiting
     * writes.
     */
    public static final class Flow {
        /** Written under the scheduler's lock; read there, and by {@link #priority()} anywhere. */
        volatile int weight;
        private volatile StreamPriority priority;
        // Guarded by the scheduler's lock.
        long finish;
        boolean cancelled;

        /** A flow of priority {@link StreamPriority#NORMAL}. */
        public Flow() {
            this(StreamPriority.NORMAL);
        }

        /** A flow of {@code priority}. */
        public Flow(StreamPriority priority) {
            this.priority = priority;
            this.weight = priority.weight();
        }

        /** The stream's priority. */
        public StreamPriority priority() {
            return priority;
        }
    }

    /** Takes the turn if nobody has it; never waits. */
    public boolean tryAcquire() {
        lock.lock();
        try {
            if (busy) {
                return false;
            }
            busy = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the turn for control frames, ahead of every waiting data write. */
    public void acquireControl() {
        lock.lock();
        try {
            if (!busy) {
                busy = true;
                return;
            }
            controlWaiter = Thread.currentThread();
            controlGranted = false;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (true) {
            lock.lock();
            try {
                if (controlGranted) {
                    controlWaiter = null;
                    break;
                }
            } finally {
                lock.unlock();
            }
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes the turn to write {@code bytes} of {@code flow}'s stream, waiting for the writes
     * the queue puts first.
     *
     * @return false, without the turn, when the flow was {@linkplain #cancel cancelled}
     */
    public boolean acquire(Flow flow, int bytes) {
        FairQueue.Waiter w;
        lock.lock();
        try {
            if (flow.cancelled) {
                return false;
            }
            if (!busy) {
                busy = true;
                return true;
            }
            w = new FairQueue.Waiter(flow, Thread.currentThread(), bytes);
            queue.add(w);
        } finally {
            lock.unlock();
        }
        // Uninterruptible, like the lock this replaces: an interrupt would otherwise end every
        // park at once (a spin); the flag is kept for the caller.
        boolean interrupted = false;
        int state;
        while ((state = w.state) == FairQueue.Waiter.WAITING) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return state == FairQueue.Waiter.GRANTED;
    }

    /** Gives the turn back: to the control flusher if it waits, else to the first write of the queue. */
    public void release() {
        Thread wake;
        lock.lock();
        try {
            if (!busy) {
                throw new IllegalStateException("release without the turn");
            }
            if (controlWaiter != null && !controlGranted) {
                controlGranted = true;
                wake = controlWaiter;
            } else {
                FairQueue.Waiter next = queue.next();
                if (next == null) {
                    busy = false;
                    return;
                }
                next.state = FairQueue.Waiter.GRANTED;
                wake = next.thread;
            }
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(wake);
    }

    /** Changes {@code flow}'s priority, also for a write of it that waits now. */
    public void setPriority(Flow flow, StreamPriority priority) {
        Objects.requireNonNull(priority, "priority");
        lock.lock();
        try {
            flow.priority = priority;
            flow.weight = priority.weight();
            queue.reweigh(flow);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stream ended (reset or failed): a write of it that waits returns false from
     * {@link #acquire}, and so do later ones.
     */
    public void cancel(Flow flow) {
        List<FairQueue.Waiter> removed;
        lock.lock();
        try {
            if (flow.cancelled) {
                return;
            }
            flow.cancelled = true;
            removed = queue.remove(flow);
            for (FairQueue.Waiter w : removed) {
                w.state = FairQueue.Waiter.CANCELLED;
            }
        } finally {
            lock.unlock();
        }
        for (FairQueue.Waiter w : removed) {
            LockSupport.unpark(w.thread);
        }
    }

    /** Data writes waiting now (not counting the holder or the control flusher). */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the control flusher waits for the turn. */
    boolean controlWaiting() {
        lock.lock();
        try {
            return controlWaiter != null && !controlGranted;
        } finally {
            lock.unlock();
        }
    }

    /** Whether some writer holds the turn. */
    public boolean busy() {
        lock.lock();
        try {
            return busy;
        } finally {
            lock.unlock();
        }
    }
}
