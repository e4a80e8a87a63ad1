package io.p2pkit.kad;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ADD_PROVIDER sends that optimistic provides leave running after they return, capped for the
 * whole DHT as go-libp2p-kad-dht's {@code optProvJobsPool} does: a provide hands its unfinished
 * sends over only when they fit, otherwise it waits for some of them (or of other provides') to
 * end. Without the cap, a loop of provides to slow peers would pile up sends without bound.
 */
final class BackgroundSends {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int running;
    private boolean closed;

    BackgroundSends(int capacity) {
        this.capacity = capacity;
    }

    /** The sends of one provide. */
    final class Batch {
        private int started;
        private int finished;
        private int stored;
        private boolean handedOver;

        /** Counts a send about to start. */
        void started() {
            lock.lock();
            try {
                started++;
            } finally {
                lock.unlock();
            }
        }

        /** Counts a send that ended; {@code ok} when the record went out. */
        void finished(boolean ok) {
            lock.lock();
            try {
                finished++;
                if (ok) {
                    stored++;
                }
                if (handedOver) {
                    running--;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits until at least {@code returnAfter} sends ended and one of them stored the record,
         * or until every send ended, whichever is first (each send is bounded by the request
         * timeout, so this ends).
         *
         * @return how many sends stored the record so far
         */
        int awaitReturn(int returnAfter) throws InterruptedException {
            lock.lock();
            try {
                while (finished < started && !(finished >= returnAfter && stored > 0)) {
                    changed.await();
                }
                return stored;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Hands the sends still running over to the background once they fit under the cap
         * (waiting for some to end otherwise); after closing, hands over at once (the client
         * resets them).
         */
        void handOver() throws InterruptedException {
            lock.lock();
            try {
                while (!closed && started - finished > 0 && running + (started - finished) > capacity) {
                    changed.await();
                }
                running += started - finished;
                handedOver = true;
            } finally {
                lock.unlock();
            }
        }
    }

    /** A batch for one provide. */
    Batch batch() {
        return new Batch();
    }

    /** Sends running in the background now. */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops providers from waiting for room: their sends are handed over at once, and the
     * client, closing too, ends them (it waits for requests in flight within its grace).
     */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
