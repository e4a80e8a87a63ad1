package io.p2pkit.pubsub;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The owner thread's work: a local lane (heartbeats, API calls, validation results, connection
 * events) taken before a remote lane (RPCs read from peers), both bounded.
 *
 * <p>With one FIFO queue, a flood of RPCs (IWANT spam, a burst after a stall) put every heartbeat
 * and publish behind thousands of RPCs: a node seconds behind could neither decay scores nor
 * check promises nor publish in time. go's event loop selects among its channels instead of
 * queueing them behind one another; the local lane does the same, and local work is bounded by
 * its sources (heartbeats are coalesced, validations capped). Remote RPCs are additionally
 * bounded per inbound stream by its reader (see {@code PubSub}), so one peer cannot fill the lane.
 */
final class CommandQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition localNotFull = lock.newCondition();
    private final Condition remoteNotFull = lock.newCondition();
    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    /** An RPC's handling, and when the RPC was read (clock millis). */
    private record Remote(Runnable handling, long readAt) {
    }

    private final ArrayDeque<Remote> remote = new ArrayDeque<>();
    private final int capacity;

    /** Lanes of at most {@code capacity} commands each. */
    CommandQueue(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Queues local work unless its lane is full. */
    boolean offerLocal(Runnable r) {
        lock.lock();
        try {
            if (local.size() >= capacity) {
                return false;
            }
            local.add(r);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Queues local work, waiting while its lane is full. */
    void putLocal(Runnable r) throws InterruptedException {
        put(local, localNotFull, r);
    }

    /** Queues the handling of an RPC read at {@code readAt} (clock millis), waiting while the remote lane is full. */
    void putRemote(Runnable r, long readAt) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (remote.size() >= capacity) {
                remoteNotFull.await();
            }
            remote.add(new Remote(r, readAt));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private void put(ArrayDeque<Runnable> lane, Condition notFull, Runnable r) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (lane.size() >= capacity) {
                notFull.await();
            }
            lane.add(r);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * When the oldest RPC waiting in the remote lane was read, or {@code otherwise} if none waits.
     * Readers on several threads may queue slightly out of read order, so this is the least of them.
     */
    long oldestRemoteReadAt(long otherwise) {
        lock.lock();
        try {
            long oldest = otherwise;
            for (Remote r : remote) {
                oldest = Math.min(oldest, r.readAt());
            }
            return oldest;
        } finally {
            lock.unlock();
        }
    }

    /** The next command, local work first; waits while both lanes are empty. */
    Runnable take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (local.isEmpty() && remote.isEmpty()) {
                notEmpty.await();
            }
            if (!local.isEmpty()) {
                localNotFull.signal();
                return local.poll();
            }
            remoteNotFull.signal();
            return remote.poll().handling();
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything queued and wakes every waiting producer. */
    void clear() {
        lock.lock();
        try {
            local.clear();
            remote.clear();
            localNotFull.signalAll();
            remoteNotFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Commands queued in the remote lane (tests, metrics). */
    int remoteSize() {
        lock.lock();
        try {
            return remote.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "CommandQueue[" + local.size() + " local, " + remote.size() + " remote, capacity " + capacity + "]";
        } finally {
            lock.unlock();
        }
    }
}
